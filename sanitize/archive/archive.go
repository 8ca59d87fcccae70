package archive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/sekisho/sekisho/sanitize"
)

// Options configure New. The zero value is not usable: Inner is required.
type Options struct {
	// Inner sanitizes every entry; normally the engine itself, so an entry gets detection,
	// policy and its own family, and a nested archive comes back here one level deeper.
	Inner sanitize.Sanitizer
	// TempDir is where entry spools spill; "" is os.TempDir.
	TempDir string
	// MemThreshold is how many bytes of one entry stay in memory before its spool moves
	// to a temp file; 0 is 1 MiB. Nested archives hold one entry spool per level.
	MemThreshold int64
	// DefangLinks writes the URLs of an EPUB's pages, which are delivered as text, as
	// hxxp://example[.]com (text.defang_links).
	DefangLinks bool
}

// Sanitizer walks zip, tar, gzip and bzip2 containers, sends every entry back through the
// inner sanitizer and builds a new container from the results. It is safe for
// concurrent use.
type Sanitizer struct {
	inner     sanitize.Sanitizer
	tempDir   string
	threshold int64
	defang    bool
}

var _ sanitize.Sanitizer = (*Sanitizer)(nil)

// New returns an archive sanitizer. It has no side effects.
func New(o Options) *Sanitizer {
	if o.MemThreshold <= 0 {
		o.MemThreshold = 1 << 20
	}
	return &Sanitizer{inner: o.Inner, tempDir: o.TempDir, threshold: o.MemThreshold, defang: o.DefangLinks}
}

// Sanitize rebuilds one container. See the package documentation for what is kept,
// dropped and refused.
func (s *Sanitizer) Sanitize(ctx context.Context, in *sanitize.Item, w io.Writer, b *sanitize.Budget) (sanitize.Result, error) {
	res := sanitize.Result{Detected: in.Detected}
	if s.inner == nil {
		return res, errors.New("archive: no inner sanitizer configured")
	}
	if b == nil {
		return res, errors.New("archive: nil budget")
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	t := in.Detected
	if t.Name == "" {
		t = sanitize.Detect(in.Body)
		res.Detected = t
	}
	ctx, st := walkStateFrom(ctx)
	var err error
	switch t.Name {
	case "zip":
		res, err = s.sanitizeZip(ctx, in, w, b, st)
	case "tar":
		res, err = s.sanitizeTar(ctx, in, w, b, st)
	case "gzip", "bzip2":
		res, err = s.sanitizeCompressed(ctx, in, w, b, st, t.Name)
	case "epub":
		res, err = s.sanitizeEPUB(ctx, in, w, b)
	case "xz", "zstd":
		err = fmt.Errorf("%w archive: %s compression", sanitize.ErrUnsupported, t.Name)
	default:
		err = fmt.Errorf("%w archive: %s", sanitize.ErrUnsupported, t.Name)
	}
	if err != nil {
		where := in.Path
		if b.Depth() == 0 {
			where = "" // the item itself: its path adds nothing to the reason
		}
		return res, st.record(where, err)
	}
	res.Detected = t
	return res, nil
}

// walkState is shared by every archive level of one top-level item through the context
// (the engine passes ctx down unchanged in value). A bomb is a property of the whole
// item: when a nested level trips a limit or finds encryption, each parent stops too and
// returns that first error, so the quarantine reason names the configured limit (or
// "encrypted archive") instead of "an entry was dropped".
type walkState struct {
	mu  sync.Mutex
	err error
}

type walkStateKey struct{}

func walkStateFrom(ctx context.Context) (context.Context, *walkState) {
	if st, ok := ctx.Value(walkStateKey{}).(*walkState); ok {
		return ctx, st
	}
	st := &walkState{}
	return context.WithValue(ctx, walkStateKey{}, st), st
}

// fatal reports whether err ends the walk of every enclosing archive.
func fatal(err error) bool {
	var le *sanitize.LimitError
	return errors.As(err, &le) || errors.Is(err, sanitize.ErrEncrypted)
}

// record keeps the first fatal error, prefixed with where it happened, and returns what
// the caller should return.
func (st *walkState) record(where string, err error) error {
	if !fatal(err) {
		return err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.err == nil {
		if where != "" {
			err = fmt.Errorf("%s: %w", displayName(where), err)
		}
		st.err = err
	}
	return st.err
}

// failed returns the recorded fatal error, if any.
func (st *walkState) failed() error {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.err
}
