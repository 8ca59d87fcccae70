package img

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
)

// TIFF structure, shared by EXIF blocks (JPEG APP1, PNG eXIf, WebP EXIF) and TIFF files.
// Only what the sanitizer needs is read: IFD entries (bounded), the orientation tag, the
// GPS pointer, and which metadata tags exist.

const (
	tagNewSubfileType = 254
	tagOrientation    = 0x0112
	tagGPSIFD         = 0x8825
	tagExifIFD        = 0x8769
	tagXMP            = 700
	tagICC            = 34675
	tagIPTC           = 33723
	tagPhotoshop      = 34377
	tagImageSource    = 37724 // Photoshop layers
	tagSubIFDs        = 330
)

// maxIFDEntries caps one IFD; the field is 16 bits, so this only bounds memory to ~780 KB.
const maxIFDEntries = 1 << 16

var errTIFF = errors.New("invalid tiff structure")

type ifdEntry struct {
	tag, typ uint16
	count    uint32
	value    [4]byte // the value itself when it fits, else an offset
}

type tiffStruct struct {
	r    io.ReaderAt
	size int64
	bo   binary.ByteOrder
}

// parseTIFFHeader reads the 8-byte header and returns the first IFD's offset.
func parseTIFFHeader(r io.ReaderAt, size int64) (*tiffStruct, uint32, error) {
	var h [8]byte
	if size < 8 {
		return nil, 0, errTIFF
	}
	if _, err := r.ReadAt(h[:], 0); err != nil {
		return nil, 0, errTIFF
	}
	t := &tiffStruct{r: r, size: size}
	switch string(h[:4]) {
	case "II*\x00":
		t.bo = binary.LittleEndian
	case "MM\x00*":
		t.bo = binary.BigEndian
	default:
		return nil, 0, errTIFF
	}
	return t, t.bo.Uint32(h[4:]), nil
}

// readIFD reads the entries of the IFD at off and the offset of the next IFD.
func (t *tiffStruct) readIFD(off uint32) ([]ifdEntry, uint32, error) {
	if off < 8 || int64(off)+2 > t.size {
		return nil, 0, errTIFF
	}
	var c [2]byte
	if _, err := t.r.ReadAt(c[:], int64(off)); err != nil {
		return nil, 0, errTIFF
	}
	n := int(t.bo.Uint16(c[:]))
	if n == 0 || n > maxIFDEntries {
		return nil, 0, errTIFF
	}
	end := int64(off) + 2 + int64(n)*12
	if end+4 > t.size {
		return nil, 0, errTIFF
	}
	buf := make([]byte, n*12+4)
	if _, err := t.r.ReadAt(buf, int64(off)+2); err != nil {
		return nil, 0, errTIFF
	}
	es := make([]ifdEntry, n)
	for i := range es {
		p := buf[i*12:]
		es[i] = ifdEntry{tag: t.bo.Uint16(p), typ: t.bo.Uint16(p[2:]), count: t.bo.Uint32(p[4:])}
		copy(es[i].value[:], p[8:12])
	}
	return es, t.bo.Uint32(buf[n*12:]), nil
}

// uint reads an entry's first value when it is a SHORT or LONG.
func (t *tiffStruct) uint(e ifdEntry) (uint32, bool) {
	if e.count < 1 {
		return 0, false
	}
	switch e.typ {
	case 3: // SHORT
		return uint32(t.bo.Uint16(e.value[:])), true
	case 4, 13: // LONG, IFD
		return t.bo.Uint32(e.value[:]), true
	}
	return 0, false
}

func find(es []ifdEntry, tag uint16) (ifdEntry, bool) {
	for _, e := range es {
		if e.tag == tag {
			return e, true
		}
	}
	return ifdEntry{}, false
}

// exifFacts is what an EXIF block tells the sanitizer.
type exifFacts struct {
	orientation int  // 1..8; 0 when absent or unreadable
	gps         bool // a GPS IFD with at least one entry
}

// parseExif reads an EXIF block (a TIFF structure, optionally preceded by "Exif\0\0").
// It is fail-safe: anything unreadable yields the zero facts, and the block is dropped
// either way.
func parseExif(block []byte) exifFacts {
	block = bytes.TrimPrefix(block, []byte("Exif\x00\x00"))
	t, off, err := parseTIFFHeader(bytes.NewReader(block), int64(len(block)))
	if err != nil {
		return exifFacts{}
	}
	es, _, err := t.readIFD(off)
	if err != nil {
		return exifFacts{}
	}
	return t.facts(es)
}

// facts reads orientation and GPS presence from IFD0's entries.
func (t *tiffStruct) facts(es []ifdEntry) exifFacts {
	var f exifFacts
	if e, ok := find(es, tagOrientation); ok {
		if v, ok := t.uint(e); ok && v >= 1 && v <= 8 {
			f.orientation = int(v)
		}
	}
	if e, ok := find(es, tagGPSIFD); ok {
		if v, ok := t.uint(e); ok {
			if gps, _, err := t.readIFD(v); err == nil && len(gps) > 0 {
				f.gps = true
			}
		}
	}
	return f
}
