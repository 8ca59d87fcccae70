/*
Copyright 2018 The pdfcpu Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

	http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package types

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/pdfcpu/pdfcpu/pkg/log"
)

var (
	// ErrInvalidUTF8 signals an invalid UTF-8 string.
	ErrInvalidUTF8 = errors.New("invalid UTF-8")

	// ErrInvalidUTF16BE represents an error that gets raised for invalid UTF-16BE byte sequences.
	ErrInvalidUTF16BE = errors.New("invalid UTF-16BE detected")
)

// IsStringUTF16BE checks a string for Big Endian byte order BOM.
func IsStringUTF16BE(s string) bool {
	s1 := fmt.Sprint(s)
	ok := strings.HasPrefix(s1, "\376\377") // 0xFE 0xFF
	return ok
}

// IsUTF16BE checks for Big Endian byte order mark and valid length.
func IsUTF16BE(b []byte) bool {
	if len(b) == 0 || len(b)%2 != 0 {
		return false
	}
	// Check BOM
	return b[0] == 0xFE && b[1] == 0xFF
}

func decodeUTF16String(b []byte) (string, error) {
	// Convert UTF-16 to UTF-8
	// We only accept big endian byte order.
	if !IsUTF16BE(b) {
		if log.DebugEnabled() {
			log.Debug.Printf("decodeUTF16String: not UTF16BE: %s\n", hex.Dump(b))
		}
		return "", ErrInvalidUTF16BE
	}

	// Strip BOM.
	b = b[2:]

	// code points
	u16 := make([]uint16, 0, len(b))

	// Collect code points.
	for i := 0; i < len(b); {

		val := (uint16(b[i]) << 8) + uint16(b[i+1])

		if val <= 0xD7FF || val > 0xE000 && val <= 0xFFFF {
			// Basic Multilingual Plane
			u16 = append(u16, val)
			i += 2
			continue
		}

		// Ensure bytes needed in order to decode surrogate pair.
		if i+2 >= len(b) {
			return "", fmt.Errorf("corrupt UTF16BE byte length on unicode point 1: %v", b)
		}

		// Ensure high surrogate is leading in possible surrogate pair.
		if val >= 0xDC00 && val <= 0xDFFF {
			return "", fmt.Errorf("corrupt UTF16BE on unicode point 1: %v", b)
		}

		// Supplementary Planes
		u16 = append(u16, val)
		val = (uint16(b[i+2]) << 8) + uint16(b[i+3])
		if val < 0xDC00 || val > 0xDFFF {
			return "", fmt.Errorf("corrupt UTF16BE on unicode point 2: %v", b)
		}

		u16 = append(u16, val)
		i += 4
	}

	decb := []byte{}
	utf8Buf := make([]byte, utf8.UTFMax)

	for _, rune := range utf16.Decode(u16) {
		n := utf8.EncodeRune(utf8Buf, rune)
		decb = append(decb, utf8Buf[:n]...)
	}

	return string(decb), nil
}

// DecodeUTF16String decodes a UTF16BE string from a hex string.
func DecodeUTF16String(s string) (string, error) {
	return decodeUTF16String([]byte(s))
}

// EncodeUTF16String encodes s as utf16 string.
func EncodeUTF16String(s string) string {
	rr := utf16.Encode([]rune(s))
	bb := []byte{0xFE, 0xFF}
	for _, r := range rr {
		bb = append(bb, byte(r>>8), byte(r&0xFF))
	}
	return string(bb)
}

// EscapedUTF16String returns the escaped utf16 string for s.
func EscapedUTF16String(s string) (*string, error) {
	if !utf8.ValidString(s) {
		return nil, ErrInvalidUTF8
	}
	return Escape(EncodeUTF16String(s))
}

// StringLiteralToString returns the best possible string rep for a string literal.
func StringLiteralToString(sl StringLiteral) (string, error) {
	bb, err := Unescape(sl.Value())
	if err != nil {
		return "", err
	}
	if IsUTF16BE(bb) {
		return decodeUTF16String(bb)
	}
	// If no acceptable UTF16 encoding is found, accept real-world UTF8 before
	// falling back to PDFDocEncoding.
	bb = bytes.TrimPrefix(bb, []byte{239, 187, 191})
	if utf8.Valid(bb) && !hasPDFDocEncodingControlByte(bb) {
		return string(bb), nil
	}
	return decodePDFDocEncoding(bb), nil
}

// HexLiteralToString returns a possibly UTF16 encoded string for a hex string.
func HexLiteralToString(hl HexLiteral) (string, error) {
	bb, err := hl.Bytes()
	if err != nil {
		return "", err
	}
	if IsUTF16BE(bb) {
		return decodeUTF16String(bb)
	}

	bb, err = Unescape(string(bb))
	if err != nil {
		return "", err
	}

	bb = bytes.TrimPrefix(bb, []byte{239, 187, 191})
	if utf8.Valid(bb) && !hasPDFDocEncodingControlByte(bb) {
		return string(bb), nil
	}

	return decodePDFDocEncoding(bb), nil
}

// StringOrHexLiteral returns the string value for a string or hex literal.
func StringOrHexLiteral(obj Object) (*string, error) {
	if sl, ok := obj.(StringLiteral); ok {
		s, err := StringLiteralToString(sl)
		return &s, err
	}
	if hl, ok := obj.(HexLiteral); ok {
		s, err := HexLiteralToString(hl)
		return &s, err
	}
	return nil, errors.New("expected StringLiteral or HexLiteral")
}
