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
// an error or an output that the independent parser reads, within the Budget.
func FuzzSanitize(f *testing.F) {
	for _, name := range corpusNames(f) {
		f.Add(readCorpus(f, name))
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
