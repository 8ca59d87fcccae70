package text

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"path"
	"strconv"
	"strings"

	"golang.org/x/net/html"

	"github.com/sekisho/sekisho/sanitize"
)

// Options configure New. The zero value is usable.
type Options struct {
	DefangLinks bool // HTML: write link URLs as hxxp://example[.]com
	// CSVBOM starts CSV and TSV output with a UTF-8 byte order mark. Excel on Japanese
	// Windows reads a CSV without one as Shift_JIS (文字化け); with it, as UTF-8. Off by
	// default: every output is otherwise BOM-free.
	CSVBOM bool
}

// Sanitizer handles the engine's text class: text, csv, tsv, html, xml, json, calendar and
// vcard (sanitize.Detect's type names). It is safe for concurrent use.
type Sanitizer struct {
	o Options
}

var _ sanitize.Sanitizer = (*Sanitizer)(nil)

// New returns a text Sanitizer. It has no side effects.
func New(o Options) *Sanitizer { return &Sanitizer{o: o} }

const textPlain = "text/plain; charset=utf-8"

// Sanitize decodes in to UTF-8 and writes it normalized (see the package doc), CSV/TSV
// with formulas neutralized, HTML converted to text. It refuses, with an error, content
// that is not of the text class, whose charset cannot be determined, that is binary, or
// CSV with ambiguous quoting.
func (s *Sanitizer) Sanitize(ctx context.Context, in *sanitize.Item, w io.Writer, b *sanitize.Budget) (sanitize.Result, error) {
	if b == nil {
		b = sanitize.NewBudget(sanitize.Limits{})
	}
	if in.Detected.Class == "" {
		in.Detected = sanitize.Detect(in.Body)
	}
	t := in.Detected
	res := sanitize.Result{Detected: t}
	if t.Class != sanitize.ClassText {
		return res, fmt.Errorf("%w: text: %s (%s) is not text", sanitize.ErrUnsupported, t.Name, t.MIME)
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	if err := b.CheckFileSize(in.Body.Size()); err != nil {
		return res, err
	}
	p := in.Path
	rw, restartable := w.(sanitize.Restartable)
	cs, rest, err := s.charsetOf(ctx, in, restartable)
	if err != nil {
		return res, err
	}
	spent := b.Expanded()
	hw := &sanitize.HeadWriter{W: w}
	res, st, err := s.write(ctx, in, hw, b, res, cs, rest)
	if rest != nil && rest.bad {
		// The rest of a large input contradicts what its head decided: forget what was
		// written and decide from the whole content, as for a small input.
		if err := rw.Restart(); err != nil {
			return res, err
		}
		hw.Head = hw.Head[:0]
		b.AddExpanded(spent - b.Expanded())
		if cs, _, err = s.charsetOf(ctx, in, false); err != nil {
			return res, err
		}
		res = sanitize.Result{Detected: t}
		res, st, err = s.write(ctx, in, hw, b, res, cs, nil)
	}
	if err != nil {
		return res, err
	}
	if err := checkBinary(st); err != nil {
		return res, err
	}
	if err := sanitize.CheckTextHead(hw.Head); err != nil {
		return res, err
	}
	s.report(&res, p, t, st)
	if len(res.Actions) == 0 {
		res.Verdict = sanitize.Clean
	} else {
		res.Verdict = sanitize.Sanitized
	}
	return res, nil
}

// write decodes in from charset cs (checking the rest against the head's decision when
// rest is set) and writes the type's rewrite to w.
func (s *Sanitizer) write(ctx context.Context, in *sanitize.Item, w io.Writer, b *sanitize.Budget, res sanitize.Result,
	cs string, rest *restCheck) (sanitize.Result, DecodeStats, error) {
	var st DecodeStats
	t := in.Detected
	src := io.Reader(&ctxReader{ctx: ctx, r: in.Reader()})
	var invalid *int64
	if rest != nil {
		src, invalid = rest.reader(src), &rest.invalid
	}
	// The decoder reads 4 KiB at a time: one read of the input each would be a system
	// call per 4 KiB of a large file. A multi-megabyte input (a file transfer) is read
	// 256 KiB at a time; a mail part keeps the smaller buffer.
	size := 64 << 10
	if in.Body.Size() > 4<<20 {
		size = bigRead
	}
	src = bufio.NewReaderSize(src, size)
	dec, err := newCheckedDecodeReader(src, cs, &st, invalid, size == bigRead)
	if err != nil {
		return res, st, err
	}
	max := b.Limits().MaxFileSize
	dec = b.Expand(dec, max)
	out := sanitize.LimitWriter(w, max, "limits.max_file_size")

	p := in.Path
	switch t.Name {
	case "csv", "tsv":
		comma := ','
		if t.Name == "tsv" {
			comma = '\t'
		}
		if s.o.CSVBOM {
			if _, err := io.WriteString(out, "\ufeff"); err != nil {
				return res, st, err
			}
		}
		cst, err := NeutralizeCSV(out, dec, comma)
		if err != nil {
			return res, st, err
		}
		if cst.Neutralized > 0 {
			res.Add(sanitize.ActNeutralizedFormula, p, strconv.Itoa(cst.Neutralized))
		}
		res.OutType = "text/csv; charset=utf-8"
		if t.Name == "tsv" {
			res.OutType = "text/tab-separated-values; charset=utf-8"
		}
	case "html":
		la := NewLeadAngleWriter(out)
		hst, err := HTMLToText(la, dec, HTMLOptions{DefangLinks: s.o.DefangLinks, MaxOutput: max})
		if err != nil {
			return res, st, err
		}
		d := htmlDetail(hst)
		if la.Changed() {
			d += "; its text starts with \"<\", written \"＜\" so that it is not read as markup again"
		}
		res.Add(sanitize.ActConvertedToText, p, d)
		res.OutType = textPlain
		res.OutName = sanitize.ReplaceExt(in.Name, ".txt")
	default:
		// A large input's reads go past its buffer straight into the copy's, where
		// clean UTF-8 is judged and handed on without another copy (nil: io.Copy's).
		var buf []byte
		if size == bigRead {
			buf = make([]byte, bigRead)
		}
		if _, err := io.CopyBuffer(out, dec, buf); err != nil {
			return res, st, err
		}
		res.OutType = textPlain
		if t.Name != "text" && in.Name != "" && !strings.EqualFold(path.Ext(in.Name), ".txt") {
			// XML, JSON, iCalendar and vCard are delivered as inert text: a name that
			// still says .xml or .ics would let a browser or calendar interpret it.
			res.OutName = sanitize.ReplaceExt(in.Name, ".txt")
			res.Add(sanitize.ActConvertedToText, p, t.Name+" → text/plain")
		}
	}
	if err := ctx.Err(); err != nil {
		return res, st, err
	}
	return res, st, nil
}

// report adds the actions that decoding took.
func (s *Sanitizer) report(res *sanitize.Result, p string, t sanitize.Type, st DecodeStats) {
	var acts []sanitize.Action
	add := func(k sanitize.ActionKind, d string) {
		acts = append(acts, sanitize.Action{Kind: k, Path: p, Detail: d})
	}
	switch {
	case st.Charset != "utf-8" && st.Charset != "us-ascii":
		add(sanitize.ActNormalizedCharset, st.Charset+" → utf-8")
	case st.BOM && !(s.o.CSVBOM && (t.Name == "csv" || t.Name == "tsv")):
		add(sanitize.ActNormalizedCharset, "utf-8 with bom → utf-8")
	}
	if st.Unmappable > 0 {
		add(sanitize.ActReplacedUnmappable, strconv.Itoa(st.Unmappable))
	}
	if st.ControlRemoved > 0 {
		add(sanitize.ActRemovedControlChars, strconv.Itoa(st.ControlRemoved))
	}
	if st.NewlinesNormalized && t.Name != "csv" && t.Name != "tsv" && t.Name != "html" {
		// For CSV the newline style is serialization; for HTML source newlines are layout.
		add(sanitize.ActNormalizedNewlines, "crlf → lf")
	}
	res.Actions = append(acts, res.Actions...)
}

func htmlDetail(h HTMLStats) string {
	d := fmt.Sprintf("html → text/plain: %d links, %d images, %d tables", h.Links, h.Images, h.Tables)
	if h.DroppedScripts > 0 {
		d += fmt.Sprintf(", %d scripts removed", h.DroppedScripts)
	}
	if h.DroppedHidden > 0 {
		d += fmt.Sprintf(", %d hidden elements removed", h.DroppedHidden)
	}
	return d
}

// checkBinary refuses input that decoded to more replacement marks and removed controls
// than a text file with a few damaged bytes or 外字 would have.
func checkBinary(st DecodeStats) error {
	bad := int64(st.Unmappable + st.ControlRemoved + st.Unassigned)
	if bad > 64 && bad*50 > st.Runes+bad {
		return fmt.Errorf("%w: binary data in text: %d undecodable bytes, %d control characters, %d unassigned code points",
			sanitize.ErrMalformed, st.Unmappable, st.ControlRemoved, st.Unassigned)
	}
	return nil
}

// scanChunk is how much the charset scan reads at a time; ctx is checked between chunks.
const scanChunk = 64 << 10

// charsetOf decides the charset from the whole content (not just its head: a CSV whose
// first megabyte is ASCII can still hold Shift_JIS further down). A charset declared by
// the sender (DeclaredType's parameter, an HTML meta) is used only when the content is
// inconclusive, since declarations are often wrong. When restartable (the output can be
// thrown away and written again), an input larger than detectPrefix whose head decides
// clearly is not scanned beyond the head: the returned restCheck verifies the rest while
// it is decoded, and asks for a rescan when it would have changed the decision.
func (s *Sanitizer) charsetOf(ctx context.Context, in *sanitize.Item, restartable bool) (string, *restCheck, error) {
	var d detector
	buf := make([]byte, scanChunk)
	var head []byte
	for off := int64(0); off < in.Body.Size(); {
		if err := ctx.Err(); err != nil {
			return "", nil, err
		}
		if restartable && off >= detectPrefix {
			restartable = false // decide once, at the head's end
			if rc := headDecides(&d, in.Body.Size()); rc != nil {
				return rc.cs, rc, nil
			}
		}
		n, err := in.Body.ReadAt(buf, off)
		if n > 0 {
			d.Write(buf[:n])
			if head == nil {
				head = append([]byte(nil), buf[:min(n, 1024)]...)
			}
		}
		off += int64(n)
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", nil, err
		}
	}
	if cs := d.Result(); cs != "" {
		return cs, nil, nil
	}
	// Neither UTF-8 nor Japanese: a declaration is believed when the bytes are valid in
	// it (a page that claims UTF-8 but is windows-1256 is not), then the 8-bit model
	// decides, as a browser does for an undeclared page.
	sample, err := readHead(in.Body, sampleLen)
	if err != nil {
		return "", nil, err
	}
	if _, params, err := mime.ParseMediaType(in.DeclaredType); err == nil && params["charset"] != "" {
		if validIn(params["charset"], sample) {
			return params["charset"], nil, nil
		}
	}
	if in.Detected.Name == "html" {
		if name := metaCharset(sample); name != "" && validIn(name, sample) {
			return name, nil, nil
		}
	}
	if cs := d.legacy(); cs != "" && !d.ebcdic() {
		return cs, nil, nil
	}
	return "", nil, undetermined(&d)
}

