package sanitize

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"path"
	"runtime/debug"
	"strings"
	"time"
)

// EngineOptions configure NewEngine. The zero value is usable: default policy and limits,
// temp files in os.TempDir, logs discarded.
type EngineOptions struct {
	Policy       Policy       // nil: DefaultPolicy
	Limits       Limits       // zero fields: DefaultLimits
	TempDir      string       // where spools spill; "" is os.TempDir
	MemThreshold int64        // bytes of output kept in memory before spilling; 0 is 4 MiB
	Logger       *slog.Logger // nil discards
	Observer     Observer     // nil: nobody is told
}

// Observation is the outcome of one item, as an Observer sees it.
type Observation struct {
	Item     *Item         // the item; Detected is set. Valid only during Observe
	Result   Result        // what Sanitize returned for it
	Policy   PolicyAction  // the policy entry for its detected type
	Depth    int           // 0 for a top-level item, 1 for an attachment or entry in it, ...
	Duration time.Duration // wall-clock time of Sanitize, nested items included
}

// Observer is told the outcome of every item the engine handles, nested ones included
// (attachments and archive entries come back through the engine), when Sanitize returns.
// It runs on the caller's goroutine: it must be fast and safe for concurrent use. Metrics
// count items by type, policy and verdict this way, held attachments included.
type Observer interface {
	Observe(Observation)
}

// Engine detects, applies the policy and dispatches to the family registered for the type.
// It implements Sanitizer, so families that recurse (archive, mail) take the engine as their
// inner Sanitizer. Register every family before the first Sanitize call; after that the
// engine is safe for concurrent use.
type Engine struct {
	policy     Policy
	limits     Limits
	tempDir    string
	threshold  int64
	log        *slog.Logger
	observer   Observer
	handlers   map[string]Sanitizer
	renderers  map[string]Sanitizer
	converters map[string]Sanitizer
}

var _ Sanitizer = (*Engine)(nil)

