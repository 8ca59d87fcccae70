package text

import "io"

// LeadAngleWriter writes text converted from HTML, with its first character other than
// white space written as "＜" (U+FF1C) when it is "<". The converter decodes what the
// source only escaped, so "&lt;html&gt;&lt;script&gt;" comes out as "<html><script>": a
// browser sniffing the .txt (the WHATWG algorithm reads the first non-space bytes) or
// this gateway reading it again would take it for a page, so the output would be neither
// plain text nor a fixed point. Markup further in is text to both. Families that write
// converted HTML as a file (the text family, EPUB books) write through one.
type LeadAngleWriter struct {
	w       io.Writer
	decided bool
	changed bool // a "<" was written as "＜"
}

func (l *LeadAngleWriter) Write(p []byte) (int, error) {
	if l.decided {
		return l.w.Write(p)
	}
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case ' ', '\t', '\n', '\r', '\f':
			continue
		case '<':
			l.decided, l.changed = true, true
			if _, err := l.w.Write(p[:i]); err != nil {
				return 0, err
			}
			if _, err := io.WriteString(l.w, "＜"); err != nil {
				return i, err
			}
			if _, err := l.w.Write(p[i+1:]); err != nil {
				return i + 1, err
			}
			return len(p), nil
		}
		l.decided = true
		break
	}
	return l.w.Write(p)
}

// NewLeadAngleWriter returns a LeadAngleWriter writing to w.
func NewLeadAngleWriter(w io.Writer) *LeadAngleWriter { return &LeadAngleWriter{w: w} }

// Changed reports whether a leading "<" was written as "＜".
func (l *LeadAngleWriter) Changed() bool { return l.changed }
