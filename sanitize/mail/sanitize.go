package mail

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/sekisho/sekisho/sanitize"
)

// Sanitize reads a whole RFC 5322 message from in.Body and writes a new message to w. An
// error means the message as a whole cannot be made safe (ambiguous or garbage MIME, a
// limit): the caller quarantines it. Attachments that cannot be made safe are removed and
// listed in the notice; they do not make the call fail.
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
	wk := &walker{ctx: ctx, blob: in.Body, s: s, b: b, res: &res, path: in.Path}
	top, err := wk.entity(0, in.Body.Size(), "1", 0, nil, true, false)
	if err != nil {
		return sanitize.Result{}, err
	}
	if len(top.hdr.fields) == 0 {
		return sanitize.Result{}, fmt.Errorf("%w: no header fields: not a mail message", sanitize.ErrMalformed)
	}
	j := &job{w: wk, s: s, ctx: ctx, res: &res, outCharset: s.o.OutputCharset}
	defer j.close()
	if err := j.process(top); err != nil {
		return sanitize.Result{}, err
	}
	text := joinTexts(j.texts)
	notice, err := s.notice(j.entries)
	if err != nil {
		return sanitize.Result{}, err
	}
	text = placeNotice(text, notice, s.o.NoticePosition)
	if j.outCharset == "iso-2022-jp" {
		if c := firstNonJIS(text); c != "" {
			j.outCharset = "utf-8"
			res.Reason = fmt.Sprintf("output charset utf-8 instead of iso-2022-jp: %q is not in JIS X 0208", c)
			for _, cs := range j.charsets {
				if cs == "iso-2022-jp" {
					res.Add(sanitize.ActNormalizedCharset, sanitize.JoinPath(in.Path, "body"), "iso-2022-jp to utf-8: "+res.Reason)
					break
				}
			}
		}
	}
	fields, err := j.buildHeaders(&top.hdr)
	if err != nil {
		return sanitize.Result{}, err
	}
	if err := ctx.Err(); err != nil {
		return sanitize.Result{}, err
	}
	res.Verdict = j.verdict()
	out := sanitize.LimitWriter(w, b.Limits().MaxFileSize, "limits.max_file_size")
	if err := j.write(out, fields, text); err != nil {
		return sanitize.Result{}, err
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
