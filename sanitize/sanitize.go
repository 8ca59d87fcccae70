package sanitize

import (
	"context"
	"io"
	"path"
	"strings"
)

// Sanitizer reads one item and writes its rebuilt, safe form to w. It never passes input
// bytes through unparsed. It stops when ctx is done or b is exhausted. A returned error
// means the item must not be delivered; the engine turns it into a quarantine reason, and
// discards whatever was written to w.
type Sanitizer interface {
	Sanitize(ctx context.Context, in *Item, w io.Writer, b *Budget) (Result, error)
}

// Blob is spooled, re-readable input: memory below a threshold, a temp file above it.
// *bytes.Reader and *io.SectionReader satisfy it.
type Blob interface {
	io.ReaderAt
	Size() int64
}

// Item is one untrusted input. Name and DeclaredType come from the sender and are never
// trusted; Detected is filled by the engine from content before a family sees the item.
type Item struct {
	Body         Blob
	Path         string // where the item sits, e.g. "attachment[2]/invoice.zip/a.docm"
	Name         string // declared file name, may be empty
	DeclaredType string // declared MIME type, may be empty
	Detected     Type
	// Origin says where the top-level item came from; nil when nobody said. Families copy
	// it to the items they create and never decide on it.
	Origin *Origin
}

// Origin is where a top-level item came from: the SMTP envelope of a message, the sender
// and recipients of a transfer. It travels with the item as a value, so whatever keeps a
// part the engine refused (the mail family's Holder) can record who sent it to whom.
type Origin struct {
	Ref   string   // the caller's ID for it: a queue ID, a transfer ID
	From  string   // the envelope sender ("" is the null sender)
	Rcpts []string // the envelope recipients
	// Subject is the decoded subject of the outermost message; the mail family fills it
	// in before it creates parts.
	Subject string
}

// Reader returns a fresh reader over the whole body; each call starts at offset 0.
func (it *Item) Reader() *io.SectionReader {
	return io.NewSectionReader(it.Body, 0, it.Body.Size())
}

// Verdict is the outcome for one item.
type Verdict string

const (
	Clean       Verdict = "clean"       // nothing needed removing; output written
	Sanitized   Verdict = "sanitized"   // something was removed or rebuilt; output written
	Quarantined Verdict = "quarantined" // no output; the original must be held for review
	Blocked     Verdict = "blocked"     // no output; refused outright (executables, scripts)
	Stripped    Verdict = "stripped"    // no output; removed by policy, the recipient is told
)

// HasOutput reports whether the verdict comes with a written, safe output.
func (v Verdict) HasOutput() bool { return v == Clean || v == Sanitized }

// ActionKind names what was done to a part. The values are stable: they appear in reports,
// mail headers and logs.
type ActionKind string

const (
	ActRemovedJavaScript   ActionKind = "removed-javascript"
	ActRemovedAction       ActionKind = "removed-action" // OpenAction, AA, Launch, SubmitForm, GoToR, ...
	ActRemovedEmbeddedFile ActionKind = "removed-embedded-file"
	ActRemovedForm         ActionKind = "removed-form" // XFA, AcroForm scripts
	ActRemovedRichMedia    ActionKind = "removed-richmedia"
	ActRemovedLink         ActionKind = "removed-link"
	ActRemovedMacros       ActionKind = "removed-macros"
	ActRemovedActiveX      ActionKind = "removed-activex"
	ActRemovedOLE          ActionKind = "removed-ole-object"
	ActRemovedExternalLink ActionKind = "removed-external-link"
	ActRemovedDDE          ActionKind = "removed-dde"
	ActRemovedMetadata     ActionKind = "removed-metadata"
	ActRemovedTrailingData ActionKind = "removed-trailing-data"
	ActRemovedPart         ActionKind = "removed-part"
	ActRemovedUnknown      ActionKind = "removed-unknown" // not on the family's allow-list for its type
	ActRemovedFont         ActionKind = "removed-font"    // embedded font program dropped; text shows in a fallback font
	ActRemovedControlChars ActionKind = "removed-control-characters"
	ActReencoded           ActionKind = "re-encoded"
	ActRebuilt             ActionKind = "rebuilt" // rewritten from the parsed structure
	ActConvertedToText     ActionKind = "converted-to-text"
	ActNormalizedCharset   ActionKind = "normalized-charset"
	ActNormalizedNewlines  ActionKind = "normalized-newlines"
	ActReplacedUnmappable  ActionKind = "replaced-unmappable"
	ActNeutralizedFormula  ActionKind = "neutralized-formula"
	ActRasterized          ActionKind = "rasterized"
	ActConverted           ActionKind = "converted" // a legacy format rebuilt as its modern equivalent (doc -> docx)
	ActRenamed             ActionKind = "renamed"
	ActStripped            ActionKind = "stripped"
	ActQuarantined         ActionKind = "quarantined"
	ActBlocked             ActionKind = "blocked"
	ActTypeMismatch        ActionKind = "type-mismatch"
)

// Action is one thing done to one part.
type Action struct {
	Kind   ActionKind `json:"action"`
	Path   string     `json:"path,omitempty"`
	Detail string     `json:"detail,omitempty"`
}

// Result is data, not side effects: what was found and done, and the verdict.
type Result struct {
	Verdict  Verdict  `json:"verdict"`
	Reason   string   `json:"reason,omitempty"`
	Actions  []Action `json:"actions"`
	Detected Type     `json:"detected"`
	// OutType is the MIME type of the output when it differs from the input's (docm -> docx,
	// html -> text/plain, webp -> png). Empty means the same type as detected.
	OutType string `json:"output_type,omitempty"`
	// OutName is the name the output should carry when the type changed, e.g. "a.docx" for
	// "a.docm". Empty means keep the declared name.
	OutName string `json:"output_name,omitempty"`
	// Subject is the decoded subject of a message item, set by the mail family whenever it
	// could read the header, also when the message is refused: the caller records it with
	// a held message without parsing the header itself.
	Subject string `json:"-"`
	// Notes are remarks for the recipient or the operator that are not a reason for the
	// verdict: a signature that could not be kept, an output charset that fell back.
	Notes []string `json:"notes,omitempty"`
}

// Note records a remark once.
func (r *Result) Note(s string) {
	for _, n := range r.Notes {
		if n == s {
			return
		}
	}
	r.Notes = append(r.Notes, s)
}

// Add records an action.
func (r *Result) Add(kind ActionKind, path, detail string) {
	r.Actions = append(r.Actions, Action{Kind: kind, Path: path, Detail: detail})
}

// Merge appends a nested result's actions (their paths already carry the nesting) and
// notes.
func (r *Result) Merge(sub Result) {
	r.Actions = append(r.Actions, sub.Actions...)
	for _, n := range sub.Notes {
		r.Note(n)
	}
}

// JoinPath appends a child component to a part path. Slashes inside the child are kept,
// since archive entry names use them; an empty parent yields the child.
func JoinPath(parent, child string) string {
	if parent == "" {
		return child
	}
	if child == "" {
		return parent
	}
	return parent + "/" + child
}

// ReplaceExt returns name with its extension replaced by ext (with the dot), or name + ext
// when it has none; an empty name stays empty.
func ReplaceExt(name, ext string) string {
	if name == "" {
		return ""
	}
	old := path.Ext(name)
	if old == "" || strings.ContainsAny(old, " ") {
		return name + ext
	}
	return strings.TrimSuffix(name, old) + ext
}