// readHead reads up to n bytes from the start of b.
func readHead(b sanitize.Blob, n int64) ([]byte, error) {
	buf := make([]byte, min(n, b.Size()))
	k, err := b.ReadAt(buf, 0)
	if err != nil && err != io.EOF {
		return nil, err
	}
	return buf[:k], nil
}

// metaCharset finds the charset an HTML page declares in a <meta> element anywhere in its
// head sample (browsers look further than the 1024 bytes of the pre-scan when a long
// script or style comes first). The 8-bit bytes are masked, so the tokenizer only sees
// ASCII markup.
func metaCharset(sample []byte) string {
	masked := make([]byte, len(sample))
	for i, c := range sample {
		if c >= 0x80 {
			c = '?'
		}
		masked[i] = c
	}
	z := html.NewTokenizer(bytes.NewReader(masked))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			if string(name) == "body" {
				return ""
			}
			if string(name) != "meta" || !hasAttr {
				continue
			}
			var cs, content string
			isCT := false
			for {
				k, v, more := z.TagAttr()
				switch strings.ToLower(string(k)) {
				case "charset":
					cs = string(v)
				case "content":
					content = string(v)
				case "http-equiv":
					isCT = strings.EqualFold(string(v), "content-type")
				}
				if !more {
					break
				}
			}
			if cs == "" && isCT {
				if _, params, err := mime.ParseMediaType(content); err == nil {
					cs = params["charset"]
				}
			}
			if cs = strings.TrimSpace(cs); cs != "" {
				return cs
			}
		}
	}
}

// bigRead is the largest read of the input: ctxReader checks ctx at least that often.
const bigRead = 256 << 10

// ctxReader stops reading once ctx is done; reads are at most bigRead, so the check runs
// at least that often.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	if len(p) > bigRead {
		p = p[:bigRead]
	}
	return c.r.Read(p)
}
