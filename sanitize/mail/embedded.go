package mail

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"

	"github.com/sekisho/sekisho/sanitize"
)

var (
	uuBegin     = regexp.MustCompile(`^begin(-base64)? +[0-7]{3,4} +(\S.*)$`)
	binhexIntro = "(This file must be converted with BinHex"
	// yEnc (yEnc 1.3, the Usenet binary encoding) opens a block with "=ybegin " and closes
	// it with "=yend"; name= is the last field and runs to the end of the line.
	yencBegin = "=ybegin "
	yencName  = regexp.MustCompile(`\bname=(.*)$`)
)

// maxEmbeddedBlocks bounds the uuencode/BinHex blocks taken from one body.
const maxEmbeddedBlocks = 100

// extractEmbedded cuts uuencode, BinHex and yEnc blocks out of a text body. Each uuencoded
// file is decoded and sent through the engine; a block that does not decode, and every
// BinHex block (its payload is a Macintosh file with a resource fork we do not rebuild),
// is quarantined. A yEnc block is 8-bit data that the charset decoding of the text has
// already changed, so only the original message still holds the file: it is held. None of
// them passes as text: a text-only reader would hand the encoded file to any tool that
// decodes it.
func (j *job) extractEmbedded(path, s string) (string, error) {
	if !strings.Contains(s, "begin") && !strings.Contains(s, binhexIntro) {
		return s, nil
	}
	lines := strings.SplitAfter(s, "\n")
	var out strings.Builder
	blocks := 0
	for i := 0; i < len(lines); i++ {
		l := strings.TrimRight(lines[i], "\r\n")
		if m := uuBegin.FindStringSubmatch(l); m != nil {
			end := -1
			term := "end"
			if m[1] != "" {
				term = "===="
			}
			for k := i + 1; k < len(lines); k++ {
				if strings.TrimRight(lines[k], "\r\n \t") == term {
					end = k
					break
				}
			}
			if end < 0 {
				end = len(lines) - 1 // the begin line itself when it is the last line
			}
			blocks++
			if blocks > maxEmbeddedBlocks {
				return "", &sanitize.LimitError{Limit: "mail.max_parts", Max: maxEmbeddedBlocks, Got: int64(blocks)}
			}
			name := strings.TrimSpace(m[2])
			block := strings.Join(lines[i:end+1], "")
			data, err := uudecode(lines[min(i+1, end):end], m[1] != "")
			j.res.Add(sanitize.ActRemovedPart, path, fmt.Sprintf("uuencoded file %q taken out of the text", name))
			if err != nil {
				if err := j.quarantineBlob([]byte(block), name, "text/x-uuencode", "uuencoded block does not decode: "+err.Error()); err != nil {
					return "", err
				}
			} else if err := j.sendInner(bytes.NewReader(data), name, ""); err != nil {
				return "", err
			}
			fmt.Fprintf(&out, "[添付ファイル %s は本文から取り出されました / file %s was taken out of the text]\n", name, name)
			i = end
			continue
		}
		if strings.HasPrefix(l, yencBegin) {
			end := len(lines) - 1
			for k := i + 1; k < len(lines); k++ {
				if strings.HasPrefix(lines[k], "=yend") {
					end = k
					break
				}
			}
			blocks++
			if blocks > maxEmbeddedBlocks {
				return "", &sanitize.LimitError{Limit: "mail.max_parts", Max: maxEmbeddedBlocks, Got: int64(blocks)}
			}
			name := "(名前なし)"
			if m := yencName.FindStringSubmatch(l); m != nil && strings.TrimSpace(m[1]) != "" {
				name = visibleName(strings.TrimSpace(m[1]))
			}
			j.res.Add(sanitize.ActRemovedPart, path, fmt.Sprintf("yEnc-encoded file %q taken out of the text", name))
			j.hold(causeYEnc, fmt.Sprintf("the text carries the yEnc-encoded file %q", name))
			fmt.Fprintf(&out, "[yEnc で符号化されたファイル %s は本文から取り出し、元のメッセージを保管しました / the yEnc-encoded file %s was taken out of the text; the original message is held]\n", name, name)
			i = end
			continue
		}
		if strings.Contains(l, binhexIntro) {
			end := i
			started := false
			for k := i + 1; k < len(lines); k++ {
				t := strings.TrimRight(lines[k], "\r\n \t")
				if !started && strings.HasPrefix(t, ":") {
					started = true
				}
				if started {
					end = k
					if len(t) > 1 && strings.HasSuffix(t, ":") || t == "" {
						break
					}
				}
			}
			blocks++
			if blocks > maxEmbeddedBlocks {
				return "", &sanitize.LimitError{Limit: "mail.max_parts", Max: maxEmbeddedBlocks, Got: int64(blocks)}
			}
			block := strings.Join(lines[i:end+1], "")
			j.res.Add(sanitize.ActRemovedPart, path, "BinHex block taken out of the text")
			if err := j.quarantineBlob([]byte(block), "binhex.hqx", "application/mac-binhex40", "BinHex payloads are not decoded"); err != nil {
				return "", err
			}
			out.WriteString("[BinHex ファイルは本文から取り出されました / a BinHex file was taken out of the text]\n")
			i = end
			continue
		}
		out.WriteString(lines[i])
	}
	return out.String(), nil
}

// uudecode decodes the body lines of a uuencode (or begin-base64) block.
func uudecode(lines []string, b64 bool) ([]byte, error) {
	var out []byte
	if b64 {
		var sb strings.Builder
		for _, l := range lines {
			sb.WriteString(strings.TrimSpace(l))
		}
		return base64.StdEncoding.DecodeString(sb.String())
	}
	for n, l := range lines {
		l = strings.TrimRight(l, "\r\n")
		if l == "" {
			continue
		}
		cnt := int((l[0] - 32) & 63)
		if cnt == 0 {
			continue
		}
		body := l[1:]
		need := (cnt + 2) / 3 * 4
		if len(body) < need {
			// Trailing spaces are often stripped in transit: they decode as zeros.
			body += strings.Repeat(" ", need-len(body))
		}
		var line []byte
		for i := 0; i+4 <= need; i += 4 {
			var v [4]byte
			for k := 0; k < 4; k++ {
				c := body[i+k]
				if c < 32 || c > 96 {
					return nil, fmt.Errorf("line %d: invalid character %q", n+1, c)
				}
				v[k] = (c - 32) & 63
			}
			line = append(line, v[0]<<2|v[1]>>4, v[1]<<4|v[2]>>2, v[2]<<6|v[3])
		}
		out = append(out, line[:cnt]...)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("empty uuencoded block")
	}
	return out, nil
}

// quarantineBlob holds bytes we will not deliver and lists them in the notice.
func (j *job) quarantineBlob(b []byte, name, declType, reason string) error {
	j.nAtt++
	item := &sanitize.Item{Body: bytes.NewReader(b), Path: j.attPath(name), Name: name, DeclaredType: declType, Origin: j.origin}
	item.Detected = sanitize.Detect(item.Body)
	r := refusal(item, sanitize.Quarantined, reason)
	return j.record(item, r, nil)
}
