package mail

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/sekisho/sekisho/sanitize"
)

// Options configure New. The zero value (plus Inner) is usable; defaults are documented
// per field.
type Options struct {
	// Inner sanitizes every attachment and non-text part; in sekisho it is the engine.
	// Required: with a nil Inner every attachment is quarantined.
	Inner sanitize.Sanitizer
	// OutputCharset is "utf-8" (default) or "iso-2022-jp". A message with characters
	// outside JIS X 0208 (①, 髙, emoji, half-width kana) falls back to UTF-8, reported.
	OutputCharset string
	// NoticePosition is "top" (default) or "bottom".
	NoticePosition string
	// NestedMessages is "attach" (default: re-attach the sanitized message/rfc822) or
	// "flatten" (its text and attachments join the outer message).
	NestedMessages string
	// ExtraHeaders are header names copied in addition to the fixed list. Structural and
	// trace headers (Content-*, MIME-Version, Received, X-Sekisho-*) are never copied.
	ExtraHeaders []string
	// DefangLinks rewrites URLs in converted HTML (hxxp://, [.]).
	DefangLinks bool
	// MaxParts caps the MIME parts of one message, all levels (default 1000).
	MaxParts int
	// MaxHeaderBytes caps one header block (default 64 KiB).
	MaxHeaderBytes int
	// NoticeTemplateJA and NoticeTemplateEN are text/template sources for the two halves
	// of the notice; "" selects the built-in text. The data is {{.Entries}} and
	// {{.ContactJA}}/{{.ContactEN}} (whom to ask for a release). Each entry has {{.Name}}
	// (file name, invisible characters shown as [U+XXXX], or what the part was),
	// {{.NameJA}}, {{.NameEN}}, {{.Type}} (detected type), {{.TypeJA}}, {{.ActionJA}},
	// {{.ActionEN}}, {{.ReasonJA}} and {{.ReasonEN}} (why, in words), {{.Reason}} (the
	// sanitizer's own words), {{.QID}} (quarantine ID, "" if none), {{.Held}},
	// {{.ReleaseURL}}, {{.PPAPURL}}, and {{.Parts}} (files inside an archive that were removed, each with
	// .Name, .ActionJA, .ActionEN, .ReasonJA, .ReasonEN) with {{.More}} (how many more).
	// The block is framed by fixed marker lines so that a later pass recognizes it.
	NoticeTemplateJA, NoticeTemplateEN string
	// ReleaseContact names whom a recipient asks to release a held item (a desk, a phone
	// extension, an address). "" says "the system administrator".
	ReleaseContact string
	// ReleaseURL, when set, gives the page where a recipient asks for the release of the
	// held item id; the notice shows it instead of the contact line.
	ReleaseURL func(id string) string
	// PPAPURL, when set, gives the page where the recipient of the held item id types its
	// password (the PPAP habit: an encrypted zip or PDF, the password in a second mail)
	// and gets the contents sanitized. It is asked only for a zip or PDF held because it
	// is encrypted, the kinds that page opens.
	PPAPURL func(id string) string
	// Holder keeps originals that must be quarantined. Nil (the offline CLI) reports them
	// as "would be quarantined".
	Holder Holder
	// Hostname names this gateway in the Received header (default "sekisho").
	Hostname string
	// Now is the clock for the Received header (default time.Now).
	Now func() time.Time
	// TempDir is where spools spill to disk ("" is os.TempDir).
	TempDir string
}

// Holder keeps an original that must be quarantined and returns its quarantine ID. The
// part's Body is only valid during the call: Hold must copy what it keeps.
type Holder interface {
	Hold(ctx context.Context, part *sanitize.Item, res sanitize.Result) (id string, err error)
}

const (
	defaultMaxParts       = 1000
	defaultMaxHeaderBytes = 64 << 10
	// spoolThreshold is how much of one decoded part stays in memory; above it the part
	// goes to a temp file, so a 25 MB message does not cost 25 MB of heap per copy.
	spoolThreshold = 1 << 20
	// maxMultipartDepth bounds multipart nesting inside one message. Message-in-message
	// nesting is bounded separately by the Budget (limits.max_depth).
	maxMultipartDepth = 16
	// maxBodyText caps the text body kept in memory for the notice and the conversions.
	maxBodyText = 32 << 20
)

// Sanitizer is the mail family. It is safe for concurrent use.
type Sanitizer struct {
	o       Options
	tmplJA  noticeTemplate
	tmplEN  noticeTemplate
	tmplErr error
}

var _ sanitize.Sanitizer = (*Sanitizer)(nil)

// New returns a mail sanitizer. It has no side effects; a bad notice template is
// reported by every Sanitize call (and by Validate).
func New(o Options) *Sanitizer {
	o.OutputCharset = strings.ToLower(strings.TrimSpace(o.OutputCharset))
	if o.OutputCharset == "" || o.OutputCharset == "utf8" {
		o.OutputCharset = "utf-8"
	}
	if o.NoticePosition == "" {
		o.NoticePosition = "top"
	}
	if o.NestedMessages == "" {
		o.NestedMessages = "attach"
	}
	if o.MaxParts <= 0 {
		o.MaxParts = defaultMaxParts
	}
	if o.MaxHeaderBytes <= 0 {
		o.MaxHeaderBytes = defaultMaxHeaderBytes
	}
	o.Hostname = cleanHost(o.Hostname) // it goes into a header line
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &Sanitizer{o: o}
	s.tmplJA, s.tmplEN, s.tmplErr = parseNoticeTemplates(o.NoticeTemplateJA, o.NoticeTemplateEN)
	return s
}

// Validate reports an invalid option (for `sekisho config check`).
func (s *Sanitizer) Validate() error {
	switch s.o.OutputCharset {
	case "utf-8", "iso-2022-jp":
	default:
		return fmt.Errorf("mail: output_charset: must be utf-8 or iso-2022-jp, got %q", s.o.OutputCharset)
	}
	switch s.o.NoticePosition {
	case "top", "bottom":
	default:
		return fmt.Errorf("mail: notice_position: must be top or bottom, got %q", s.o.NoticePosition)
	}
	switch s.o.NestedMessages {
	case "attach", "flatten":
	default:
		return fmt.Errorf("mail: nested_messages: must be attach or flatten, got %q", s.o.NestedMessages)
	}
	if s.tmplErr != nil {
		return fmt.Errorf("mail: notice template: %w", s.tmplErr)
	}
	return nil
}
