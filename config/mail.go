package config

import (
	"fmt"
	"slices"
	"strings"
	"text/template"
	"unicode"
)

// Mail configures message sanitization.
type Mail struct {
	OutputCharset  string   `yaml:"output_charset"`  // utf-8 or iso-2022-jp. Default utf-8.
	NoticePosition string   `yaml:"notice_position"` // top or bottom. Default top.
	NestedMessages string   `yaml:"nested_messages"` // attach or flatten. Default attach.
	ExtraHeaders   []string `yaml:"extra_headers"`   // headers copied besides the standard set. Default none.
	MaxParts       int      `yaml:"max_parts"`       // MIME parts per message. Default 1000.
	MaxHeaderBytes Size     `yaml:"max_header_bytes"`
	// NoticeTemplateJA and NoticeTemplateEN are text/template sources for the notice
	// block. Empty means the built-in templates.
	NoticeTemplateJA string `yaml:"notice_template_ja"`
	NoticeTemplateEN string `yaml:"notice_template_en"`
	// ReleaseContact is whom a recipient asks to release a held item, shown in the notice
	// under each one (a desk and its extension, an address). Empty: "the system
	// administrator". With the portal on, notices link the item's portal page instead.
	ReleaseContact string `yaml:"release_contact"`
	// NotifyQuarantined says who is told when a whole message is quarantined: recipients
	// (each LGWAN recipient gets a short notice with the ID, sender, subject and reason) or
	// none. The Internet sender is never told (that would be backscatter). Default
	// recipients.
	NotifyQuarantined string `yaml:"notify_quarantined"`
}

func defaultMail() Mail {
	return Mail{
		OutputCharset:     "utf-8",
		NoticePosition:    "top",
		NestedMessages:    "attach",
		ExtraHeaders:      []string{},
		MaxParts:          1000,
		MaxHeaderBytes:    64 << 10,
		NotifyQuarantined: "recipients",
	}
}

func (m Mail) validate(p *problems) {
	p.oneOf("mail.output_charset", m.OutputCharset, "utf-8", "iso-2022-jp")
	p.oneOf("mail.notice_position", m.NoticePosition, "top", "bottom")
	p.oneOf("mail.nested_messages", m.NestedMessages, "attach", "flatten")
	for i, h := range m.ExtraHeaders {
		key := fmt.Sprintf("mail.extra_headers[%d]", i)
		switch lh := strings.ToLower(h); {
		case !validHeaderName(h):
			p.add(key, h, "must be a header field name (printable ASCII, no spaces or colon)")
		case strings.HasPrefix(lh, "x-sekisho-"):
			p.add(key, h, "X-Sekisho-* headers are written by sekisho and never copied")
		case slices.Contains(reservedHeaders, lh):
			p.add(key, h, "is rebuilt by sekisho and cannot be copied")
		}
	}
	p.oneOf("mail.notify_quarantined", m.NotifyQuarantined, "recipients", "none")
	if len([]rune(m.ReleaseContact)) > 200 || strings.ContainsFunc(m.ReleaseContact, unicode.IsControl) {
		p.add("mail.release_contact", m.ReleaseContact, "must be one line of at most 200 characters")
	}
	p.intRange("mail.max_parts", int64(m.MaxParts), 1, 1_000_000)
	p.atLeastSize("mail.max_header_bytes", m.MaxHeaderBytes, 1<<10)
	for _, t := range []struct{ key, src string }{
		{"mail.notice_template_ja", m.NoticeTemplateJA},
		{"mail.notice_template_en", m.NoticeTemplateEN},
	} {
		key, src := t.key, t.src
		if src == "" {
			continue
		}
		if _, err := template.New(key).Parse(src); err != nil {
			p.add(key, "", "invalid template: "+strings.TrimPrefix(err.Error(), "template: "))
		}
	}
}

// Headers sekisho always writes itself or never copies; an operator cannot add them.
var reservedHeaders = []string{"content-type", "content-transfer-encoding", "content-disposition",
	"mime-version", "received"}

// validHeaderName follows RFC 5322 section 3.6.8: printable US-ASCII except colon.
func validHeaderName(h string) bool {
	if h == "" {
		return false
	}
	for i := 0; i < len(h); i++ {
		if c := h[i]; c < 33 || c > 126 || c == ':' {
			return false
		}
	}
	return true
}