// NewEngine builds an engine with no families registered: until Register is called every
// type that the policy wants sanitized is quarantined with ErrNoHandler.
func NewEngine(o EngineOptions) *Engine {
	if o.Policy == nil {
		o.Policy = DefaultPolicy()
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Engine{
		policy:     o.Policy,
		limits:     o.Limits.WithDefaults(),
		tempDir:    o.TempDir,
		threshold:  o.MemThreshold,
		log:        o.Logger,
		observer:   o.Observer,
		handlers:   map[string]Sanitizer{},
		renderers:  map[string]Sanitizer{},
		converters: map[string]Sanitizer{},
	}
}

// Register sets the sanitizer for a type name (docm) or a class (ooxml); a type name wins
// over its class.
func (e *Engine) Register(key string, s Sanitizer) { e.handlers[key] = s }

// RegisterRenderer sets the sanitizer used when the policy says render.
func (e *Engine) RegisterRenderer(key string, s Sanitizer) { e.renderers[key] = s }

// RegisterConverter sets the sanitizer used when the policy says convert: it rebuilds a
// legacy format as its modern equivalent and sends that back through the engine.
func (e *Engine) RegisterConverter(key string, s Sanitizer) { e.converters[key] = s }

// HasConverter reports whether a converter is registered for t.
func (e *Engine) HasConverter(t Type) bool { return e.lookup(e.converters, t) != nil }

// Limits returns the engine's limits.
func (e *Engine) Limits() Limits { return e.limits }

// Policy returns the engine's policy table.
func (e *Engine) Policy() Policy { return e.policy }

// NewBudget starts the accounting for one top-level item.
func (e *Engine) NewBudget() *Budget { return NewBudget(e.limits) }

// NewSpool returns an output spool in the engine's temp dir, capped at limits.max_file_size.
func (e *Engine) NewSpool() *Spool {
	return NewSpool(SpoolOptions{Dir: e.tempDir, Threshold: e.threshold, Max: e.limits.MaxFileSize})
}

// HasHandler reports whether a sanitize handler is registered for t.
func (e *Engine) HasHandler(t Type) bool { return e.lookup(e.handlers, t) != nil }

func (e *Engine) lookup(m map[string]Sanitizer, t Type) Sanitizer {
	if s, ok := m[t.Name]; ok {
		return s
	}
	return m[string(t.Class)]
}

// Sanitize runs one item through detection, policy and its family. It returns an error only
// when writing to w fails; every problem with the item itself is a Result with a verdict
// and a reason. Output reaches w only when the verdict is Clean or Sanitized.
func (e *Engine) Sanitize(ctx context.Context, in *Item, w io.Writer, b *Budget) (Result, error) {
	if b == nil {
		b = e.NewBudget()
	}
	if e.observer == nil {
		return e.sanitize(ctx, in, w, b)
	}
	start := time.Now()
	res, err := e.sanitize(ctx, in, w, b)
	e.observer.Observe(Observation{Item: in, Result: res, Policy: e.policy.Lookup(in.Detected),
		Depth: b.Depth(), Duration: time.Since(start)})
	return res, err
}

func (e *Engine) sanitize(ctx context.Context, in *Item, w io.Writer, b *Budget) (Result, error) {
	ctx, cancel := b.Context(ctx)
	defer cancel()

	t := Detect(in.Body)
	t = stricterByName(t, in.Name)
	t = ichitaroByName(t, in.Name)
	in.Detected = t
	res := Result{Detected: t}

	if err := b.CheckFileSize(in.Body.Size()); err != nil {
		return e.refuse(res, in, Quarantined, err.Error()), nil
	}
	if reason := BlockedName(in.Name, in.DeclaredType); reason != "" {
		return e.refuse(res, in, Blocked, reason), nil
	}
	mismatch := mismatchFinding(t, in)

	act := e.policy.Lookup(t)
	var h Sanitizer
	hint := ""
	switch act {
	case Block:
		return e.refuse(res, in, Blocked, fmt.Sprintf("policy blocks %s", describe(t))), nil
	case Quarantine:
		reason := fmt.Sprintf("policy quarantines %s", describe(t))
		if r := heldReason(t); r != "" {
			reason = r
		}
		return e.refuse(res, in, Quarantined, reason), nil
	case Strip:
		return e.refuse(res, in, Stripped, fmt.Sprintf("policy strips %s", describe(t))), nil
	case Pass:
		if _, err := io.Copy(w, in.Reader()); err != nil {
			return res, fmt.Errorf("write output: %w", err)
		}
		res.Verdict = Clean
		res.Actions = append(res.Actions, mismatch...)
		return res, nil
	case Render:
		if h = e.lookup(e.renderers, t); h == nil {
			return e.refuse(res, in, Quarantined, fmt.Sprintf("renderer unavailable for %s", describe(t))), nil
		}
	case Convert:
		if h = e.lookup(e.converters, t); h != nil {
			break
		}
		// Without LibreOffice the family's own reason (macros, encryption, ...) is still the
		// most useful one; the hint tells the operator how to get the document delivered.
		tool := "LibreOffice (soffice)"
		if t.Name == "heic" || t.Name == "avif" {
			tool = "heif-convert (Debian libheif-examples)"
		}
		hint = fmt.Sprintf("no converter for %s: install %s to deliver it converted", t.Name, tool)
		if r := heldReason(t); r != "" {
			// A format no family reads (a HEIC photo): the recipient's reason, then the hint.
			return e.refuse(res, in, Quarantined, r+"; "+hint), nil
		}
		if h = e.lookup(e.handlers, t); h == nil {
			return e.refuse(res, in, Quarantined, hint), nil
		}
	default:
		if h = e.lookup(e.handlers, t); h == nil {
			return e.refuse(res, in, Quarantined, fmt.Sprintf("%s: %s", ErrNoHandler, describe(t))), nil
		}
	}

	out := e.output(w)
	defer out.close()
	r, err := e.run(ctx, h, in, out, b)
	if err == nil {
		err = expired(ctx, b)
	}
	var rendered []Action
	if errors.Is(err, ErrNeedsRender) && act != Render {
		if rh := e.lookup(e.renderers, t); rh != nil {
			rendered = []Action{{Kind: ActRasterized, Path: in.Path, Detail: err.Error()}}
			if rerr := out.Restart(); rerr != nil {
				return res, fmt.Errorf("write output: %w", rerr)
			}
			r, err = e.run(ctx, rh, in, out, b)
			if err == nil {
				err = expired(ctx, b)
			}
		}
	}
	if err != nil {
		if rerr := out.discard(); rerr != nil {
			return res, fmt.Errorf("write output: %w", rerr)
		}
		reason := e.reason(err, b)
		if hint != "" {
			reason += "; " + hint
		}
		res.Subject = r.Subject
		return e.refuse(res, in, Quarantined, reason), nil
	}
	r.Detected = t
	if r.Verdict == "" {
		r.Verdict = Clean
		if len(r.Actions) > 0 {
			r.Verdict = Sanitized
		}
	}
	if !r.Verdict.HasOutput() {
		// A family may decide an item cannot be made safe without an error (e.g. an OOXML
		// package that is really xlsb). Nothing it wrote is kept.
		if rerr := out.discard(); rerr != nil {
			return r, fmt.Errorf("write output: %w", rerr)
		}
		if r.Reason == "" {
			r.Reason = string(r.Verdict)
		}
		kind := ActQuarantined
		switch r.Verdict {
		case Blocked:
			kind = ActBlocked
		case Stripped:
			kind = ActStripped
		}
		r.Actions = append(r.Actions, Action{Kind: kind, Path: in.Path, Detail: r.Reason})
		return r, nil
	}
	r.Actions = append(append(rendered, r.Actions...), mismatch...)
	if len(rendered) > 0 {
		r.Verdict = Sanitized
	}
	fixOutputName(t, in, &r)
	if err := out.finish(); err != nil {
		return r, fmt.Errorf("write output: %w", err)
	}
	return r, nil
}

// run calls the family with a per-item recover: pdfcpu and the image decoders panic on some
// malformed input, and one hostile file must not take down the gateway.
// expired reports a family that returned after the item's time was up, whether or not
// the context's timer has fired yet: on a loaded machine the timer goroutine can run
// late, and a result that came in past limits.timeout is not accepted.
func expired(ctx context.Context, b *Budget) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d := b.Deadline(); !d.IsZero() && !time.Now().Before(d) {
		return context.DeadlineExceeded
	}
	return nil
}

