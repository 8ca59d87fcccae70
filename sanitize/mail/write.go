package mail

import (
	"bufio"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"sort"
	"strings"
	"sync"
	"unicode"

	"github.com/emersion/go-message/textproto"

	"github.com/sekisho/sekisho/sanitize"
)

// encodedBody is the text part ready to write.
type encodedBody struct {
	charset string
	cte     string
	data    []byte // in charset, LF line endings
}

// encodeBody picks the charset and transfer encoding of the text part: ISO-2022-JP in 7bit
// when asked for and every character fits, else UTF-8 in quoted-printable or base64,
// whichever is smaller.
func (j *job) encodeBody(text string) encodedBody {
	if j.outCharset == "iso-2022-jp" {
		if enc, ok := encodeISO2022JP(text); ok && maxLineLen(enc) <= 998 && !hasDashDashLine(enc) {
			return encodedBody{charset: "ISO-2022-JP", cte: "7bit", data: []byte(enc)}
		}
		cte := "base64"
		if enc, ok := encodeISO2022JP(text); ok {
			return encodedBody{charset: "ISO-2022-JP", cte: cte, data: []byte(enc)}
		}
	}
	b := []byte(text)
	cte := "base64"
	if qpLen(b) <= (len(b)+2)/3*4*77/76 {
		cte = "quoted-printable"
	}
	return encodedBody{charset: "utf-8", cte: cte, data: b}
}

// qpLen estimates the quoted-printable size of b.
func qpLen(b []byte) int {
	n, col := 0, 0
	for _, c := range b {
		w := 1
		switch {
		case c == '\n':
			n++
			col = 0
			continue
		case c == '=' || c >= 0x80 || c < 0x20 && c != '\t':
			w = 3
		}
		if col+w > 75 {
			n += 3
			col = 0
		}
		n += w
		col += w
	}
	return n
}

func maxLineLen(s string) int {
	m := 0
	for _, l := range strings.Split(s, "\n") {
		m = max(m, len(l))
	}
	return m
}

// boundary is derived from the text, the attachment names and the nesting depth, so the
// output is reproducible (goldens, idempotence) and a message nested in another never
// shares its boundary. "=_" cannot occur in quoted-printable or base64 output and every
// other line we write starts with a header name, a space or is such output.
func (j *job) boundary(text string) string {
	h := sha256.New()
	io.WriteString(h, text)
	for _, a := range j.atts {
		// Not the content or size: a nested message's status headers change between passes.
		// The name as written, so that the output fed back keeps its boundary.
		fmt.Fprintf(h, "\x00%s\x00%s", safeFilename(a.name), a.ctype)
	}
	return fmt.Sprintf("=_sekisho_%d_%s", j.w.b.Depth(), hex.EncodeToString(h.Sum(nil))[:20])
}

