package ole

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/sekisho/sekisho/sanitize"
)

// Options configure New. The zero value is the only behaviour today; the struct exists so
// that the render policy can add knobs without changing the constructor.
type Options struct{}

// Sanitizer refuses every compound file with a precise reason. Legacy binary Office formats
// cannot be rebuilt safely here (their text, formatting and drawing records are a format of
// their own per application), so the family's job is to say what is inside: the engine
// quarantines, and the render policy (when configured) turns the document into images.
type Sanitizer struct{}

var _ sanitize.Sanitizer = (*Sanitizer)(nil)

// New returns the ole family's sanitizer.
func New(o Options) *Sanitizer { return &Sanitizer{} }

// Sanitize inspects the compound file and always returns an error: sanitize.ErrEncrypted
// for password-protected content, sanitize.ErrMalformed for a damaged file, and
// sanitize.ErrUnsupported naming the macros, embedded objects and macro sheets found (or
// their absence). It never writes to w.
func (s *Sanitizer) Sanitize(ctx context.Context, in *sanitize.Item, w io.Writer, b *sanitize.Budget) (sanitize.Result, error) {
	res := sanitize.Result{Detected: in.Detected}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	info, err := Inspect(in.Body, in.Body.Size())
	if err != nil {
		if errors.Is(err, errCFB) {
			return res, fmt.Errorf("%w: %w", sanitize.ErrMalformed, err)
		}
		return res, err
	}
	if err := b.AddEntries(len(info.Streams) + len(info.Storages)); err != nil {
		return res, err
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	return res, Reason(info, in.Detected.Name)
}

// Reason turns an Info into the error the sanitizer returns. detected is the engine's type
// name, used when the directory alone does not say what the file is.
func Reason(info Info, detected string) error {
	kind := info.Kind
	if kind == "ole" && detected != "" {
		kind = detected
	}
	what := describeKind(kind)
	if info.Encrypted {
		if kind == "ooxml" {
			return fmt.Errorf("%w: password-protected Office Open XML package (%s)", sanitize.ErrEncrypted, joinEvidence(info.EncryptionEvidence))
		}
		return fmt.Errorf("%w: password-protected %s (%s)", sanitize.ErrEncrypted, what, joinEvidence(info.EncryptionEvidence))
	}
	var with []string
	if info.HasVBA {
		with = append(with, fmt.Sprintf("VBA macros (%s)", joinEvidence(info.VBAEvidence)))
	}
	if info.HasXLM {
		with = append(with, fmt.Sprintf("Excel 4.0 macros (%s)", joinEvidence(info.XLMEvidence)))
	}
	if info.HasOLEObjects {
		with = append(with, fmt.Sprintf("embedded OLE objects (%s)", joinEvidence(info.OLEEvidence)))
	}
	if info.HasAttachment {
		with = append(with, "attachments")
	}
	if kind == "msg" {
		// A message saved from Outlook is an ordinary thing to attach: the recipient reads
		// what to ask for, in Japanese first, and the operator the evidence.
		found := "without macro or object storages"
		if len(with) > 0 {
			found = "with " + strings.Join(with, " and ")
		}
		return fmt.Errorf("%w: %s %s: %s", sanitize.ErrUnsupported, what, found, msgReason)
	}
	if len(with) == 0 {
		switch kind {
		case "doc", "xls":
			return fmt.Errorf("%w: %s without macros", sanitize.ErrUnsupported, what)
		case "ppt":
			// PowerPoint keeps its VBA project and OLE objects compressed inside the
			// "PowerPoint Document" stream: their absence is not claimed.
			return fmt.Errorf("%w: %s (macros and objects inside the PowerPoint Document stream are not inspected)", sanitize.ErrUnsupported, what)
		}
		return fmt.Errorf("%w: %s without macro or object storages", sanitize.ErrUnsupported, what)
	}
	return fmt.Errorf("%w: %s with %s", sanitize.ErrUnsupported, what, strings.Join(with, " and "))
}

// msgReason says why an Outlook message file is held and what to ask the sender for.
const msgReason = "Outlook のメッセージファイル (.msg) は無害化に対応していないため保留しました。送信者に、メールそのものの転送か、本文の貼り付け・PDF での再送を依頼してください" +
	" / Outlook message file held: .msg files are not sanitized here; ask the sender to forward the mail itself, or to paste its text or send a PDF"

func describeKind(kind string) string {
	switch kind {
	case "doc", "xls", "ppt", "pub", "vsd":
		return fmt.Sprintf("legacy Office document (%s)", kind)
	case "msg":
		return "Outlook message (msg)"
	case "equation":
		return "Equation Editor object (equation)"
	}
	return fmt.Sprintf("OLE compound file (%s)", kind)
}

// joinEvidence lists at most four names, so a file with a thousand embedded objects still
// gets a reason that fits on one line.
func joinEvidence(list []string) string {
	const show = 4
	if len(list) <= show {
		return strings.Join(list, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(list[:show], ", "), len(list)-show)
}