func (e *Engine) run(ctx context.Context, h Sanitizer, in *Item, w io.Writer, b *Budget) (r Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			e.log.Error("sanitizer panic", "type", in.Detected.Name, "path", in.Path, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = fmt.Errorf("%w: %v", ErrPanic, p)
		}
	}()
	return h.Sanitize(ctx, in, w, b)
}

func (e *Engine) reason(err error, b *Budget) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("%s: limits.timeout (%s)", ErrTimeout, b.Limits().Timeout)
	case errors.Is(err, context.Canceled):
		return "canceled"
	}
	return err.Error()
}

func (e *Engine) refuse(res Result, in *Item, v Verdict, reason string) Result {
	res.Verdict = v
	res.Reason = reason
	kind := ActQuarantined
	switch v {
	case Blocked:
		kind = ActBlocked
	case Stripped:
		kind = ActStripped
	}
	res.Actions = []Action{{Kind: kind, Path: in.Path, Detail: reason}}
	return res
}

func describe(t Type) string {
	if r := heldReason(t); r != "" {
		return r
	}
	switch t.Class {
	case ClassUnknown:
		if t.Name == "empty" {
			return "empty file"
		}
		return fmt.Sprintf("unknown type (%s)", t.MIME)
	}
	return fmt.Sprintf("%s (%s)", t.Name, t.MIME)
}

// stricterByName lets a declared name narrow plain text to a stricter handling: a .csv is
// checked for formula injection, a .htm is converted from HTML, a .svg is an SVG to the
// browser that opens it and an .xml or .xsl is XML (delivered renamed to .txt). It never
// widens a type.
func stricterByName(t Type, name string) Type {
	if t.Name != "text" || name == "" {
		return t
	}
	switch strings.ToLower(path.Ext(strings.TrimRight(name, " ."))) {
	case ".csv":
		return Type{Name: "csv", Class: ClassText, MIME: "text/csv", Ext: ".csv"}
	case ".tsv", ".tab":
		return Type{Name: "tsv", Class: ClassText, MIME: "text/tab-separated-values", Ext: ".tsv"}
	case ".htm", ".html", ".xhtml", ".xht", ".shtml", ".shtm", ".mht", ".mhtml", ".hta", ".htc":
		return Type{Name: "html", Class: ClassText, MIME: "text/html", Ext: ".html"}
	case ".svg", ".svgz":
		return Type{Name: "svg", Class: ClassSVG, MIME: "image/svg+xml", Ext: ".svg"}
	case ".xml", ".xsl", ".xslt", ".xsd", ".rss", ".atom", ".xaml", ".xbap", ".wsf", ".manifest":
		return Type{Name: "xml", Class: ClassText, MIME: "text/xml", Ext: ".xml"}
	}
	return t
}

