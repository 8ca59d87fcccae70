package sanitize

import (
	"context"
	"fmt"
	"io"
	"sync/atomic"
	"time"
)

// Limits are the configured bounds for one top-level item and everything nested in it.
// Zero fields take the defaults of DefaultLimits (see WithDefaults).
type Limits struct {
	MaxFileSize  int64         // limits.max_file_size: one item, input or output, in bytes
	MaxTotalSize int64         // limits.max_total_size: bytes decompressed/decoded across all nested work
	MaxDepth     int           // limits.max_depth: nesting (archive in archive, message in message)
	MaxEntries   int           // limits.max_entries: archive entries and MIME parts, all levels together
	MaxRatio     int64         // limits.max_ratio: expanded/compressed ratio of one entry
	MaxPixels    int64         // limits.max_pixels: width*height of one image or rendered page
	MaxPages     int           // limits.max_pages: pages of one document
	Timeout      time.Duration // limits.timeout: wall-clock time for one top-level item
}

// DefaultLimits are safe for a mail gateway: a 25 MB mail with ordinary attachments fits
// comfortably; a decompression bomb does not.
func DefaultLimits() Limits {
	return Limits{
		MaxFileSize:  100 << 20,
		MaxTotalSize: 512 << 20,
		MaxDepth:     8,
		MaxEntries:   10000,
		MaxRatio:     200,
		MaxPixels:    50_000_000,
		MaxPages:     2000,
		Timeout:      2 * time.Minute,
	}
}

