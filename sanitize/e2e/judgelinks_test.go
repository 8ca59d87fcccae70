package e2e

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf16"
)

// The checks here judge where a link points and which action types a PDF keeps, after
// the families' names for them have been matched by verify_test.go: a kept URI action or
// hyperlink relationship is harmless only when a reader would open it in a browser or a
// mail client, so its target is read the way those readers do (escapes, UTF-16, entities
// and percent-encoding decoded, surrounding spaces and control characters trimmed).

// pdfActionTypes are the PDF action types (ISO 32000-2 table 201) other than GoTo, URI and
// Named, the three a sanitized file may keep.
var pdfActionTypes = regexp.MustCompile(`/S\s*/(GoToR|GoToE|GoToDp|Launch|Thread|Sound|Movie|Hide|SubmitForm|ResetForm|ImportData|SetOCGState|Rendition|Trans|GoTo3DView|JavaScript|RichMediaExecute)\b`)

// pdfURI is a /URI entry with a literal or hexadecimal string, as qpdf writes it.
var pdfURI = regexp.MustCompile(`/URI\s*(\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>)`)

// judgePDFLinks reads the expanded (qpdf --qdf) file exp.
func judgePDFLinks(exp []byte, name string) []string {
	exp = inlineSimpleObjects(exp)
	var found []string
	for _, m := range pdfActionTypes.FindAllSubmatch(exp, 5) {
		found = append(found, fmt.Sprintf("%s: pdf keeps a %s action", name, m[1]))
	}
	for _, m := range pdfURI.FindAllSubmatch(exp, -1) {
		if u := pdfString(m[1]); !webTarget(u) {
			found = append(found, fmt.Sprintf("%s: pdf keeps the link %q", name, u))
		}
	}
	return found
}

// simpleObject is an indirect object holding only a name or a string, and ref a reference.
var (
	simpleObject = regexp.MustCompile(`(?m)^(\d+) 0 obj\s*(/[^\s/<>\[\]()%]+|\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>)\s*endobj`)
	ref          = regexp.MustCompile(`\b(\d+) 0 R\b`)
)

// inlineSimpleObjects writes names and strings kept in objects of their own in place of
// their references (/S 7 0 R with object 7 = /Launch), so that the patterns read resolved
// values.
func inlineSimpleObjects(pdf []byte) []byte {
	vals := map[string][]byte{}
	for _, m := range simpleObject.FindAllSubmatch(pdf, -1) {
		vals[string(m[1])] = m[2]
	}
	if len(vals) == 0 {
		return pdf
	}
	return ref.ReplaceAllFunc(pdf, func(r []byte) []byte {
		if v, ok := vals[string(ref.FindSubmatch(r)[1])]; ok {
			return v
		}
		return r
	})
}

// pdfString decodes a PDF literal or hex string; UTF-16BE with a byte-order mark becomes
// UTF-8, as a viewer shows it.
func pdfString(s []byte) string {
	var b []byte
	if s[0] == '<' {
		h := strings.Map(func(r rune) rune {
			if r == ' ' || r == '\n' || r == '\r' || r == '\t' {
				return -1
			}
			return r
		}, string(s[1:len(s)-1]))
		if len(h)%2 == 1 {
			h += "0"
		}
		for i := 0; i+1 < len(h); i += 2 {
			var v byte
			fmt.Sscanf(h[i:i+2], "%02x", &v)
			b = append(b, v)
		}
	} else {
		in := s[1 : len(s)-1]
		for i := 0; i < len(in); i++ {
			c := in[i]
			if c != '\\' || i+1 == len(in) {
				b = append(b, c)
				continue
			}
			i++
			switch e := in[i]; e {
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case '\n':
			default:
				if e >= '0' && e <= '7' {
					v, n := 0, 0
					for n < 3 && i < len(in) && in[i] >= '0' && in[i] <= '7' {
						v = v*8 + int(in[i]-'0')
						i++
						n++
					}
					i--
					b = append(b, byte(v))
					continue
				}
				b = append(b, e)
			}
		}
	}
	if len(b) >= 2 && b[0] == 0xfe && b[1] == 0xff {
		u := make([]uint16, 0, len(b)/2)
		for i := 2; i+1 < len(b); i += 2 {
			u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
		}
		return string(utf16.Decode(u))
	}
	return string(b)
}

// webTarget reports whether a link target opens in a browser or mail client: its scheme,
// after the leading spaces and control characters readers skip, with percent-escapes
// decoded and tabs and newlines removed (as browsers do), is http, https or mailto. A
// mailto link must not ask for an attachment (some mail clients honour ?attach=).
func webTarget(u string) bool {
	u = strings.TrimLeftFunc(u, func(r rune) bool { return r <= ' ' || r == '\ufeff' || r == '\u00a0' })
	if d, err := url.PathUnescape(u); err == nil {
		u = d
	}
	u = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, u)
	l := strings.ToLower(u)
	switch {
	case strings.HasPrefix(l, "http:"), strings.HasPrefix(l, "https:"):
		return true
	case strings.HasPrefix(l, "mailto:"):
		return !strings.Contains(l, "attach")
	}
	return false
}

