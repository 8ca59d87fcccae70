package mail

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"sort"
	"strings"

	"github.com/sekisho/sekisho/sanitize"
)

// knob is one point where mail readers are known to disagree about the structure of a
// message. The walk takes one side of each (the RFC's, or that of the common MTAs and
// Python's email package where the RFC is silent) and records which knobs the message
// exercised. The output is rebuilt from that one reading, so a different reading cannot
// carry content past the sanitizer; but a recipient's sender may have meant the other
// one. So the message is walked again on the other side of each exercised knob, and when
// that reading shows a file the first one did not, the original is held (DESIGN.md §5).
type knob uint16

const (
	knobPrefixDelim      knob = 1 << iota // a line that starts with a delimiter and continues
	knobDuplicate                         // differing duplicate Content-* fields or parameters
	knobHeaderLine                        // a header line that is neither a field nor a continuation
	knobBlankish                          // a whitespace-only line inside a header
	knobBareCR                            // a bare CR inside a header line
	knobNUL                               // a NUL byte inside a header line
	knobEncodedMultipart                  // a multipart body with a transfer encoding
	knobEpilogue                          // delimiter lines after the close delimiter
	knobLostBoundary                      // a multipart whose boundary never occurs but whose body names one
	knobLooseType                         // a part that is not multipart but mentions it or names a boundary
	knobCRGone                            // a bare CR inside a header line (readers that delete it)
	knobFoldedField                       // a folded line that reads as a Content-* field
	knobCount            = iota
)

// knobWhy says, for the report, what the other reader does.
var knobWhy = map[knob]string{
	knobPrefixDelim:      "a line starts with a boundary and continues; readers that match boundaries by prefix split the message there",
	knobDuplicate:        "a MIME header or parameter is given twice with different values; readers that take the last one (or ignore RFC 2231) see other parts",
	knobHeaderLine:       "a header contains a line that is not a field, or a part starts with a blank line; readers that skip it read the header on",
	knobBlankish:         "a header contains a whitespace-only line; readers that take it for the blank line end the header there",
	knobBareCR:           "a line contains a bare CR; readers that end lines there see other fields or boundaries",
	knobNUL:              "a header contains a NUL byte; readers that stop there see other fields",
	knobEncodedMultipart: "a multipart body has a transfer encoding; readers that decode it first find other parts",
	knobEpilogue:         "text follows the closing boundary; readers that do not stop there see more parts",
	knobLostBoundary:     "the declared boundary never occurs but the body names another; readers that guess it see parts",
	knobLooseType:        "a part that is not multipart mentions multipart or a boundary; readers that repair it see parts",
	knobCRGone:           "a header line contains a bare CR; readers that delete it see other fields",
	knobFoldedField:      "a folded header line reads as a Content field; readers that trim folded lines see it",
}

// maxAltWalks bounds the alternative walks of one message: one per exercised knob and one
// with all of them, but never more than this.
const maxAltWalks = 8

// divergence walks the message again on the other side of the knobs it exercised and
// returns why the original must be held, or "" when every reading shows the same files.
// top is the first walk's tree; every walk is bounded by a fresh Budget with the same
// limits (the alternative walks decode bodies to compare them, and must not use up the
// budget of the real one).
//
// Text parts of the first reading that hold files of the other reading (base64 under a
// MIME header, shown as text) are returned too: their text is not delivered, for the same
// reason uuencoded files are taken out of text.
func (s *Sanitizer) divergence(ctx context.Context, blob sanitize.Blob, lim sanitize.Limits, top *part, seen knob) (string, []*part, error) {
	if seen == 0 {
		return "", nil, nil
	}
	have := map[[32]byte]bool{}
	if err := s.collectFiles(ctx, blob, lim, top, have, 0); err != nil {
		return "", nil, err
	}
	var alts []knob
	for k := knob(1); k < 1<<knobCount; k <<= 1 {
		if seen&k != 0 {
			alts = append(alts, k)
		}
	}
	if len(alts) > 1 {
		alts = append(alts, seen)
	}
	if len(alts) > maxAltWalks {
		alts = append(alts[:maxAltWalks-1], seen)
	}
	tried := map[knob]bool{}
	for n := 0; n < len(alts) && n < maxAltWalks; n++ {
		k := alts[n]
		if tried[k] {
			continue
		}
		tried[k] = true
		why, at, more, err := s.altWalk(ctx, blob, lim, k, have)
		if err != nil {
			return "", nil, err
		}
		if why != "" {
			return why, textAt(top, at), nil
		}
		if more&^k != 0 {
			// The other reading met knobs of its own: take their other side as well.
			alts = append(alts, k|more)
		}
	}
	return "", nil, nil
}

