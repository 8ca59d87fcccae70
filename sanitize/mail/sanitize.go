package mail

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/sekisho/sekisho/sanitize"
)

// Sanitize reads a whole RFC 5322 message from in.Body and writes a new message to w. An
// error means no faithful output can be built (not a message, a limit): the caller
// quarantines the message whole. Attachments that cannot be made safe are removed and
// listed in the notice; where another reader could see the message differently, the
// original is held as one more item; neither makes the call fail.
func (s *Sanitizer) Sanitize(ctx context.Context, in *sanitize.Item, w io.Writer, b *sanitize.Budget) (sanitize.Result, error) {
	if b == nil {
		b = sanitize.NewBudget(sanitize.Limits{})
	}
	if err := ctx.Err(); err != nil {
		return sanitize.Result{}, err
	}
	if err := s.Validate(); err != nil {
		return sanitize.Result{}, err
	}
	if err := b.CheckFileSize(in.Body.Size()); err != nil {
		return sanitize.Result{}, err
	}
	res := sanitize.Result{Detected: in.Detected}
	wk := newWalker(ctx, in.Body, s, b, &res, in.Path)
	var j *job
	wk.st.odd = func(r string) {
		if j != nil {
			j.hold(causeEncoding, r)
		}
	}
	top, err := wk.entity(0, in.Body.Size(), "1", 0, true, false)
	if err != nil {
		if wk.st.topHdr != nil {
			return sanitize.Result{Subject: subjectOf(wk.st.topHdr)}, err
		}
		return sanitize.Result{}, err
	}
	if len(top.hdr.fields) == 0 {
		return sanitize.Result{}, fmt.Errorf("%w: no header fields: not a mail message", sanitize.ErrMalformed)
	}
	// The subject goes with the result, also when the message is refused, so that the
	// caller can record a held message without reading the header itself; and with the
	// parts, so that a held attachment is recorded with the message it came in.
	res.Subject = subjectOf(&top.hdr)
	refused := sanitize.Result{Subject: res.Subject}
	origin := in.Origin
	if origin != nil && origin.Subject == "" {
		o := *origin
		o.Subject = res.Subject
		origin = &o
	}
	j = &job{w: wk, s: s, ctx: ctx, res: &res, outCharset: s.o.OutputCharset, origin: origin}
	defer j.close()
	why, withheld, err := s.divergence(ctx, in.Body, b.Limits(), top, wk.st.seen)
	if err != nil {
		return refused, err
	}
	for _, p := range withheld {
		p.withheld = true
	}
	if err := j.process(top); err != nil {
		return refused, err
	}
	if why != "" {
		j.hold(causeReading, why)
	}
	if err := j.holdOriginal(in); err != nil {
		return refused, err
	}
	text := joinTexts(j.texts)
	notice, err := s.notice(j.entries)
	if err != nil {
		return refused, err
	}
	text = placeNotice(text, notice, s.o.NoticePosition)
	if j.outCharset == "iso-2022-jp" {
		if c := firstNonJIS(text); c != "" {
			j.outCharset = "utf-8"
			note := fmt.Sprintf("output charset utf-8 instead of iso-2022-jp: %q is not in JIS X 0208", c)
			res.Note(note)
			for _, cs := range j.charsets {
				if cs == "iso-2022-jp" {
					res.Add(sanitize.ActNormalizedCharset, sanitize.JoinPath(in.Path, "body"), "iso-2022-jp to utf-8: "+note)
					break
				}
			}
		}
	}
	fields, err := j.buildHeaders(&top.hdr)
	if err != nil {
		return refused, err
	}
	if err := ctx.Err(); err != nil {
		return refused, err
	}
	res.Verdict = j.verdict()
	out := sanitize.LimitWriter(w, b.Limits().MaxFileSize, "limits.max_file_size")
	if err := j.write(out, fields, text); err != nil {
		return refused, err
	}
	if res.Verdict == sanitize.Sanitized {
		res.OutType = "message/rfc822"
	}
	return res, nil
}

// joinTexts concatenates body segments, each ending in a newline.
func joinTexts(texts []string) string {
	var b strings.Builder
	for _, t := range texts {
		if t == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(t)
		if !strings.HasSuffix(t, "\n") {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// maxSubject bounds the subject kept with a result, in bytes.
const maxSubject = 1000

// subjectOf decodes the first Subject field for records; "" when there is none or it
// does not decode.
func subjectOf(h *header) string {
	raw := h.get("Subject")
	if raw == nil {
		return ""
	}
	v, _, err := decodeHeaderText(raw)
	if err != nil {
		return ""
	}
	if len(v) > maxSubject {
		v = strings.ToValidUTF8(v[:maxSubject], "")
	}
	return v
}
