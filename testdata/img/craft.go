//go:build ignore

// craft.go writes the image samples no ordinary tool produces on purpose. Run by make.sh:
//
//	go run craft.go DIR
package main

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"log"
	"os"
	"path/filepath"
)

func main() {
	dir := os.Args[1]
	write(filepath.Join(dir, "text-trailing.png"), textTrailing())
	write(filepath.Join(dir, "bad-huge-dimensions.png"), hugeClaim())
	write(filepath.Join(dir, "animated.apng"), apng())
}

func write(name string, b []byte) {
	if err := os.WriteFile(name, b, 0o644); err != nil {
		log.Fatal(err)
	}
}

func chunk(typ string, data []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, uint32(len(data)))
	b.WriteString(typ)
	b.Write(data)
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(data)
	binary.Write(&b, binary.BigEndian, crc.Sum32())
	return b.Bytes()
}

// textTrailing is a 96x64 gradient with tEXt, zTXt, iTXt (XMP), eXIf (orientation 8 and a
// GPS IFD) inserted after IHDR, and an HTML payload after IEND.
func textTrailing() []byte {
	m := image.NewNRGBA(image.Rect(0, 0, 96, 64))
	for y := 0; y < 64; y++ {
		for x := 0; x < 96; x++ {
			m.Set(x, y, color.NRGBA{uint8(x * 2), uint8(y * 4), 128, 255})
		}
	}
	var enc bytes.Buffer
	if err := png.Encode(&enc, m); err != nil {
		log.Fatal(err)
	}
	src := enc.Bytes()
	ihdrEnd := 8 + 8 + 13 + 4
	var out bytes.Buffer
	out.Write(src[:ihdrEnd])
	out.Write(chunk("tEXt", []byte("Comment\x00made by craft.go")))
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write([]byte("Sekisho Test"))
	zw.Close()
	out.Write(chunk("zTXt", append([]byte("Author\x00\x00"), z.Bytes()...)))
	xmp := `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator="Sekisho Test"/></rdf:RDF></x:xmpmeta>`
	out.Write(chunk("iTXt", []byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00"+xmp)))
	out.Write(chunk("eXIf", exifOrientation8GPS()))
	out.Write(src[ihdrEnd:])
	out.WriteString("<html><script>alert('after IEND')</script></html>\n")
	return out.Bytes()
}

// exifOrientation8GPS is a little-endian TIFF block: IFD0 {Orientation=8, GPSInfo->IFD},
// GPS IFD {GPSLatitudeRef="N"}.
func exifOrientation8GPS() []byte {
	le := binary.LittleEndian
	b := []byte("II*\x00")
	b = le.AppendUint32(b, 8)
	// IFD0 at 8: 2 entries, 12 bytes each, next-IFD 0 -> GPS IFD at 8+2+24+4 = 38.
	b = le.AppendUint16(b, 2)
	b = le.AppendUint16(b, 0x0112)
	b = le.AppendUint16(b, 3)
	b = le.AppendUint32(b, 1)
	b = le.AppendUint32(b, 8)
	b = le.AppendUint16(b, 0x8825)
	b = le.AppendUint16(b, 4)
	b = le.AppendUint32(b, 1)
	b = le.AppendUint32(b, 38)
	b = le.AppendUint32(b, 0)
	b = le.AppendUint16(b, 1)
	b = le.AppendUint16(b, 0x0001)
	b = le.AppendUint16(b, 2)
	b = le.AppendUint32(b, 2)
	b = append(b, 'N', 0, 0, 0)
	b = le.AppendUint32(b, 0)
	return b
}

// hugeClaim is a valid PNG signature and IHDR (correct CRC) claiming 100000x100000 RGBA
// pixels, followed by an empty IDAT and IEND: decoding it would need 40 GB.
func hugeClaim() []byte {
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], 100000)
	binary.BigEndian.PutUint32(ihdr[4:], 100000)
	ihdr[8] = 8 // bit depth
	ihdr[9] = 6 // RGBA
	out.Write(chunk("IHDR", ihdr))
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(make([]byte, 1024))
	zw.Close()
	out.Write(chunk("IDAT", z.Bytes()))
	out.Write(chunk("IEND", nil))
	return out.Bytes()
}

// apng is a two-frame animated PNG (acTL, fcTL, IDAT, fcTL, fdAT): the IDAT frame is the
// default image that non-APNG decoders show.
func apng() []byte {
	frame := func(c color.NRGBA) []byte {
		m := image.NewNRGBA(image.Rect(0, 0, 48, 32))
		for i := 0; i < len(m.Pix); i += 4 {
			m.Pix[i], m.Pix[i+1], m.Pix[i+2], m.Pix[i+3] = c.R, c.G, c.B, c.A
		}
		var b bytes.Buffer
		if err := png.Encode(&b, m); err != nil {
			log.Fatal(err)
		}
		return b.Bytes()
	}
	idat := func(p []byte) []byte { // concatenated IDAT payloads of a Go-encoded PNG
		var d []byte
		for off := 8; off < len(p); {
			n := int(binary.BigEndian.Uint32(p[off:]))
			if string(p[off+4:off+8]) == "IDAT" {
				d = append(d, p[off+8:off+8+n]...)
			}
			off += 12 + n
		}
		return d
	}
	fctl := func(seq uint32) []byte {
		be := binary.BigEndian
		b := be.AppendUint32(nil, seq)
		b = be.AppendUint32(b, 48)
		b = be.AppendUint32(b, 32)
		b = be.AppendUint32(b, 0)
		b = be.AppendUint32(b, 0)
		b = be.AppendUint16(b, 1)
		b = be.AppendUint16(b, 2)
		return append(b, 0, 0)
	}
	f1, f2 := frame(color.NRGBA{255, 0, 0, 255}), frame(color.NRGBA{0, 0, 255, 255})
	var out bytes.Buffer
	out.Write(f1[:8+25])
	out.Write(chunk("acTL", binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, 2), 0)))
	out.Write(chunk("fcTL", fctl(0)))
	out.Write(chunk("IDAT", idat(f1)))
	out.Write(chunk("fcTL", fctl(1)))
	out.Write(chunk("fdAT", append(binary.BigEndian.AppendUint32(nil, 2), idat(f2)...)))
	out.Write(chunk("IEND", nil))
	return out.Bytes()
}
