package rtf

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/img/metafile"
)

// Pictures ({\pict ...}) hold bytes an image decoder in the reader parses, so they are
// never copied: PNG and JPEG pictures are decoded and encoded again by Options.Inner (the
// engine's image family); WMF and EMF pictures are drawn into a PNG first (metapict.go);
// formats without a decoder here (DIB, PICT), metafiles the renderer refuses and anything
// that does not decode go, with the group. The picture's words (size, scale,
// crop) and property groups are kept; only the data is new.

// pictBlips are the picture types that can be re-encoded, with the type name the image
// family reports for them.
var pictBlips = map[string]string{"pngblip": "png", "jpegblip": "jpeg"}

// pictMeta are the Windows metafile picture types: drawn into a PNG by
// sanitize/img/metafile (metapict.go), which is then re-encoded like a PNG picture.
var pictMeta = map[string]string{"wmetafile": "WMF", "emfblip": "EMF"}

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
	// metaAt is where in buf the metafile type word was left out: \pngblip goes there
	// when the picture is drawn. picw, pich and the goal flags size the drawn picture.
	metaAt             int
	picw, pich         int64
	wGoal, hGoal       int64
	hasWGoal, hasHGoal bool
	scaleX, scaleY     int64 // \picscalex, \picscaley: percent, 0 when not given
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
		switch n {
		case "picw":
			p.picw = t.Param
		case "pich":
			p.pich = t.Param
		case "picwgoal":
			p.hasWGoal, p.wGoal = true, t.Param
		case "pichgoal":
			p.hasHGoal, p.hGoal = true, t.Param
		case "picscalex":
			p.scaleX = t.Param
		case "picscaley":
			p.scaleY = t.Param
		}
		if _, ok := pictMeta[n]; ok {
			p.metaAt = p.buf.Len()
			return true
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
	meta := pictMeta[p.blip]
	why := ""
	switch {
	case p.blip == "":
		why = "picture without a type"
	case !ok && meta == "":
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
		var drawn *metafile.Result
		var words string
		if why == "" && meta != "" {
			var err error
			raw, drawn, words, why, err = rw.drawMetafile(p, raw, meta)
			if err != nil {
				return err
			}
			kind = "png"
		}
		if why == "" {
			var err error
			img, why, err = rw.reencode(raw, kind)
			if err != nil {
				return err
			}
		}
		if why == "" && drawn != nil {
			old := p.buf.Bytes()
			b := append(append(append(make([]byte, 0, len(old)+len(words)), old[:p.metaAt]...), words...), old[p.metaAt:]...)
			p.buf.Reset()
			p.buf.Write(b)
			rw.res.Add(sanitize.ActRasterized, rw.path, fmt.Sprintf("%s picture (\\%s) %s", meta, p.blip, drawn.Summary()))
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