// write emits the new message.
func (j *job) write(w io.Writer, fields []outField, text string) error {
	body := j.encodeBody(text)
	bw := bufio.NewWriterSize(w, 16<<10)
	var h textproto.Header
	add := func(k, v string) { h.Add(k, v) }
	// go-message's textproto writes fields in reverse order of Add: add last first.
	var all []outField
	all = append(all, outField{"Received", fmt.Sprintf("by %s (sekisho mail sanitizer); %s", j.s.o.Hostname, j.s.o.Now().UTC().Format("Mon, 02 Jan 2006 15:04:05 -0700"))})
	all = append(all, fields...)
	all = append(all, outField{"MIME-Version", "1.0"})
	multipart := len(j.atts) > 0
	var bnd string
	if multipart {
		bnd = j.boundary(text)
		all = append(all, outField{"Content-Type", mime.FormatMediaType("multipart/mixed", map[string]string{"boundary": bnd})})
	} else {
		all = append(all, outField{"Content-Type", mime.FormatMediaType("text/plain", map[string]string{"charset": body.charset})},
			outField{"Content-Transfer-Encoding", body.cte})
	}
	all = append(all, outField{"X-Sekisho-Status", string(j.verdict())}, outField{"X-Sekisho-Actions", j.actionSummary()})
	for i := len(all) - 1; i >= 0; i-- {
		add(all[i].key, all[i].value)
	}
	if err := textproto.WriteHeader(bw, h); err != nil {
		return err
	}
	if !multipart {
		if err := writeEncoded(bw, body.cte, body.data); err != nil {
			return err
		}
		return bw.Flush()
	}
	mw := textproto.NewMultipartWriter(bw)
	if err := mw.SetBoundary(bnd); err != nil {
		return err
	}
	var th textproto.Header
	th.Add("Content-Transfer-Encoding", body.cte)
	th.Add("Content-Type", mime.FormatMediaType("text/plain", map[string]string{"charset": body.charset}))
	pw, err := mw.CreatePart(th)
	if err != nil {
		return err
	}
	if err := writeEncoded(pw, body.cte, body.data); err != nil {
		return err
	}
	for _, a := range j.atts {
		if err := j.ctx.Err(); err != nil {
			return err
		}
		name := safeFilename(a.name)
		var ah textproto.Header
		cte := "base64"
		if strings.HasPrefix(a.ctype, "message/") {
			cte = "7bit"
		}
		ah.Add("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
		ah.Add("Content-Transfer-Encoding", cte)
		ah.Add("Content-Type", attachmentType(a.ctype, name))
		pw, err := mw.CreatePart(ah)
		if err != nil {
			return err
		}
		r := io.NewSectionReader(a.body, 0, a.body.Size())
		if cte == "7bit" {
			if _, err := io.Copy(pw, r); err != nil {
				return err
			}
			continue
		}
		n, err := WriteBase64(pw, r)
		if err != nil {
			return err
		}
		if n == 0 {
			// An empty attachment is one empty line, as it always was.
			if _, err := io.WriteString(pw, "\r\n"); err != nil {
				return err
			}
		}
	}
	if err := mw.Close(); err != nil {
		return err
	}
	return bw.Flush()
}

// writeEncoded writes LF-separated text with CRLF line endings in the transfer encoding.
// Quoted-printable and 7bit text end with the text's own last newline; base64 gets one
// after its last line.
func writeEncoded(w io.Writer, cte string, data []byte) error {
	switch cte {
	case "quoted-printable":
		dw := &dashEscaper{w: w, state: dashLineStart}
		qw := quotedprintable.NewWriter(dw)
		if _, err := qw.Write(data); err != nil {
			return err
		}
		if err := qw.Close(); err != nil {
			return err
		}
		return dw.Close()
	case "base64":
		if len(data) == 0 {
			return nil
		}
		crlf := strings.ReplaceAll(string(data), "\n", "\r\n")
		_, err := WriteBase64(w, strings.NewReader(crlf))
		return err
	}
	_, err := io.WriteString(w, strings.ReplaceAll(string(data), "\n", "\r\n"))
	return err
}

// b64Line is the input of one 76-character base64 line.
const b64Line = 57

// b64Buf holds a run of input lines and their encoding, so that a part goes to the
// writer in a few large writes instead of two per line.
type b64Buf struct {
	in  [b64Line * 512]byte
	out [(76 + 2) * 512]byte
}

var b64Bufs = sync.Pool{New: func() any { return new(b64Buf) }}

// WriteBase64 writes what r holds in base64 (RFC 2045), in lines of 76 characters each
// ending in CRLF, and returns how many octets it read. Other writers of MIME bodies (the
// release notice) use it so that every base64 body sekisho writes has the same form.
func WriteBase64(w io.Writer, r io.Reader) (int64, error) {
	buf := b64Bufs.Get().(*b64Buf)
	defer b64Bufs.Put(buf)
	var total int64
	for {
		n, err := io.ReadFull(r, buf.in[:])
		if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
			return total, err
		}
		total += int64(n)
		o := 0
		for i := 0; i < n; i += b64Line {
			src := buf.in[i:min(i+b64Line, n)]
			base64.StdEncoding.Encode(buf.out[o:], src)
			o += base64.StdEncoding.EncodedLen(len(src))
			o += copy(buf.out[o:], "\r\n")
		}
		if o > 0 {
			if _, werr := w.Write(buf.out[:o]); werr != nil {
				return total, werr
			}
		}
		if err != nil {
			return total, nil
		}
	}
}

