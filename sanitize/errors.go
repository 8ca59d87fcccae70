package sanitize

import (
	"errors"
	"fmt"
	"log/slog"
)

// Sentinel errors families wrap with %w so the engine and callers can classify a failure
// with errors.Is. The text after the sentinel is the operator-facing detail.
var (
	ErrEncrypted   = errors.New("encrypted")
	ErrUnsupported = errors.New("unsupported")
	ErrMalformed   = errors.New("malformed")
	ErrLimit       = errors.New("limit exceeded")
	ErrTimeout     = errors.New("timeout")
	ErrPanic       = errors.New("sanitizer crashed")
	ErrNoHandler   = errors.New("no sanitizer for type")
	// ErrNeedsRender says structural sanitizing cannot vouch for the item (a PDF image in a
	// format with no decoder here, such as JBIG2 or JPX) but rasterizing it can. The engine
	// hands the item to the renderer registered for its type, or quarantines it with the
	// error's text as the reason when none is.
	ErrNeedsRender = errors.New("needs render")
)

// LimitError says which configured limit stopped the work. Limit is the dotted
// configuration key (limits.max_pixels), so a quarantine reason tells the operator which
// knob to turn.
type LimitError struct {
	Limit string
	Max   int64
	Got   int64
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("limit exceeded: %s (max %d, got %d)", e.Limit, e.Max, e.Got)
}

// Is makes errors.Is(err, ErrLimit) true for every *LimitError.
func (e *LimitError) Is(target error) bool { return target == ErrLimit }

// LogValue keeps the fields structured in logs.
func (e *LimitError) LogValue() slog.Value {
	return slog.GroupValue(slog.String("limit", e.Limit), slog.Int64("max", e.Max), slog.Int64("got", e.Got))
}
