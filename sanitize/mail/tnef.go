package mail

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/sekisho/sekisho/sanitize"
)

// TNEF (MS-OXTNEF) attribute IDs, low 16 bits; the high word is the attribute's type.
const (
	tnefSignature      = 0x223E9F78
	tnefAttachRendData = 0x9002 // starts a new attachment
	tnefAttachTitle    = 0x8010 // the attachment's 8-bit file name
	tnefAttachData     = 0x800F // the attachment's bytes
	tnefOEMCodepage    = 0x9007
	maxTNEFAttributes  = 10000
)

// tnefFile is one attachment found in a TNEF stream: a range of the stream.
type tnefFile struct {
	name      []byte
	off, size int64
}

// tnef unpacks winmail.dat: each attachment goes through the engine; the container itself
// (with Outlook's RTF body and MAPI properties) is not delivered. A stream that does not
// parse is quarantined whole.
func (j *job) tnef(p *part) error {
	var notes textNotes
	sp, err := j.w.spoolPart(p, &notes)
	if errors.Is(err, errUnknownCTE) {
		return j.opaque(p, err.Error())
	}
	if err != nil {
		return err
	}
	defer sp.Remove()
	name := p.name
	if name == "" {
		name = "winmail.dat"
	}
	files, cp, err := parseTNEF(sp, j.w.b)
	if err != nil {
		var le *sanitize.LimitError
		if errors.As(err, &le) {
			return err
		}
		j.nAtt++
		item := &sanitize.Item{Body: sp, Path: j.attPath(name), Name: name, DeclaredType: p.ctype.value, Origin: j.origin}
		item.Detected = sanitize.Detect(sp)
		return j.record(item, refusal(item, sanitize.Quarantined, "TNEF: "+err.Error()), nil)
	}
	j.nAtt++
	j.res.Add(sanitize.ActRemovedPart, j.attPath(name), fmt.Sprintf("TNEF container unpacked: %d attachments", len(files)))
	e := fileEntry(name, "Outlook 形式の添付ファイル", "application/ms-tnef")
	e.ActionJA, e.ActionEN = fmt.Sprintf("中の添付ファイル %d 件を取り出しました", len(files)), fmt.Sprintf("unpacked (%d attachments)", len(files))
	e.ReasonJA, e.ReasonEN = "書式の情報は届けません", "its formatting is not delivered"
	e.Reason = "Outlook TNEF container; its formatting is not delivered"
	j.entries = append(j.entries, e)
	for i, f := range files {
		fname := tnefName(f.name, cp)
		if fname == "" {
			fname = fmt.Sprintf("attachment-%d", i+1)
		}
		if err := j.sendInner(io.NewSectionReader(sp, f.off, f.size), fname, ""); err != nil {
			return err
		}
	}
	return nil
}

// parseTNEF walks the attribute stream. Every length is checked against the bytes that
// remain and every checksum is verified, so a hostile length cannot make it read or
// allocate more than the stream holds.
func parseTNEF(b sanitize.Blob, budget *sanitize.Budget) ([]tnefFile, uint32, error) {
	size := b.Size()
	var hdr [6]byte
	if _, err := b.ReadAt(hdr[:], 0); err != nil {
		return nil, 0, fmt.Errorf("%w: too short", sanitize.ErrMalformed)
	}
	if binary.LittleEndian.Uint32(hdr[:4]) != tnefSignature {
		return nil, 0, fmt.Errorf("%w: bad signature", sanitize.ErrMalformed)
	}
	var (
		files []tnefFile
		cur   *tnefFile
		cp    uint32
		n     int
	)
	off := int64(6)
	buf := make([]byte, 32<<10)
	for off < size {
		n++
		if n > maxTNEFAttributes {
			return nil, 0, &sanitize.LimitError{Limit: "mail.max_parts", Max: maxTNEFAttributes, Got: int64(n)}
		}
		var ah [9]byte
		if _, err := b.ReadAt(ah[:], off); err != nil {
			return nil, 0, fmt.Errorf("%w: truncated attribute header at %d", sanitize.ErrMalformed, off)
		}
		id := binary.LittleEndian.Uint32(ah[1:5]) & 0xffff
		length := int64(binary.LittleEndian.Uint32(ah[5:9]))
		data := off + 9
		if length > size-data-2 {
			return nil, 0, fmt.Errorf("%w: attribute length %d beyond the stream", sanitize.ErrMalformed, length)
		}
		var sum uint16
		for done := int64(0); done < length; {
			k := min(int64(len(buf)), length-done)
			if _, err := b.ReadAt(buf[:k], data+done); err != nil {
				return nil, 0, fmt.Errorf("%w: %v", sanitize.ErrMalformed, err)
			}
			for _, c := range buf[:k] {
				sum += uint16(c)
			}
			done += k
		}
		var ck [2]byte
		if _, err := b.ReadAt(ck[:], data+length); err != nil {
			return nil, 0, fmt.Errorf("%w: truncated checksum", sanitize.ErrMalformed)
		}
		if binary.LittleEndian.Uint16(ck[:]) != sum {
			return nil, 0, fmt.Errorf("%w: checksum mismatch at %d", sanitize.ErrMalformed, off)
		}
		switch id {
		case tnefAttachRendData:
			if ah[0] == 2 {
				files = append(files, tnefFile{})
				cur = &files[len(files)-1]
				if err := budget.AddEntries(1); err != nil {
					return nil, 0, err
				}
			}
		case tnefAttachTitle:
			if cur != nil && length <= 1024 {
				name := make([]byte, length)
				b.ReadAt(name, data)
				cur.name = name
			}
		case tnefAttachData:
			if cur != nil {
				cur.off, cur.size = data, length
			}
		case tnefOEMCodepage:
			if length >= 4 {
				var c [4]byte
				b.ReadAt(c[:], data)
				cp = binary.LittleEndian.Uint32(c[:])
			}
		}
		off = data + length + 2
	}
	var out []tnefFile
	for _, f := range files {
		if f.size > 0 || f.name != nil {
			out = append(out, f)
		}
	}
	return out, cp, nil
}

// tnefName decodes an 8-bit attachment title in the stream's OEM code page.
func tnefName(raw []byte, cp uint32) string {
	if i := strings.IndexByte(string(raw), 0); i >= 0 {
		raw = raw[:i]
	}
	label := ""
	switch cp {
	case 932:
		label = "shift_jis"
	case 65001:
		label = "utf-8"
	case 1252:
		label = "windows-1252"
	}
	if label == "" || isASCII(raw) {
		l, _, err := detect8bit(raw)
		if err != nil {
			l = "shift_jis"
		}
		label = l
	}
	s, _, err := decodeBytes(label, raw)
	if err != nil {
		s, _, _ = markInvalid(raw)
	}
	s, _ = cleanControls(s)
	return s
}