// judgeRels reads a relationships part: an external relationship is a hyperlink to the web
// or a finding, and an internal one must not name a scheme (file:///C:/…).
func judgeRels(body []byte, name string) []string {
	var rels struct {
		Rel []struct {
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
			Mode   string `xml:"TargetMode,attr"`
		} `xml:"Relationship"`
	}
	if err := xml.Unmarshal(body, &rels); err != nil {
		return []string{fmt.Sprintf("%s: relationships do not parse: %v", name, err)}
	}
	var found []string
	for _, r := range rels.Rel {
		external := strings.EqualFold(strings.TrimSpace(r.Mode), "External")
		hyperlink := strings.HasSuffix(r.Type, "/hyperlink")
		switch {
		case external && !hyperlink:
			found = append(found, fmt.Sprintf("%s: external relationship %s → %q", name, r.Type, r.Target))
		case external && !webTarget(r.Target):
			found = append(found, fmt.Sprintf("%s: hyperlink to %q", name, r.Target))
		case !external && hasScheme(r.Target):
			found = append(found, fmt.Sprintf("%s: internal relationship %s with the address %q", name, r.Type, r.Target))
		}
	}
	return found
}

// hasScheme: letters then a colon before any slash, as in file:, http: or c:.
func hasScheme(t string) bool {
	t = strings.TrimSpace(t)
	i := strings.IndexByte(t, ':')
	return i > 0 && !strings.ContainsAny(t[:i], "/\\?#")
}

// xlinkHref is an ODF link (text:a, draw:a, form controls, events) or an SVG reference.
var xlinkHref = regexp.MustCompile(`\bxlink:href\s*=\s*"([^"]*)"`)

// xmlUnescape decodes the entity and character references an attribute value may hold.
func xmlUnescape(s string) string {
	var v struct {
		A string `xml:"a,attr"`
	}
	if err := xml.Unmarshal([]byte(`<x a="`+s+`"/>`), &v); err != nil {
		return s
	}
	return v.A
}

// drawingActions are DrawingML click actions that run a program, a macro or an OLE verb.
var drawingActions = regexp.MustCompile(`(?i)action="\s*ppaction://(program|macro|ole)`)

// judgeOfficeXML adds the link and click-action checks to an Office or ODF XML part.
func judgeOfficeXML(body []byte, name string) []string {
	var found []string
	if strings.HasSuffix(name, ".rels") {
		found = append(found, judgeRels(body, name)...)
	}
	if m := drawingActions.FindAll(body, 3); len(m) > 0 {
		found = append(found, fmt.Sprintf("%s: keeps click actions %q", name, m))
	}
	for _, m := range xlinkHref.FindAllSubmatch(body, -1) {
		t := xmlUnescape(string(m[1]))
		if hasScheme(t) && !webTarget(t) {
			found = append(found, fmt.Sprintf("%s: link to %q", name, t))
		}
	}
	return found
}

// textBlobs are the starts of encoded files that mail readers decode from a plain text
// body (uuencode, yEnc, BinHex 4.0).
var textBlobs = regexp.MustCompile(`(?m)^(begin(-base64)? [0-7]{3,4} \S|=ybegin |\(This file must be converted with BinHex)`)

// textMailto is a mailto: link as a mail program's linkifier takes it from plain text.
var textMailto = regexp.MustCompile(`(?i)mailto:[^\s<>"]*`)

// mailFields are the mailto: header fields a person sees in the draft (RFC 6068).
var mailFields = map[string]bool{"to": true, "cc": true, "bcc": true, "subject": true, "body": true, "in-reply-to": true}

// judgeTextBody is the check for a delivered text/plain body.
func judgeTextBody(body []byte, name string) []string {
	if m := textBlobs.FindAll(bytes.ReplaceAll(body, []byte("\r\n"), []byte("\n")), 3); len(m) > 0 {
		return []string{fmt.Sprintf("%s: text body carries an encoded file %q", name, m)}
	}
	var found []string
	for _, l := range textMailto.FindAll(body, -1) {
		u, err := url.Parse(string(l))
		if err != nil {
			found = append(found, fmt.Sprintf("%s: unparsable mailto: link %q in text", name, l))
			continue
		}
		q := u.RawQuery
		if d, err := url.PathUnescape(u.Opaque); err == nil && strings.Contains(d, "?") {
			_, q2, _ := strings.Cut(d, "?")
			q += "&" + q2
		}
		for _, f := range strings.FieldsFunc(q, func(r rune) bool { return r == '&' || r == ';' }) {
			k, _, _ := strings.Cut(f, "=")
			if k, err := url.QueryUnescape(k); err != nil || k != "" && !mailFields[strings.ToLower(k)] {
				found = append(found, fmt.Sprintf("%s: mailto: link in text asks for %q", name, k))
			}
		}
	}
	return found
}
