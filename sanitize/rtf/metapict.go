package rtf

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strconv"

	"github.com/sekisho/sekisho/sanitize/img/metafile"
)

// Word and LibreOffice write a picture pasted as a metafile (clip art, charts, Equation
// Editor pictures) as \wmetafile or \emfblip, and without a {\*\shppict} PNG twin. Its
// data is a list of GDI drawing calls a renderer executes, never copied: the records
// sanitize/img/metafile understands are drawn into a PNG, which the image family then
// encodes again, and the picture is written back as \pngblip with its size words kept.
// A picture the renderer refuses (a record it does not draw, text that would come out
// empty) goes with the renderer's reason, as before.

// drawMetafile draws a metafile picture's data into a PNG. It returns the PNG, what was
// drawn and the words that take the type word's place (\pngblip, and the display size
// when the picture had none), or why the picture goes.
func (rw *rewriter) drawMetafile(p *pictState, raw []byte, kind string) ([]byte, *metafile.Result, string, string, error) {
	if got := metafile.Kind(raw); got != kind {
		return nil, nil, "", fmt.Sprintf("picture marked \\%s that is not a %s metafile", p.blip, kind), nil
	}
	lim := rw.b.Limits()
	png, res, err := metafile.ToPNG(rw.ctx, bytes.NewReader(raw), int64(len(raw)),
		metafile.Limits{MaxBytes: int(min(lim.MaxFileSize, 64<<20)), MaxPixels: lim.MaxPixels})
	if err != nil {
		if rw.ctx.Err() != nil {
			return nil, nil, "", "", rw.ctx.Err()
		}
		return nil, nil, "", fmt.Sprintf("%s picture (\\%s, vector metafile of GDI drawing records) left out: %v", kind, p.blip, err), nil
	}
	words := `\pngblip`
	if !p.hasWGoal || !p.hasHGoal {
		// A PNG's \picw and \pich are pixels, a metafile's 0.01 mm: the size the picture
		// is shown at must not follow from them any more.
		if w, h := metaSize(p, raw, kind); w > 0 && h > 0 {
			if !p.hasWGoal {
				words += `\picwgoal` + strconv.Itoa(w)
			}
			if !p.hasHGoal {
				words += `\pichgoal` + strconv.Itoa(h)
			}
		}
	}
	return png, res, words, "", nil
}

// metaSize is a metafile picture's size in twips: from an EMF header's frame, or from a
// WMF's \picw and \pich, which the specification gives in 0.01 mm (MM_ANISOTROPIC).
func metaSize(p *pictState, raw []byte, kind string) (int, int) {
	var w, h int64
	switch kind {
	case "EMF":
		le := binary.LittleEndian
		w = int64(int32(le.Uint32(raw[32:]))) - int64(int32(le.Uint32(raw[24:])))
		h = int64(int32(le.Uint32(raw[36:]))) - int64(int32(le.Uint32(raw[28:])))
	default:
		w, h = p.picw, p.pich
	}
	w, h = abs64(w)*1440/2540, abs64(h)*1440/2540
	if w > 31680 || h > 31680 { // 22 inches, Word's largest page side
		return 0, 0
	}
	return int(w), int(h)
}

func abs64(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}
