package archive

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"github.com/sekisho/sekisho/sanitize"
)

// entryInfo is one container entry as the walker sees it, independent of the format.
type entryInfo struct {
	raw     string // stored name, for reports when it cannot be decoded
	name    string // decoded name ("" when undecodable: problem says why)
	note    string // charset normalization applied to the name, for the report
	problem string // why the name could not be decoded
	dir     bool
	special string // non-empty: the entry is a link, device or other non-file (why)
	mod     time.Time
	comment bool // the entry carried a comment (dropped)
}

// sink receives the entries that survive, in order, and writes the new container.
type sink interface {
	dir(name string, e *entryInfo) error
	file(name string, e *entryInfo, body *sanitize.Spool) error
}

// walker holds the state of one container level.
type walker struct {
	s   *Sanitizer
	ctx context.Context
	in  *sanitize.Item
	b   *sanitize.Budget // this container's level
	nb  *sanitize.Budget // its entries' level
	st  *walkState
	res sanitize.Result

	inNames  *nameSet // names as admitted from the input: duplicates, file/dir clashes
	outNames *nameSet // names written, after renames (a.docm -> a.docx)
	changed  bool     // something was dropped, renamed or re-encoded
	kept     int      // file entries written
	dropped  int
	first    string // the first drop, for the reason when nothing survives
	blocked  int    // drops whose verdict was Blocked
	buf      []byte // copy buffer shared by this container's entries
}

// writerOnly hides a writer's ReadFrom so io.CopyBuffer uses the buffer it is given.
type writerOnly struct{ io.Writer }

func (s *Sanitizer) newWalker(ctx context.Context, in *sanitize.Item, b *sanitize.Budget, st *walkState) (*walker, error) {
	nb, err := b.Nest()
	if err != nil {
		return nil, err
	}
	return &walker{
		s: s, ctx: ctx, in: in, b: b, nb: nb, st: st,
		res:      sanitize.Result{Detected: in.Detected, Actions: []sanitize.Action{}},
		inNames:  newNameSet(),
		outNames: newNameSet(),
	}, nil
}

func (w *walker) path(name string) string { return sanitize.JoinPath(w.in.Path, name) }

// drop records an entry that is not delivered and why.
func (w *walker) drop(name, why string) {
	p := w.path(displayName(name))
	w.res.Add(sanitize.ActRemovedPart, p, why)
	w.noteDrop(p + ": " + why)
}

func (w *walker) noteDrop(what string) {
	w.changed = true
	w.dropped++
	if w.first == "" {
		w.first = what
	}
}

// check runs between entries: the context, a fatal error recorded by a nested level, and
// the shared counters that nested families charge too.
func (w *walker) check() error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	if err := w.st.failed(); err != nil {
		return err
	}
	if err := w.b.AddExpanded(0); err != nil {
		return err
	}
	return w.b.AddEntries(0)
}

// admit decides from the entry's metadata alone whether it may go on; it returns the
// canonical name, or "" when the entry was dropped (and reported).
func (w *walker) admit(e *entryInfo) string {
	// Leading "./" is how tar -C dir . names its members, and "./" itself is the
	// extraction root: neither changes what an extractor creates, so neither is reported.
	plain := e.name
	for strings.HasPrefix(plain, "./") {
		plain = plain[2:]
	}
	shown := plain
	if shown == "" {
		shown = e.raw
	}
	if e.problem != "" {
		w.drop(shown, e.problem)
		return ""
	}
	if e.dir && (plain == "" || plain == ".") {
		return ""
	}
	clean, problem := cleanName(e.name)
	if problem != "" {
		w.drop(shown, problem)
		return ""
	}
	if e.special != "" {
		w.drop(shown, e.special)
		return ""
	}
	switch {
	case e.dir && !strings.HasSuffix(clean, "/"):
		clean += "/"
	case !e.dir && strings.HasSuffix(clean, "/"):
		w.drop(shown, "file entry with a directory name")
		return ""
	}
	if why := w.inNames.conflict(clean, e.dir); why != "" {
		w.drop(shown, why)
		return ""
	}
	w.inNames.add(clean, e.dir)
	if e.note != "" {
		w.res.Add(sanitize.ActNormalizedCharset, w.path(clean), e.note)
		w.changed = true
	}
	if e.dir && !strings.HasSuffix(plain, "/") {
		plain += "/"
	}
	if clean != plain {
		w.res.Add(sanitize.ActRenamed, w.path(clean), "normalized from "+displayName(e.name))
		w.changed = true
	}
	if e.comment {
		w.res.Add(sanitize.ActRemovedMetadata, w.path(clean), "entry comment")
		w.changed = true
	}
	return clean
}

