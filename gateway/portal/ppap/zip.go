package ppap

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
)

// ErrPassword means the password does not open the file. It is the only error a wrong
// password produces, so the caller can count tries on it.
var ErrPassword = errors.New("ppap: wrong password")

// ErrNotEncrypted means the file has nothing to decrypt.
var ErrNotEncrypted = errors.New("ppap: not encrypted")

// ErrUnsupported means the file uses an encryption or compression this package does not
// implement (PKWARE strong encryption, Deflate64, ...); the item stays held.
var ErrUnsupported = errors.New("ppap: unsupported")

// CorruptError says why a file that the password opened could not be read.
type CorruptError struct{ Msg string }

func (e *CorruptError) Error() string { return "ppap: corrupt: " + e.Msg }

func corrupt(format string, a ...any) error { return &CorruptError{Msg: fmt.Sprintf(format, a...)} }

// LimitError names the limit a file exceeded, with the same keys as the engine's limits.
type LimitError struct {
	Limit    string
	Max, Got int64
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("ppap: limit exceeded: %s (max %d, got %d)", e.Limit, e.Max, e.Got)
}

// Limits bound one decryption. Zero fields take the defaults in the field comments.
type Limits struct {
	MaxEntries   int   // entries in the archive; default 10000 (limits.max_entries)
	MaxFileSize  int64 // one entry, compressed or not, and the whole output; default 100 MiB
	MaxTotalSize int64 // decrypted and decompressed bytes of all entries; default 512 MiB
	MaxRatio     int64 // uncompressed/compressed size of one entry; default 200
}

func (l Limits) withDefaults() Limits {
	if l.MaxEntries <= 0 {
		l.MaxEntries = 10000
	}
	if l.MaxFileSize <= 0 {
		l.MaxFileSize = 100 << 20
	}
	if l.MaxTotalSize <= 0 {
		l.MaxTotalSize = 512 << 20
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = 200
	}
	return l
}

// Result describes a decryption.
type Result struct {
	Entries   int   // entries written
	Encrypted int   // of which were encrypted
	Bytes     int64 // decompressed bytes written
}

// ZipEncrypted reports whether any entry of the zip is encrypted.
func ZipEncrypted(r io.ReaderAt, size int64) (bool, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return false, corrupt("%v", err)
	}
	for _, f := range zr.File {
		if f.Flags&flagEncrypted != 0 {
			return true, nil
		}
	}
	return false, nil
}

const (
	flagEncrypted  = 0x1
	flagDescriptor = 0x8
	flagStrong     = 0x40
)

// DecryptZip writes to w an unencrypted zip with the entries of the zip in r, decrypting
// those that are encrypted with password. Only names, modification times and contents are
// carried over: extra fields, comments and attributes are not. A password typed as UTF-8 is
// also tried in Shift_JIS (CP932), which Japanese Windows archivers use.
//
// The whole output is held in memory before anything is written to w, so a wrong password
// or a limit leaves w untouched.
func DecryptZip(r io.ReaderAt, size int64, password []byte, lim Limits, w io.Writer) (Result, error) {
	lim = lim.withDefaults()
	var res Result
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return res, corrupt("%v", err)
	}
	if len(zr.File) > lim.MaxEntries {
		return res, &LimitError{"limits.max_entries", int64(lim.MaxEntries), int64(len(zr.File))}
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	var pw []byte // the candidate that opened the first encrypted entry
	for _, f := range zr.File {
		var data []byte
		if f.Flags&flagEncrypted != 0 {
			res.Encrypted++
			if pw == nil {
				for _, c := range candidates(password) {
					if data, err = openEntry(f, c, lim, &res); !errors.Is(err, ErrPassword) {
						pw = c
						break
					}
				}
			} else {
				data, err = openEntry(f, pw, lim, &res)
			}
		} else {
			data, err = openEntry(f, nil, lim, &res)
		}
		if err != nil {
			return Result{}, err
		}
		hdr := &zip.FileHeader{Name: f.Name, Modified: f.Modified, NonUTF8: f.NonUTF8, Method: zip.Deflate}
		if f.Mode().IsDir() {
			hdr.Method = zip.Store
		}
		ew, err := zw.CreateHeader(hdr)
		if err != nil {
			return Result{}, err
		}
		if _, err := ew.Write(data); err != nil {
			return Result{}, err
		}
		res.Entries++
		if int64(out.Len()) > lim.MaxFileSize {
			return Result{}, &LimitError{"limits.max_file_size", lim.MaxFileSize, int64(out.Len())}
		}
	}
	if res.Encrypted == 0 {
		return Result{}, ErrNotEncrypted
	}
	if err := zw.Close(); err != nil {
		return Result{}, err
	}
	if _, err := out.WriteTo(w); err != nil {
		return Result{}, err
	}
	return res, nil
}

