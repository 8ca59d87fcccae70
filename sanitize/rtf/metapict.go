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
	words := `\pngblip`
	w, h := p.wGoal, p.hGoal
	if !p.hasWGoal || !p.hasHGoal {
		// A PNG's \picw and \pich are pixels, a metafile's 0.01 mm: the size the picture
		// is shown at must not follow from them any more.
		mw, mh := metaSize(p, raw, kind)
		if mw > 0 && mh > 0 {
			if !p.hasWGoal {
				w = mw
				words += `\picwgoal` + strconv.FormatInt(mw, 10)
			}
			if !p.hasHGoal {
				h = mh
				words += `\pichgoal` + strconv.FormatInt(mh, 10)
			}
		}
	}
	lim := rw.b.Limits()
	ml := metafile.Limits{MaxBytes: int(min(lim.MaxFileSize, 64<<20)), MaxPixels: lim.MaxPixels}
	// Drawn at the renderer's 150 dpi for the size the document shows it at, not larger:
	// a WMF without a placeable header has no size of its own.
	if side := max(scaled(w, p.scaleX), scaled(h, p.scaleY)) * 150 / 1440; side > 0 {
		ml.MaxSide = int(min(max(side, 64), 2048))
	}
	png, res, err := metafile.ToPNG(rw.ctx, bytes.NewReader(raw), int64(len(raw)), ml)
	if err != nil {
		if rw.ctx.Err() != nil {
			return nil, nil, "", "", rw.ctx.Err()
		}
		return nil, nil, "", fmt.Sprintf("%s picture (\\%s, vector metafile of GDI drawing records) left out: %v", kind, p.blip, err), nil
	}
	return png, res, words, "", nil
}

// scaled applies a \picscale percentage (100 when not given) to a size in twips.
func scaled(v, pct int64) int64 {
	if pct <= 0 {
		pct = 100
	}
	return min(v, 31680) * min(pct, 1000) / 100
}

// metaSize is a metafile picture's size in twips: from an EMF header's frame, or from a
// WMF's \picw and \pich, which the specification gives in 0.01 mm (MM_ANISOTROPIC).
func metaSize(p *pictState, raw []byte, kind string) (int64, int64) {
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
	return w, h
}

func abs64(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}
