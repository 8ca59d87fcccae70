package mail

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
)

// FuzzSanitize drives the MIME walk with mutated corpus messages. Properties: no panic,
// an error or an output that the independent parser reads, within the Budget, that
// sanitizes again unchanged.
func FuzzSanitize(f *testing.F) {
	for _, name := range corpusNames(f) {
		f.Add(readCorpus(f, name))
	}
	// The real corpus seeds what real mailers write, quirks included.
	real, _ := filepath.Glob(filepath.Join(realDir, "*", "*.eml"))
	more, _ := filepath.Glob(filepath.Join(realDir, "*", "*", "*.eml"))
	for _, p := range append(real, more...) {
		f.Add(readCorpus(f, strings.TrimPrefix(p, corpusDir+"/")))
	}
	_, s := testEngine(f, Options{MaxParts: 200})
	f.Fuzz(func(t *testing.T, data []byte) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		lim := sanitize.Limits{MaxFileSize: 4 << 20, MaxTotalSize: 16 << 20, MaxEntries: 500}
		in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item"}
		var out bytes.Buffer
		_, err := s.Sanitize(context.Background(), in, &out, sanitize.NewBudget(lim))
		if err != nil {
			return
		}
		if int64(out.Len()) > lim.MaxFileSize {
			t.Fatalf("output of %d bytes exceeds limits.max_file_size", out.Len())
		}
		if _, perr := parseIndependent(out.Bytes()); perr != nil {
			t.Fatalf("output does not parse: %v\n%q", perr, out.Bytes())
		}
		// A fixed point: the output sanitizes again as clean, with no action, and the same
		// bytes apart from the status fields, which report the pass that wrote them.
		var out2 bytes.Buffer
		res2, err := s.Sanitize(context.Background(), &sanitize.Item{Body: bytes.NewReader(out.Bytes()), Path: "item"}, &out2, sanitize.NewBudget(lim))
		if err != nil {
			t.Fatalf("second pass: %v\n%q", err, out.Bytes())
		}
		if res2.Verdict != sanitize.Clean || len(res2.Actions) != 0 {
			t.Fatalf("second pass = %s %+v, want clean with no actions\n%q", res2.Verdict, res2.Actions, out.Bytes())
		}
		if a, b := withoutStatus(out.Bytes()), withoutStatus(out2.Bytes()); !bytes.Equal(a, b) {
			t.Fatalf("second pass changed the output\nfirst:  %q\nsecond: %q", a, b)
		}
	})
}

// FuzzHeaderDecode checks header and parameter decoding: no panic, valid UTF-8, no
// control characters that could break a header line.
func FuzzHeaderDecode(f *testing.F) {
	for _, name := range corpusNames(f) {
		for _, l := range bytes.Split(readCorpus(f, name), []byte("\r\n")) {
			if bytes.HasPrefix(l, []byte("Subject:")) || bytes.HasPrefix(l, []byte("Content-")) || bytes.HasPrefix(l, []byte(" filename")) {
				if _, v, ok := bytes.Cut(l, []byte(":")); ok {
					f.Add(v)
				} else {
					f.Add(l)
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		if s, _, err := decodeHeaderText(raw); err == nil {
			checkClean(t, s)
		}
		if mv, _, err := parseMedia(raw, false); err == nil {
			for k, v := range mv.params {
				if k != "boundary" {
					checkClean(t, v)
				}
			}
		}
	})
}

func checkClean(t *testing.T, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("decoded value is not UTF-8: %q", s)
	}
	if strings.ContainsAny(s, "\r\n\x00") {
		t.Fatalf("decoded value has a line break or NUL: %q", s)
	}
}

func corpusNames(t testing.TB) []string {
	var out []string
	for _, f := range corpusFiles(t) {
		out = append(out, filepath.Base(f))
	}
	return out
}

// FuzzAddressHeader checks the address reader and writer: no panic, a header value
// without line breaks or controls, and a fixed point (writing the output again gives the
// same value and no action).
func FuzzAddressHeader(f *testing.F) {
	for _, name := range corpusNames(f) {
		for _, l := range bytes.Split(readCorpus(f, name), []byte("\r\n")) {
			for _, k := range []string{"From:", "To:", "Cc:", "Reply-To:"} {
				if v, ok := bytes.CutPrefix(l, []byte(k)); ok {
					f.Add(v)
				}
			}
		}
	}
	for _, s := range []string{"me", "Big Bug bb@bug.com", `Pete(A wonderful \) chap) <pete(his account)@silly.test(his host)>`,
		"A Group:Chris Jones <c@public.example>,joe@example.org;", "<@a,@b:c@d>", `"a\"b"@c`, "=?utf-8?q?a,_b?= <c@d>"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		if len(raw) > 4096 {
			return
		}
		j, _ := testJob()
		got := j.addressHeader(raw, "item/header/to")
		if strings.ContainsAny(got, "\r\n\x00") || hasControl(got) || !utf8.ValidString(got) {
			t.Fatalf("addressHeader(%q) = %q: a line break, control or invalid UTF-8", raw, got)
		}
		if got == "" {
			return
		}
		j2, res2 := testJob()
		if again := j2.addressHeader([]byte(got), "item/header/to"); again != got || len(res2.Actions) > 0 {
			t.Fatalf("addressHeader(%q) = %q, then %q with %+v: not a fixed point", raw, got, again, res2.Actions)
		}
	})
}