// plainTextExt are names under which text output opens as text and nothing else.
var plainTextExt = map[string]bool{
	"": true, ".txt": true, ".text": true, ".log": true, ".md": true, ".markdown": true, ".me": true,
	".nfo": true, ".asc": true, ".ini": true, ".cfg": true, ".conf": true, ".yaml": true, ".yml": true,
	".json": true, ".srt": true, ".vtt": true, ".diff": true, ".patch": true,
}

// fixOutputName makes the name an output is delivered under agree with what it contains.
// Only a name that another program would open differently needs it: plain text named .doc
// opens in Word, which reads HTML and RTF in it; a PDF named .html opens in a browser. The
// family's own OutName (docm -> docx, html -> txt) is checked the same way.
func fixOutputName(t Type, in *Item, r *Result) {
	name := r.OutName
	if name == "" {
		name = in.Name
	}
	if name == "" {
		return
	}
	ext := strings.ToLower(path.Ext(strings.TrimRight(name, " .")))
	want := t.Ext
	switch {
	case t.Class == ClassText:
		ot := strings.ToLower(r.OutType)
		switch {
		case strings.HasPrefix(ot, "text/csv"):
			if ext == ".csv" || ext == ".txt" {
				return
			}
			want = ".csv"
		case strings.HasPrefix(ot, "text/tab-separated-values"):
			if ext == ".tsv" || ext == ".tab" || ext == ".txt" {
				return
			}
			want = ".tsv"
		default:
			if plainTextExt[ext] {
				return
			}
			want = ".txt"
		}
	case r.OutName != "":
		return // the family renamed it for the type it wrote
	case ExtClass(name) == t.Class || ext == "" || want == "":
		return
	case ext == ".tgz" && t.Name == "gzip", (ext == ".jpe" || ext == ".jfif") && t.Name == "jpeg":
		return
	}
	r.OutName = ReplaceExt(name, want)
	r.Add(ActRenamed, in.Path, fmt.Sprintf("%s → %s: the name must match the content", path.Base(name), path.Base(r.OutName)))
	if r.Verdict == Clean {
		r.Verdict = Sanitized
	}
}

// OutputExt is the extension for an output delivered without a name (a mail part that
// had none): that of the type the family wrote, r.OutType, else of the detected type t.
// HTML converted to text is .txt, not .html: its text may spell markup that the source
// only escaped ("&lt;script&gt;"), and a browser would run it under an .html name.
func OutputExt(t Type, r Result) string {
	mt, _, _ := mime.ParseMediaType(r.OutType)
	switch {
	case mt == "text/csv":
		return ".csv"
	case mt == "text/tab-separated-values":
		return ".tsv"
	case strings.HasPrefix(mt, "text/"):
		return ".txt"
	}
	if e, ok := mimeTable[mt]; ok && e.ext != "" {
		return e.ext
	}
	return t.Ext
}

// mismatchFinding reports a declared name or type that disagrees with the content. It is a
// finding, never a decision: the content already chose the handler.
func mismatchFinding(t Type, in *Item) []Action {
	var out []Action
	if c := ExtClass(in.Name); c != "" && c != t.Class && !compatible(c, t) {
		out = append(out, Action{Kind: ActTypeMismatch, Path: in.Path,
			Detail: fmt.Sprintf("name says %s, content is %s", c, t.Name)})
	}
	if in.DeclaredType != "" {
		mt, _, err := mime.ParseMediaType(in.DeclaredType)
		if err == nil {
			if e, ok := mimeTable[mt]; ok && e.class != t.Class && !compatible(e.class, t) {
				out = append(out, Action{Kind: ActTypeMismatch, Path: in.Path,
					Detail: fmt.Sprintf("declared type %s, content is %s", mt, t.Name)})
			}
		}
	}
	return out
}

// compatible covers declared classes that legitimately carry another detected class.
func compatible(declared Class, t Type) bool {
	switch {
	case t.Name == "empty":
		// Zero bytes are a valid file of every type.
		return true
	case declared == ClassOOXML && (t.Class == ClassArchive || t.Class == ClassOLE):
		// An encrypted OOXML is an OLE file; a damaged one looks like a plain zip.
		return true
	case declared == ClassText && (t.Class == ClassSVG || t.Class == ClassRTF):
		return true
	case declared == ClassOLE && t.Class == ClassOOXML:
		return false
	}
	return false
}
