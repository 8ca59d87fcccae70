// Package mailto judges the header fields a mailto: link asks a mail client to fill in.
//
// Every family that keeps links (PDF URI actions, Office and ODF hyperlinks, Word and
// RTF HYPERLINK fields, spreadsheet HYPERLINK formulas) keeps mailto: as a link a person
// may follow. RFC 6068 lets the link name any header field, and mail clients have
// honoured fields that are not headers at all: attach=, attachment= and x-attach= made
// Evolution, KMail and others attach a local file or a file on a share to the draft
// (CVE-2020-11879, CVE-2020-11880), so one click on a link in a delivered document could
// send a staff member's files out. A kept mailto: link may therefore ask only for the
// fields a person sees and edits before sending.
package mailto

import (
	"net/url"
	"strings"
)

// fields are the hfield names a kept link may carry (RFC 6068 section 2), each shown in
// the draft before it is sent.
var fields = map[string]bool{
	"to":          true, // more recipients, shown in the draft
	"cc":          true, // copy recipients, shown in the draft
	"bcc":         true, // blind copy recipients, shown in the draft
	"subject":     true, // subject line, shown and editable
	"body":        true, // first text of the body, shown and editable
	"in-reply-to": true, // threading header, no content of its own
}

// Safe reports whether link, if it is a mailto: URL, asks only for fields on the list. A
// link with another scheme is not judged here (true). Fields are split on & and on ;
// (some clients accept both), and their names are percent-decoded and compared without
// case, as clients read them; a name that does not decode is refused, an empty one
// ("?&subject=x") is nothing.
func Safe(link string) bool {
	l := strings.TrimSpace(link)
	if len(l) < len("mailto:") || !strings.EqualFold(l[:len("mailto:")], "mailto:") {
		return true
	}
	addr, query, ok := strings.Cut(l, "?")
	if strings.Contains(strings.ToLower(addr), "%3f") {
		// A client that decodes the address before it looks for the query would find
		// one there ("a@example.org%3Fattach=x"): judge that reading too.
		d, err := url.PathUnescape(addr)
		if err != nil || !Safe(d+"?"+query) {
			return false
		}
	}
	if !ok {
		return true
	}
	for _, f := range strings.FieldsFunc(query, func(r rune) bool { return r == '&' || r == ';' }) {
		name, _, _ := strings.Cut(f, "=")
		name, err := url.QueryUnescape(name)
		if err != nil {
			return false
		}
		if n := strings.ToLower(strings.TrimSpace(name)); n != "" && !fields[n] {
			return false
		}
	}
	return true
}

// Strip returns link with the fields Safe refuses taken out: the address and the fields on
// the list stay, in their order, so that the person still reaches whom the link names.
// It reports whether anything was taken out; a link Safe accepts comes back unchanged.
// An address hiding an encoded question mark ("a@example.org%3Fattach=x") is cut there.
func Strip(link string) (string, bool) {
	if Safe(link) {
		return link, false
	}
	addr, query, _ := strings.Cut(link, "?")
	if i := strings.Index(strings.ToLower(addr), "%3f"); i >= 0 {
		addr = addr[:i]
	}
	var kept []string
	for _, f := range strings.FieldsFunc(query, func(r rune) bool { return r == '&' || r == ';' }) {
		name, _, _ := strings.Cut(f, "=")
		if name, err := url.QueryUnescape(name); err == nil && fields[strings.ToLower(strings.TrimSpace(name))] {
			kept = append(kept, f)
		}
	}
	if len(kept) > 0 {
		addr += "?" + strings.Join(kept, "&")
	}
	return addr, true
}