// entry runs one admitted file entry through the inner sanitizer and hands the result to
// out. body yields the entry's decompressed bytes, already bounded by the caller. Errors
// returned end the walk of this container.
func (w *walker) entry(clean string, e *entryInfo, body io.Reader, out sink, afterRead func(n int64) error) error {
	sp := sanitize.NewSpool(sanitize.SpoolOptions{
		Dir: w.s.tempDir, Threshold: w.s.threshold, Max: w.b.Limits().MaxFileSize,
	})
	defer sp.Remove()
	if w.buf == nil {
		w.buf = make([]byte, 32<<10)
	}
	// One copy buffer per container rather than one per entry (Spool.ReadFrom would
	// allocate its own): an archive of a thousand small files is mostly this loop.
	if _, err := io.CopyBuffer(writerOnly{sp}, body, w.buf); err != nil {
		return readError(clean, err)
	}
	if afterRead != nil {
		if err := afterRead(sp.Size()); err != nil {
			return err
		}
	}
	item := &sanitize.Item{Body: sp, Path: w.path(clean), Name: path.Base(clean), Origin: w.in.Origin}
	osp := sanitize.NewSpool(sanitize.SpoolOptions{
		Dir: w.s.tempDir, Threshold: w.s.threshold, Max: w.b.Limits().MaxFileSize,
	})
	defer osp.Remove()
	// An empty file holds nothing to sanitize, and archives carry them on purpose
	// (placeholders, a .keep, an empty log): it is kept as an empty entry rather than
	// sent to the engine, whose policy for an empty top-level item is its own business.
	// A name that says executable still goes to the engine, which blocks it.
	r := sanitize.Result{Verdict: sanitize.Clean}
	if sp.Size() > 0 || sanitize.BlockedName(item.Name, "") != "" {
		var err error
		if r, err = w.s.inner.Sanitize(w.ctx, item, osp, w.nb); err != nil {
			return fmt.Errorf("entry %q: %w", displayName(clean), err)
		}
	}
	if err := w.check(); err != nil {
		return err
	}
	w.res.Merge(r)
	if !r.Verdict.HasOutput() {
		reason := r.Reason
		if reason == "" {
			reason = string(r.Verdict)
		}
		if r.Verdict == sanitize.Blocked {
			w.blocked++
		}
		w.noteDrop(item.Path + ": " + reason)
		return nil
	}
	if r.Verdict != sanitize.Clean {
		w.changed = true
	}
	name := clean
	if r.OutName != "" && r.OutName != item.Name {
		// The type changed (a.docm -> a.docx, page.html -> page.txt): the output sits
		// next to the original under its new name.
		base, problem := cleanName(r.OutName)
		if problem != "" || path.Base(base) != base {
			w.drop(clean, "unusable name for the converted output: "+displayName(r.OutName))
			return nil
		}
		if d := path.Dir(clean); d != "." {
			base = d + "/" + base
		}
		name = base
	}
	// A renamed output may land on a name an entry already uses (or will use): the
	// later one gets "stem (2).ext" rather than overwrite or be lost.
	final := w.outNames.free(name)
	if final == "" {
		w.drop(clean, "no free name for the output "+displayName(name))
		return nil
	}
	if final != clean {
		w.res.Add(sanitize.ActRenamed, w.path(clean), "output renamed to "+final)
		w.changed = true
	}
	w.outNames.add(final, false)
	w.kept++
	return out.file(final, e, osp)
}

// addDir writes an admitted directory entry, unless a renamed output took its name.
func (w *walker) addDir(clean string, e *entryInfo, out sink) error {
	if why := w.outNames.conflict(clean, true); why != "" {
		w.drop(clean, why)
		return nil
	}
	w.outNames.add(clean, true)
	return out.dir(clean, e)
}

// readError turns a failure while reading an entry into the error the walk returns:
// limits stay *sanitize.LimitError, anything archive/zip reports about the data itself
// (checksum, sizes, a broken deflate stream) is malformed input.
func readError(name string, err error) error {
	var le *sanitize.LimitError
	if errors.As(err, &le) {
		return err
	}
	switch {
	case errors.Is(err, zip.ErrChecksum):
		return fmt.Errorf("%w archive: entry %q: checksum mismatch", sanitize.ErrMalformed, displayName(name))
	case errors.Is(err, zip.ErrFormat), errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%w archive: entry %q: size does not match its header or data truncated", sanitize.ErrMalformed, displayName(name))
	}
	return fmt.Errorf("%w archive: entry %q: %v", sanitize.ErrMalformed, displayName(name), err)
}

// finish sets the verdict once every entry was seen. A container from which nothing
// could be kept is not delivered as an empty shell: it is quarantined (or blocked, when
// every entry was blocked), with the per-entry report kept.
func (w *walker) finish() sanitize.Result {
	res := w.res
	switch {
	case w.kept == 0 && w.dropped > 0:
		res.Verdict = sanitize.Quarantined
		if w.blocked == w.dropped {
			res.Verdict = sanitize.Blocked
		}
		res.Reason = fmt.Sprintf("no entry could be made safe (%d dropped; first: %s)", w.dropped, w.first)
	case w.changed:
		res.Verdict = sanitize.Sanitized
	default:
		res.Verdict = sanitize.Clean
	}
	return res
}

// ratioReader fails as soon as the bytes read exceed limits.max_ratio times the
// compressed size, instead of after a whole entry has been expanded.
type ratioReader struct {
	r    io.Reader
	b    *sanitize.Budget
	comp int64
	n    int64
}

func (r *ratioReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.n += int64(n)
	if cerr := r.b.CheckRatio(r.comp, r.n); cerr != nil {
		return n, cerr
	}
	return n, err
}