// collectFiles hashes every leaf of the first reading into have, and the leaves of the
// messages forwarded in it (a reader that takes a forwarded message's own parts for the
// outer message's shows no file this reading misses: it is handled one level down).
func (s *Sanitizer) collectFiles(ctx context.Context, blob sanitize.Blob, lim sanitize.Limits, top *part, have map[[32]byte]bool, depth int) error {
	var scratch sanitize.Result
	base := newWalker(ctx, blob, s, sanitize.NewBudget(lim), &scratch, "")
	var collect func(p *part) error
	collect = func(p *part) error {
		for _, c := range p.children {
			if err := collect(c); err != nil {
				return err
			}
		}
		if p.multipart {
			return nil
		}
		h, err := base.hashPart(p)
		if err != nil {
			return err
		}
		have[h] = true
		if p.ctype.value != "message/rfc822" || depth >= 2 {
			return nil
		}
		sp, err := base.spoolPart(p, &textNotes{})
		if err != nil {
			return nil // it does not decode: its own hash stands for it
		}
		defer sp.Remove()
		var inner sanitize.Result
		iw := newWalker(ctx, sp, s, sanitize.NewBudget(lim), &inner, "")
		itop, err := iw.entity(0, sp.Size(), "1", 0, true, false)
		if err != nil {
			return nil
		}
		return s.collectFiles(ctx, sp, lim, itop, have, depth+1)
	}
	return collect(top)
}

// textAt returns the body-text leaves of the tree whose range holds one of the offsets.
func textAt(top *part, at []int64) []*part {
	var out []*part
	var walk func(p *part)
	walk = func(p *part) {
		for _, c := range p.children {
			walk(c)
		}
		if p.multipart || !isBodyText(p) {
			return
		}
		for _, o := range at {
			if o >= p.start && o < p.end {
				out = append(out, p)
				return
			}
		}
	}
	walk(top)
	return out
}

// altWalk walks the message with the knobs k flipped and reports the first file it sees
// that the first walk did not.
// at holds where in the message each such file that decoding changes starts (for a file
// inside a decoded body, where that body starts).
func (s *Sanitizer) altWalk(ctx context.Context, blob sanitize.Blob, lim sanitize.Limits, k knob, have map[[32]byte]bool) (why string, at []int64, more knob, err error) {
	var scratch sanitize.Result
	aw := newWalker(ctx, blob, s, sanitize.NewBudget(lim), &scratch, "")
	aw.alt = k
	defer func() {
		for _, sp := range aw.st.spools {
			sp.Remove()
		}
	}()
	var extra []string
	var herr error
	aw.st.leaf = func(w *walker, p *part) {
		off := p.start
		if w.origin >= 0 {
			off = w.origin
		}
		if herr != nil || isBodyText(p) || convertible[p.ctype.value] != "" && !isAttachmentDisp(p) || p.size() == 0 {
			return // text, shown as text by every reading
		}
		h, err := w.hashPart(p)
		if err != nil {
			herr = err
			return
		}
		if !have[h] {
			name := p.name
			if name == "" {
				name = p.ctype.value
			}
			extra = append(extra, name)
			// Only a file that decoding changes makes the text that shows it carry
			// something else than text; a 7bit one is already shown as what it is.
			if w.origin >= 0 || p.cte != "" && p.cte != "7bit" && p.cte != "8bit" && p.cte != "binary" {
				at = append(at, off)
			}
		}
	}
	_, err = aw.entity(0, blob.Size(), "1", 0, true, false)
	if err == nil {
		err = herr
	}
	if err != nil {
		if ctx.Err() != nil {
			return "", nil, 0, ctx.Err()
		}
		return fmt.Sprintf("%s, and that reading fails (%v)", whyOf(k), err), nil, 0, nil
	}
	if len(extra) == 0 {
		return "", nil, aw.st.seen, nil
	}
	sort.Strings(extra)
	return fmt.Sprintf("%s: another reader sees %q", whyOf(k), extra), at, 0, nil
}

func whyOf(k knob) string {
	if bits.OnesCount16(uint16(k)) == 1 {
		return knobWhy[k]
	}
	var out []string
	for b := knob(1); b < 1<<knobCount; b <<= 1 {
		if k&b != 0 {
			out = append(out, knobWhy[b])
		}
	}
	return strings.Join(out, "; ")
}

// hashPart hashes the decoded body of a leaf. A body that does not decode is hashed as
// it stands: the comparison is between readings, not a judgement of the content.
func (w *walker) hashPart(p *part) ([32]byte, error) {
	h := sha256.New()
	dec, err := w.decoder(p, &textNotes{})
	if err != nil {
		dec = io.NewSectionReader(w.blob, p.start, p.size())
	}
	_, err = copyPooled(h, w.b.Expand(&ctxReader{ctx: w.ctx, r: dec}, 0))
	var le *sanitize.LimitError
	if err != nil && (w.ctx.Err() != nil || errors.As(err, &le)) {
		return [32]byte{}, err
	}
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return sum, nil
}