// candidates lists the byte strings to try for a password typed in the browser.
func candidates(password []byte) [][]byte {
	out := [][]byte{password}
	if utf8.Valid(password) && !isASCII(password) {
		if sj, err := japanese.ShiftJIS.NewEncoder().Bytes(password); err == nil && !bytes.Equal(sj, password) {
			out = append(out, sj)
		}
	}
	return out
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// openEntry returns the decompressed contents of f, decrypting with password when f is
// encrypted, and charges them to res against lim.
func openEntry(f *zip.File, password []byte, lim Limits, res *Result) ([]byte, error) {
	if f.Flags&flagStrong != 0 {
		return nil, fmt.Errorf("%w: %s: PKWARE strong encryption", ErrUnsupported, f.Name)
	}
	if f.CompressedSize64 > uint64(lim.MaxFileSize) {
		return nil, &LimitError{"limits.max_file_size", lim.MaxFileSize, int64(min(f.CompressedSize64, 1<<62))}
	}
	raw, err := f.OpenRaw()
	if err != nil {
		return nil, corrupt("%s: %v", f.Name, err)
	}
	payload := make([]byte, f.CompressedSize64)
	if _, err := io.ReadFull(raw, payload); err != nil {
		return nil, corrupt("%s: %v", f.Name, err)
	}
	method, checkCRC := f.Method, true
	encrypted := f.Flags&flagEncrypted != 0
	switch {
	case encrypted && f.Method == aesMethod:
		version, strength, m, err := aesExtra(f.Extra)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name, err)
		}
		if payload, err = aesEntry(password, payload, strength); err != nil {
			return nil, err
		}
		// AE-2 stores no CRC (the MAC covers the data); AE-1 stores both.
		method, checkCRC = m, version == 1
	case encrypted:
		if len(payload) < 12 {
			return nil, corrupt("%s: shorter than the encryption header", f.Name)
		}
		z := newZipCrypto(password)
		z.decrypt(payload[:12])
		want := byte(f.CRC32 >> 24)
		if f.Flags&flagDescriptor != 0 {
			want = byte(f.ModifiedTime >> 8)
		}
		if payload[11] != want {
			return nil, ErrPassword
		}
		payload = payload[12:]
		z.decrypt(payload)
	case f.Method == aesMethod:
		return nil, corrupt("%s: AES method without the encryption flag", f.Name)
	}
	data, err := inflate(method, payload, f, lim, res)
	if err != nil {
		// A wrong ZipCrypto password passes the one-byte check 1 time in 256 and then
		// decompresses to garbage or a bad CRC: that is a wrong password to the user.
		if encrypted && f.Method != aesMethod && !isLimit(err) {
			return nil, ErrPassword
		}
		return nil, err
	}
	if checkCRC && crc32.ChecksumIEEE(data) != f.CRC32 {
		if encrypted && f.Method != aesMethod {
			return nil, ErrPassword
		}
		return nil, corrupt("%s: CRC mismatch", f.Name)
	}
	return data, nil
}

func isLimit(err error) bool {
	var le *LimitError
	return errors.As(err, &le)
}

// inflate decompresses one entry, bounded by the per-entry, total and ratio limits.
func inflate(method uint16, payload []byte, f *zip.File, lim Limits, res *Result) ([]byte, error) {
	ceil := min(lim.MaxFileSize, lim.MaxTotalSize-res.Bytes, max(int64(len(payload)), 1)*lim.MaxRatio)
	var rd io.Reader
	switch method {
	case zip.Store:
		rd = bytes.NewReader(payload)
	case zip.Deflate:
		fr := flate.NewReader(bytes.NewReader(payload))
		defer fr.Close()
		rd = fr
	default:
		return nil, fmt.Errorf("%w: %s: compression method %d", ErrUnsupported, f.Name, method)
	}
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(rd, ceil+1))
	if err != nil {
		return nil, corrupt("%s: %v", f.Name, err)
	}
	if n > ceil {
		switch {
		case ceil == lim.MaxFileSize:
			return nil, &LimitError{"limits.max_file_size", lim.MaxFileSize, n}
		case ceil == lim.MaxTotalSize-res.Bytes:
			return nil, &LimitError{"limits.max_total_size", lim.MaxTotalSize, res.Bytes + n}
		default:
			return nil, &LimitError{"limits.max_ratio", lim.MaxRatio, n / max(int64(len(payload)), 1)}
		}
	}
	if uint64(n) != f.UncompressedSize64 {
		return nil, corrupt("%s: %d bytes, the header says %d", f.Name, n, f.UncompressedSize64)
	}
	res.Bytes += n
	return buf.Bytes(), nil
}

// aesExtra reads the WinZip AES extra field: vendor version (1 or 2), strength and the
// real compression method.
func aesExtra(extra []byte) (version uint16, strength byte, method uint16, err error) {
	for len(extra) >= 4 {
		id, n := binary.LittleEndian.Uint16(extra), int(binary.LittleEndian.Uint16(extra[2:]))
		if len(extra) < 4+n {
			break
		}
		body := extra[4 : 4+n]
		extra = extra[4+n:]
		if id != aesExtraID {
			continue
		}
		if n < 7 || body[2] != 'A' || body[3] != 'E' {
			return 0, 0, 0, corrupt("bad AES extra field")
		}
		version = binary.LittleEndian.Uint16(body)
		if version != 1 && version != 2 {
			return 0, 0, 0, fmt.Errorf("%w: AES vendor version %d", ErrUnsupported, version)
		}
		return version, body[4], binary.LittleEndian.Uint16(body[5:]), nil
	}
	return 0, 0, 0, corrupt("AES method without its extra field")
}