// WithDefaults fills zero fields from DefaultLimits.
func (l Limits) WithDefaults() Limits {
	d := DefaultLimits()
	if l.MaxFileSize <= 0 {
		l.MaxFileSize = d.MaxFileSize
	}
	if l.MaxTotalSize <= 0 {
		l.MaxTotalSize = d.MaxTotalSize
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	if l.MaxEntries <= 0 {
		l.MaxEntries = d.MaxEntries
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = d.MaxRatio
	}
	if l.MaxPixels <= 0 {
		l.MaxPixels = d.MaxPixels
	}
	if l.MaxPages <= 0 {
		l.MaxPages = d.MaxPages
	}
	if l.Timeout <= 0 {
		l.Timeout = d.Timeout
	}
	return l
}

// Budget is the per-item accounting derived from Limits. The counters are shared by every
// Budget obtained through Nest, so an archive inside an archive draws from the same pool.
// A Budget is safe for concurrent use.
type Budget struct {
	lim   Limits
	depth int
	s     *budgetShared
}

type budgetShared struct {
	expanded atomic.Int64
	entries  atomic.Int64
	deadline time.Time
}

// NewBudget starts the accounting for one top-level item; its clock starts now.
func NewBudget(l Limits) *Budget {
	l = l.WithDefaults()
	return &Budget{lim: l, s: &budgetShared{deadline: time.Now().Add(l.Timeout)}}
}

// Limits returns the limits this budget enforces.
func (b *Budget) Limits() Limits { return b.lim }

// Depth is 0 for the top-level item and grows by one per Nest.
func (b *Budget) Depth() int { return b.depth }

// Deadline is when the top-level item's time runs out.
func (b *Budget) Deadline() time.Time { return b.s.deadline }

// Context derives a context that ends at the budget's deadline.
func (b *Budget) Context(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithDeadline(ctx, b.s.deadline)
}

// Nest returns the budget for one nested item: one level deeper, same counters and clock.
func (b *Budget) Nest() (*Budget, error) {
	if b.depth+1 > b.lim.MaxDepth {
		return nil, &LimitError{Limit: "limits.max_depth", Max: int64(b.lim.MaxDepth), Got: int64(b.depth + 1)}
	}
	return &Budget{lim: b.lim, depth: b.depth + 1, s: b.s}, nil
}

// AddExpanded charges n decoded or decompressed bytes against limits.max_total_size.
func (b *Budget) AddExpanded(n int64) error {
	got := b.s.expanded.Add(n)
	if got > b.lim.MaxTotalSize {
		return &LimitError{Limit: "limits.max_total_size", Max: b.lim.MaxTotalSize, Got: got}
	}
	return nil
}

// Expanded reports the bytes charged so far.
func (b *Budget) Expanded() int64 { return b.s.expanded.Load() }

// AddEntries charges n archive entries or MIME parts against limits.max_entries.
func (b *Budget) AddEntries(n int) error {
	got := b.s.entries.Add(int64(n))
	if got > int64(b.lim.MaxEntries) {
		return &LimitError{Limit: "limits.max_entries", Max: int64(b.lim.MaxEntries), Got: got}
	}
	return nil
}

// CheckFileSize checks one item's size against limits.max_file_size.
func (b *Budget) CheckFileSize(n int64) error {
	if n > b.lim.MaxFileSize {
		return &LimitError{Limit: "limits.max_file_size", Max: b.lim.MaxFileSize, Got: n}
	}
	return nil
}

// CheckPixels checks claimed image or page dimensions before anything is decoded.
func (b *Budget) CheckPixels(w, h int) error {
	if w < 0 || h < 0 {
		return fmt.Errorf("%w: negative dimensions %dx%d", ErrMalformed, w, h)
	}
	px := int64(w) * int64(h)
	if w != 0 && px/int64(w) != int64(h) || px > b.lim.MaxPixels {
		return &LimitError{Limit: "limits.max_pixels", Max: b.lim.MaxPixels, Got: px}
	}
	return nil
}

// CheckPages checks a document's page count.
func (b *Budget) CheckPages(n int) error {
	if n > b.lim.MaxPages {
		return &LimitError{Limit: "limits.max_pages", Max: int64(b.lim.MaxPages), Got: int64(n)}
	}
	return nil
}

// ratioExempt is the expansion below which the ratio is not judged. A bomb is dangerous
// for how much it expands, not for its ratio: ordinary parts compress far beyond the
// default 200 (XML boilerplate, a report of repeated lines at 342, an uncompressed PDF
// embedded in a pptx at 667) and cost a few MiB at most; limits.max_total_size bounds the
// sum of them. Bombs expand to gigabytes, and their first level already exceeds this.
const ratioExempt = 8 << 20

// CheckRatio checks one entry's expansion ratio. Entries expanding to less than 8 MiB are
// exempt (see ratioExempt).
func (b *Budget) CheckRatio(compressed, expanded int64) error {
	if expanded < ratioExempt {
		return nil
	}
	if compressed <= 0 {
		compressed = 1
	}
	if r := expanded / compressed; r > b.lim.MaxRatio {
		return &LimitError{Limit: "limits.max_ratio", Max: b.lim.MaxRatio, Got: r}
	}
	return nil
}

// Expand wraps a decompressing or decoding reader: every byte read is charged against
// limits.max_total_size, and at most max bytes may be read (limits.max_file_size when
// max <= 0) before the reader fails with a *LimitError. It is the one place nested
// families count real, not claimed, sizes.
func (b *Budget) Expand(r io.Reader, max int64) io.Reader {
	if max <= 0 {
		max = b.lim.MaxFileSize
	}
	return &expandReader{r: r, b: b, left: max, max: max}
}

type expandReader struct {
	r    io.Reader
	b    *Budget
	left int64
	max  int64
	err  error
}

func (e *expandReader) Read(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	if e.left <= 0 {
		// Probe one byte: a reader that is exactly at max and at EOF is fine.
		var one [1]byte
		n, err := e.r.Read(one[:])
		if n > 0 {
			e.err = &LimitError{Limit: "limits.max_file_size", Max: e.max, Got: e.max + 1}
			return 0, e.err
		}
		return 0, err
	}
	if int64(len(p)) > e.left {
		p = p[:e.left]
	}
	n, err := e.r.Read(p)
	e.left -= int64(n)
	if n > 0 {
		if cerr := e.b.AddExpanded(int64(n)); cerr != nil {
			e.err = cerr
			return n, cerr
		}
	}
	return n, err
}

// LimitWriter fails with a *LimitError named key once more than max bytes are written.
func LimitWriter(w io.Writer, max int64, key string) io.Writer {
	return &limitWriter{w: w, left: max, max: max, key: key}
}

type limitWriter struct {
	w    io.Writer
	left int64
	max  int64
	key  string
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > l.left {
		return 0, &LimitError{Limit: l.key, Max: l.max, Got: l.max - l.left + int64(len(p))}
	}
	n, err := l.w.Write(p)
	l.left -= int64(n)
	return n, err
}
