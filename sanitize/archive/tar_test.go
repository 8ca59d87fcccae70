package archive

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// tarNames lists a tar or tar.gz output.
func tarNames(t testing.TB, out []byte) []string {
	t.Helper()
	var r io.Reader = bytes.NewReader(out)
	if zr, err := gzip.NewReader(bytes.NewReader(out)); err == nil {
		r = zr
	}
	tr := tar.NewReader(r)
	names := []string{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return names
		}
		if err != nil {
			t.Fatalf("output is not a tar: %v", err)
		}
		names = append(names, h.Name)
	}
}

func gunzip(t testing.TB, data []byte) (string, []byte) {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("output is not gzip: %v", err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return zr.Name, b
}

func TestTarAndCompressed(t *testing.T) {
	_, a := testEngine(t, sanitize.Limits{})
	tests := []struct {
		name    string
		data    []byte
		inName  string
		verdict sanitize.Verdict
		kept    []string // tar entries; nil for a single compressed payload
		payload string   // the gunzipped single payload
		outName string
	}{
		{name: "tar with traversal and links", data: corpusByName(t, "traversal.tar"), inName: "t.tar",
			verdict: sanitize.Sanitized, kept: []string{"ok/", "ok/readme.txt"}},
		{name: "tar.gz", data: corpusByName(t, "tree.tgz"), inName: "tree.tgz",
			verdict: sanitize.Clean, kept: []string{"docs/", "docs/a.txt", "docs/議事録.txt"}},
		{name: "GNU tar with ./ prefixes", data: readFile(t, "../../testdata/archive/gnutar.tar.gz"), inName: "g.tar.gz",
			verdict: sanitize.Sanitized, kept: []string{"議事録.txt", "docs/", "docs/readme.txt"}},
		{name: "tar.bz2 becomes tar.gz", data: readFile(t, "../../testdata/archive/tree.tar.bz2"), inName: "tree.tar.bz2",
			verdict: sanitize.Sanitized, kept: []string{"docs/", "docs/readme.txt"}, outName: "tree.tar.gz"},
		{name: "gzip of text", data: corpusByName(t, "note.txt.gz"), inName: "note.txt.gz",
			verdict: sanitize.Clean, payload: "a gzip'ed note\n"},
		{name: "gzip of CRLF text is normalized", data: gzipBytes(t, "", txt("line\r\nline\r\n")), inName: "crlf.txt.gz",
			verdict: sanitize.Sanitized, payload: "line\nline\n"},
		{name: "gzip of html becomes text", data: gzipBytes(t, "", txt("<html><body><p>hello</p></body></html>")), inName: "page.html.gz",
			verdict: sanitize.Sanitized, payload: "hello\n", outName: "page.txt.gz"},
		{name: "bzip2 becomes gzip", data: readFile(t, "../../testdata/archive/readme.txt.bz2"), inName: "readme.txt.bz2",
			verdict: sanitize.Sanitized, payload: "hello from the register\n", outName: "readme.txt.gz"},
		{name: "gzip of gzip", data: gzipBytes(t, "", corpusByName(t, "note.txt.gz")), inName: "note.txt.gz.gz",
			verdict: sanitize.Clean},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, res, err := run(t, a, tc.data, tc.inName, sanitize.Limits{})
			if err != nil {
				t.Fatalf("Sanitize(%s) error: %v", tc.inName, err)
			}
			if res.Verdict != tc.verdict || res.OutName != tc.outName {
				t.Errorf("Sanitize(%s) = %s, name %q; want %s, %q; actions %+v", tc.inName, res.Verdict, res.OutName, tc.verdict, tc.outName, res.Actions)
			}
			switch {
			case tc.kept != nil:
				if got := tarNames(t, out); !slices.Equal(got, tc.kept) {
					t.Errorf("Sanitize(%s) kept %q, want %q", tc.inName, got, tc.kept)
				}
			case tc.payload != "":
				if _, got := gunzip(t, out); string(got) != tc.payload {
					t.Errorf("Sanitize(%s) payload = %q, want %q", tc.inName, got, tc.payload)
				}
			}
		})
	}
}

func TestCompressedRefusals(t *testing.T) {
	_, a := testEngine(t, sanitize.Limits{})
	gz := corpusByName(t, "note.txt.gz")
	badCRC := bytes.Clone(gz)
	badCRC[len(badCRC)-8] ^= 0xff
	tests := []struct {
		name  string
		data  []byte
		is    error
		limit string
		text  string
	}{
		{name: "truncated gzip", data: gz[:len(gz)-6], is: sanitize.ErrMalformed, text: "malformed gzip"},
		{name: "gzip checksum", data: badCRC, is: sanitize.ErrMalformed, text: "malformed gzip"},
		{name: "gzip bomb", data: gzipBytes(t, "", make([]byte, 32<<20)), limit: "limits.max_ratio"},
		{name: "zstd", data: append([]byte{0x28, 0xb5, 0x2f, 0xfd}, make([]byte, 32)...), is: sanitize.ErrUnsupported, text: "unsupported archive: zstd"},
		{name: "7z reaching the family", data: append([]byte{'7', 'z', 0xbc, 0xaf, 0x27, 0x1c, 0, 4}, make([]byte, 32)...), is: sanitize.ErrUnsupported, text: "unsupported archive: 7z"},
		{name: "tar truncated mid-entry", data: corpusByName(t, "traversal.tar")[:1100], is: sanitize.ErrMalformed},
		{name: "tar entry over max_file_size", data: makeTar(t, false, reg("big.txt", strings.Repeat("x", 4096))), limit: "limits.max_file_size"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lim := sanitize.Limits{}
			if tc.limit == "limits.max_file_size" {
				lim.MaxFileSize = 1024
			}
			_, res, err := run(t, a, tc.data, "x", lim)
			if err == nil {
				t.Fatalf("Sanitize(%s) = %s, want an error", tc.name, res.Verdict)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("Sanitize(%s) error = %v, want %v", tc.name, err, tc.is)
			}
			var le *sanitize.LimitError
			if tc.limit != "" && (!errors.As(err, &le) || le.Limit != tc.limit) {
				t.Errorf("Sanitize(%s) error = %v, want limit %s", tc.name, err, tc.limit)
			}
			if !strings.Contains(err.Error(), tc.text) {
				t.Errorf("Sanitize(%s) error = %q, want %q", tc.name, err, tc.text)
			}
		})
	}
}

func TestIsTar(t *testing.T) {
	tr := makeTar(t, false, reg("a.txt", "x"))
	tests := []struct {
		name string
		data []byte
		want bool
	}{
		{"ustar header", tr, true},
		{"zero block", make([]byte, 512), false},
		{"short", tr[:100], false},
		{"text", bytes.Repeat([]byte("plain text "), 60), false},
		{"bad checksum", func() []byte { b := bytes.Clone(tr); b[0] ^= 1; return b }(), false},
	}
	for _, tc := range tests {
		if got := isTar(tc.data); got != tc.want {
			t.Errorf("isTar(%s) = %v, want %v", tc.name, got, tc.want)
		}
	}
}