// safeFilename keeps a name readable (Japanese included) but harmless for any client:
// no path, no control or format characters, no characters Windows refuses, no trailing
// dots or spaces, at most 150 characters.
func safeFilename(name string) string {
	name, _ = cleanControls(name)
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`<>:"|?*`, r) || unicode.IsControl(r) {
			return '_'
		}
		return r
	}, name)
	name = strings.TrimRight(strings.TrimSpace(name), ". ")
	if r := []rune(name); len(r) > 150 {
		ext := []rune(extOf(name))
		if len(ext) > 16 {
			ext = nil
		}
		name = string(r[:150-len(ext)]) + string(ext)
	}
	if name == "" {
		name = "attachment"
	}
	return name
}

// verdict is Sanitized when anything was done, Clean otherwise.
func (j *job) verdict() sanitize.Verdict {
	if len(j.res.Actions) > 0 {
		return sanitize.Sanitized
	}
	return sanitize.Clean
}

// actionSummary is the compact X-Sekisho-Actions value: action=count, sorted.
func (j *job) actionSummary() string {
	if len(j.res.Actions) == 0 {
		return "none"
	}
	count := map[string]int{}
	for _, a := range j.res.Actions {
		count[string(a.Kind)]++
	}
	keys := make([]string, 0, len(count))
	for k := range count {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%d", k, count[k]))
	}
	return strings.Join(parts, ", ")
}

// attachmentType formats an attachment's Content-Type with its name; a type our tables
// did not produce cleanly becomes application/octet-stream.
func attachmentType(ctype, name string) string {
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		mt, params = "application/octet-stream", nil
	}
	p := map[string]string{"name": name}
	if cs := params["charset"]; cs != "" {
		p["charset"] = cs
	}
	if v := mime.FormatMediaType(mt, p); v != "" {
		return v
	}
	return mime.FormatMediaType("application/octet-stream", map[string]string{"name": name})
}

// A text body sekisho writes must not hold a line that opens or closes a MIME boundary:
// a text read from a broken multipart keeps its delimiter lines, and a reader that
// guesses structure from such lines would split the delivered text into parts sekisho
// never sanitized. Quoted-printable can say the same text without them ("=2D" for the
// first dash), so the decoded text stays exactly the same.

// hasDashDashLine reports whether a line of s starts with "--".
func hasDashDashLine(s string) bool {
	return strings.HasPrefix(s, "--") || strings.Contains(s, "\n--")
}

const (
	dashMidLine = iota
	dashLineStart
	dashHeld // at a line start, one '-' read and not yet written
)

// dashEscaper writes quoted-printable output with a line's leading "--" as "=2D-".
type dashEscaper struct {
	w     io.Writer
	state int
	out   []byte
}

func (d *dashEscaper) Write(p []byte) (int, error) {
	d.out = d.out[:0]
	for _, c := range p {
		switch {
		case d.state == dashHeld && c == '-':
			d.out = append(d.out, "=2D-"...)
			d.state = dashMidLine
			continue
		case d.state == dashHeld:
			d.out = append(d.out, '-')
			d.state = dashMidLine
		case d.state == dashLineStart && c == '-':
			d.state = dashHeld
			continue
		}
		d.out = append(d.out, c)
		if c == '\n' {
			d.state = dashLineStart
		} else {
			d.state = dashMidLine
		}
	}
	if _, err := d.w.Write(d.out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Close writes a '-' still held at the very end.
func (d *dashEscaper) Close() error {
	if d.state != dashHeld {
		return nil
	}
	d.state = dashMidLine
	_, err := io.WriteString(d.w, "-")
	return err
}
