// Package sanitizetest is the conformance suite every sanitizer family must pass (in the
// manner of upspin's packtest): the invariants of the sanitize contract checked against a
// family's own corpus of real files.
package sanitizetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/sanitize"
)

// Options tune Run for one family.
type Options struct {
	// Reparse checks that an output is well-formed for the family, using a parser other than
	// the one the family writes with where one exists. Nil skips the check.
	Reparse func(out []byte) error
	// Detect sets Item.Detected before the call, as the engine would. Nil uses sanitize.Detect.
	Detect func(b sanitize.Blob) sanitize.Type
	// NotIdempotent lists corpus files whose output legitimately differs on a second pass.
	NotIdempotent []string
	// TruncationMayPass lets truncated input succeed (text formats have no end marker).
	TruncationMayPass bool
}

// Run checks s against every file in corpus (paths to real files). Files whose names start
// with "bad-" must be refused (an error); all others must yield output.
func Run(t *testing.T, s sanitize.Sanitizer, corpus []string, o Options) {
	t.Helper()
	if len(corpus) == 0 {
		t.Fatal("sanitizetest: empty corpus")
	}
	for _, file := range corpus {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			out, res, err := call(context.Background(), s, data, o, nil)
			if strings.HasPrefix(name, "bad-") {
				if err == nil && res.Verdict.HasOutput() {
					t.Fatalf("Sanitize(%s) = %s, want an error", name, res.Verdict)
				}
				checkNoPassThrough(t, data, out, err)
				return
			}
			if err != nil {
				t.Fatalf("Sanitize(%s) error: %v", name, err)
			}
			checkPaths(t, res)
			if o.Reparse != nil {
				if err := o.Reparse(out); err != nil {
					t.Fatalf("output of %s does not re-parse: %v", name, err)
				}
			}
			if !contains(o.NotIdempotent, name) {
				_, res2, err := call(context.Background(), s, out, o, nil)
				if err != nil {
					t.Fatalf("second pass over output of %s: %v", name, err)
				}
				if len(res2.Actions) != 0 || (res2.Verdict != "" && res2.Verdict != sanitize.Clean) {
					t.Fatalf("second pass over output of %s = %s %v, want clean with no actions", name, res2.Verdict, res2.Actions)
				}
			}
		})
		t.Run(name+"/canceled", func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			out, _, err := call(ctx, s, data, o, nil)
			if err == nil {
				t.Fatalf("Sanitize with a canceled context succeeded, want an error")
			}
			checkNoPassThrough(t, data, out, err)
		})
		t.Run(name+"/deadline", func(t *testing.T) {
			b := sanitize.NewBudget(sanitize.Limits{Timeout: time.Nanosecond})
			time.Sleep(time.Millisecond)
			ctx, cancel := b.Context(context.Background())
			defer cancel()
			_, _, err := call(ctx, s, data, o, b)
			if err == nil {
				t.Fatalf("Sanitize after the budget's deadline succeeded, want an error")
			}
		})
		if len(data) > 64 && !strings.HasPrefix(name, "bad-") {
			t.Run(name+"/truncated", func(t *testing.T) {
				for _, cut := range []int{len(data) / 3, len(data) / 2, len(data) - 7} {
					out, _, err := call(context.Background(), s, data[:cut], o, nil)
					if err == nil && !o.TruncationMayPass && o.Reparse != nil {
						if rerr := o.Reparse(out); rerr != nil {
							t.Fatalf("truncated at %d: output does not re-parse: %v", cut, rerr)
						}
					}
					checkNoPassThrough(t, data[:cut], out, err)
				}
			})
		}
	}
}

func call(ctx context.Context, s sanitize.Sanitizer, data []byte, o Options, b *sanitize.Budget) (out []byte, res sanitize.Result, err error) {
	if b == nil {
		b = sanitize.NewBudget(sanitize.Limits{})
	}
	in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item"}
	if o.Detect != nil {
		in.Detected = o.Detect(in.Body)
	} else {
		in.Detected = sanitize.Detect(in.Body)
	}
	var buf bytes.Buffer
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: %v", sanitize.ErrPanic, p)
		}
	}()
	res, err = s.Sanitize(ctx, in, &buf, b)
	return buf.Bytes(), res, err
}

func checkPaths(t *testing.T, res sanitize.Result) {
	t.Helper()
	for _, a := range res.Actions {
		if a.Path == "" || !strings.HasPrefix(a.Path, "item") {
			t.Errorf("action %+v has no path under the item's path", a)
		}
	}
}

// checkNoPassThrough fails if a refused input's bytes show up in the output: a family that
// errors may leave partial output (the engine discards it) but must never have copied the
// input through.
func checkNoPassThrough(t *testing.T, in, out []byte, err error) {
	t.Helper()
	if errors.Is(err, sanitize.ErrPanic) {
		t.Fatalf("sanitizer panicked: %v", err)
	}
	if err != nil && len(in) >= 64 && len(out) > 0 && bytes.Contains(out, in) {
		t.Fatalf("on error the output contains the whole input")
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Corpus globs files under dir, failing the test if none match.
func Corpus(t *testing.T, patterns ...string) []string {
	t.Helper()
	var files []string
	for _, p := range patterns {
		m, err := filepath.Glob(p)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatalf("no corpus files match %v", patterns)
	}
	return files
}
