package rtf

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/sekisho/sekisho/sanitize"
)

// Pictures ({\pict ...}) hold bytes an image decoder in the reader parses, so they are
// never copied: PNG and JPEG pictures are decoded and encoded again by Options.Inner (the
// engine's image family); formats without a decoder here (WMF, EMF, DIB, PICT) and
// anything that does not decode go, with the group. The picture's words (size, scale,
// crop) and property groups are kept; only the data is new.

// pictBlips are the picture types that can be re-encoded, with the type name the image
// family reports for them.
var pictBlips = map[string]string{"pngblip": "png", "jpegblip": "jpeg"}

// pictOther are the other picture-type words: they mark pictures that go.
var pictOther = map[string]bool{
	"emfblip": true, "wmetafile": true, "dibitmap": true, "wbitmap": true, "pmmetafile": true,
	"macpict": true,
}

// pictState buffers one picture group until it closes: the group as written without its
// data (head, words, property groups) and the data.
type pictState struct {
	buf      outBuf
	data     bytes.Buffer // hex digits as written, or \bin bytes
	bin      bool
	blip     string // pngblip, jpegblip or another type word; "" when none was seen
	bad      bool   // data that is neither hex nor one \bin payload
	outW     *outBuf
	outR     *outBuf
	maxBytes int64
}

// pictContent takes a token written directly in a picture group.
func (rw *rewriter) pictContent(p *pictState, t Token) bool {
	switch t.Kind {
	case Text:
		for _, c := range t.Text {
			switch {
			case c == ' ' || c == '\t':
			case c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F':
				p.data.WriteByte(c)
			default:
				p.bad = true
			}
		}
		return true
	case Word:
		n := strings.ToLower(t.Name)
		if _, ok := pictBlips[n]; ok || pictOther[n] {
			if p.blip != "" && p.blip != n {
				p.bad = true // two types: readers would disagree on the data
			}
			p.blip = n
		}
		if n == "bin" {
			if p.bin || p.data.Len() > 0 {
				p.bad = true
			}
			p.bin = true
			p.data.Write(t.Bin)
			return true
		}
	case Hex, Symbol:
		p.bad = true
		return true
	}
	if int64(p.data.Len()) > p.maxBytes {
		p.bad = true
	}
	return false
}

// closePicture decides on a picture group and writes it, re-encoded, where it belongs.
func (rw *rewriter) closePicture(f *frame) error {
	p := f.pict
	kind, ok := pictBlips[p.blip]
	why := ""
	switch {
	case p.blip == "":
		why = "picture without a type"
	case !ok:
		why = fmt.Sprintf("picture in a format without a decoder here (\\%s)", p.blip)
	case p.bad:
		why = "picture data that is not hex"
	case rw.inner == nil:
		why = "picture (no image sanitizer configured)"
	}
	var img []byte
	if why == "" {
		raw := p.data.Bytes()
		if !p.bin {
			raw = make([]byte, hex.DecodedLen(p.data.Len()))
			if _, err := hex.Decode(raw, p.data.Bytes()); err != nil {
				why = "picture data that is not hex"
			}
		}
		if why == "" {
			var err error
			img, why, err = rw.reencode(raw, kind)
			if err != nil {
				return err
			}
		}
	}
	if why != "" {
		rw.res.Add(sanitize.ActRemovedPart, rw.path, why)
		return nil
	}
	b := &p.buf
	b.WriteString("\r\n")
	h := hex.EncodeToString(img)
	for len(h) > 128 {
		b.WriteString(h[:128])
		b.WriteString("\r\n")
		h = h[128:]
	}
	b.WriteString(h)
	b.needSpace = false
	rw.write(b, Token{Kind: Close})
	rw.copyBuffer(p.outW, b)
	rw.copyBuffer(p.outR, b)
	return nil
}

// reencode runs picture bytes through the image family under a nested budget. It
// returns the new bytes, or why the picture goes.
func (rw *rewriter) reencode(raw []byte, kind string) ([]byte, string, error) {
	nb, err := rw.b.Nest()
	if err != nil {
		return nil, "", err
	}
	item := &sanitize.Item{Body: bytes.NewReader(raw), Path: rw.path + "/picture", Name: "picture." + kind}
	item.Detected = sanitize.Detect(item.Body)
	var out bytes.Buffer
	res, err := rw.inner.Sanitize(rw.ctx, item, &out, nb)
	if err != nil {
		return nil, "", err
	}
	switch {
	case !res.Verdict.HasOutput():
		return nil, "picture refused by the image sanitizer: " + res.Reason, nil
	case res.Detected.Name != kind || res.OutType != "" && !strings.HasSuffix(res.OutType, "/"+kind):
		return nil, fmt.Sprintf("picture marked %s that is %s", kind, res.Detected.Name), nil
	}
	return out.Bytes(), "", nil
}
