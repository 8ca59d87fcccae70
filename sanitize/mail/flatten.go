package mail

import (
	"fmt"
	"strings"

	"github.com/sekisho/sekisho/sanitize"
)

// flatten takes a sanitized nested message (this package's own output, already checked)
// apart: its text joins the outer body under a forwarded-message header, its attachments
// join the outer attachments. Nothing in it is sanitized again.
func (j *job) flatten(a *attachment) error {
	var scratch sanitize.Result
	wk := newWalker(j.ctx, a.body, j.s, j.w.b, &scratch, j.w.path)
	top, err := wk.entity(0, a.body.Size(), "1", 0, true, false)
	if err != nil {
		return fmt.Errorf("flatten nested message: %w", err)
	}
	var b strings.Builder
	b.WriteString("---------- 転送されたメッセージ / Forwarded message ----------\n")
	for _, k := range []string{"From", "Date", "Subject", "To"} {
		if v := top.hdr.get(k); v != nil {
			d, _, err := decodeHeaderText(v)
			if err == nil {
				fmt.Fprintf(&b, "%s: %s\n", k, d)
			}
		}
	}
	b.WriteByte('\n')
	var leaves []*part
	var collect func(p *part)
	collect = func(p *part) {
		if p.multipart {
			for _, c := range p.children {
				collect(c)
			}
			return
		}
		leaves = append(leaves, p)
	}
	collect(top)
	for _, p := range leaves {
		var notes textNotes
		sp, err := wk.spoolPart(p, &notes)
		if err != nil {
			return err
		}
		j.spools = append(j.spools, sp)
		if isBodyText(p) && p.ctype.value == "text/plain" {
			if sp.Size() > maxBodyText {
				return &sanitize.LimitError{Limit: "limits.max_file_size", Max: maxBodyText, Got: sp.Size()}
			}
			raw := make([]byte, sp.Size())
			if _, err := sp.ReadAt(raw, 0); err != nil && sp.Size() > 0 {
				return err
			}
			s, _, err := toUTF8(raw, p.ctype.params["charset"])
			if err != nil {
				return err
			}
			b.WriteString(s)
			continue
		}
		j.atts = append(j.atts, &attachment{name: p.name, ctype: p.ctype.value, body: sp})
	}
	j.texts = append(j.texts, b.String())
	j.charsets = append(j.charsets, "utf-8")
	return nil
}
