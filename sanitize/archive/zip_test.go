package archive

import (
	"archive/zip"
	"bytes"
	"errors"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

func corpusByName(t testing.TB, name string) []byte {
	t.Helper()
	for _, c := range generated(t) {
		if c.name == name {
			return c.data
		}
	}
	if b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "archive", name)); err == nil {
		return b // committed, from a real tool
	}
	t.Fatalf("no generated or committed corpus file %s", name)
	return nil
}

// zipNames lists the entry names of a zip output, failing if it does not parse.
func zipNames(t testing.TB, out []byte) []string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(out), int64(len(out)))
	if err != nil {
		t.Fatalf("output is not a zip: %v", err)
	}
	names := []string{}
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	return names
}

func zipEntry(t testing.TB, out []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(out), int64(len(out)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.Open(name)
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// actionDetail returns the detail of the first action of kind at path, and whether
// there is one.
func actionDetail(res sanitize.Result, kind sanitize.ActionKind, path string) (string, bool) {
	for _, a := range res.Actions {
		if a.Kind == kind && a.Path == path {
			return a.Detail, true
		}
	}
	return "", false
}

func TestZipEntries(t *testing.T) {
	_, a := testEngine(t, sanitize.Limits{})
	type drop struct{ path, why string }
	tests := []struct {
		file    string
		verdict sanitize.Verdict
		kept    []string
		dropped []drop
		kinds   []sanitize.ActionKind // other actions that must be present
	}{
		{
			file: "traversal.zip", verdict: sanitize.Sanitized,
			kept: []string{"ok.txt", "dir/x.txt"},
			dropped: []drop{
				{"item/../../etc/passwd", "path traversal"},
				{"item//etc/cron.d/x", "absolute path"},
				{`item/C:\Windows\win.ini`, "drive letter"},
				{"item/C:evil.txt", "drive letter"},
				{`item/docs\..\..\x.txt`, "backslash"},
				{"item/CON.txt", "reserved device name CON"},
				{"item/sub/nul", "reserved device name NUL"},
				{`item/a\u0001b.txt`, "control character"},
				{`item/invoice\u202Etxt.exe`, "invisible format character"},
				{"item/trailing.txt.", "ends with a dot"},
				{"item/OK.TXT", "duplicate of ok.txt"},
				{"item/ok.txt/inside.txt", "its directory is the file ok.txt"},
			},
			kinds: []sanitize.ActionKind{sanitize.ActRenamed},
		},
		{
			file: "symlink-go.zip", verdict: sanitize.Sanitized, kept: []string{"readme.txt"},
			dropped: []drop{{"item/link", "symbolic link"}, {"item/fifo", "device or special file"}},
		},
		{
			file: "cp932-names.zip", verdict: sanitize.Sanitized, kept: []string{"会議資料.txt", "表/ソフト.csv", "ascii.txt"},
			kinds: []sanitize.ActionKind{sanitize.ActNormalizedCharset},
		},
		{
			file: "comments.zip", verdict: sanitize.Sanitized, kept: []string{"a.txt"},
			kinds: []sanitize.ActionKind{sanitize.ActRemovedMetadata},
		},
		{file: "stored.zip", verdict: sanitize.Clean, kept: []string{"dir/", "dir/a.txt", "dir/b.csv"}},
		{file: "empty.zip", verdict: sanitize.Clean, kept: []string{}},
		{
			file: "nested.zip", verdict: sanitize.Sanitized, kept: []string{"readme.txt", "docs/", "docs/inner.zip"},
			kinds: []sanitize.ActionKind{sanitize.ActRemovedMacros, sanitize.ActRenamed},
		},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			out, res, err := run(t, a, corpusByName(t, tc.file), tc.file, sanitize.Limits{})
			if err != nil {
				t.Fatalf("Sanitize(%s) error: %v", tc.file, err)
			}
			if res.Verdict != tc.verdict {
				t.Errorf("Sanitize(%s) verdict = %s, want %s; actions %+v", tc.file, res.Verdict, tc.verdict, res.Actions)
			}
			if got := zipNames(t, out); !slices.Equal(got, tc.kept) {
				t.Errorf("Sanitize(%s) kept %q, want %q", tc.file, got, tc.kept)
			}
			for _, d := range tc.dropped {
				detail, ok := actionDetail(res, sanitize.ActRemovedPart, d.path)
				if !ok || !strings.Contains(detail, d.why) {
					t.Errorf("Sanitize(%s): removed-part at %q = %q (found %v), want detail containing %q", tc.file, d.path, detail, ok, d.why)
				}
			}
			if n := countKind(res, sanitize.ActRemovedPart); n != len(tc.dropped) {
				t.Errorf("Sanitize(%s): %d removed-part actions, want %d: %+v", tc.file, n, len(tc.dropped), res.Actions)
			}
			for _, k := range tc.kinds {
				if countKind(res, k) == 0 {
					t.Errorf("Sanitize(%s): no %s action in %+v", tc.file, k, res.Actions)
				}
			}
		})
	}
}

func countKind(res sanitize.Result, k sanitize.ActionKind) int {
	n := 0
	for _, a := range res.Actions {
		if a.Kind == k {
			n++
		}
	}
	return n
}

// TestNestedPaths checks that recursion goes through the engine at every level and that
// the report names the part inside the nested archives.
func TestNestedPaths(t *testing.T) {
	_, a := testEngine(t, sanitize.Limits{})
	out, res, err := run(t, a, corpusByName(t, "nested.zip"), "outer.zip", sanitize.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	// The ooxml family, reached through the engine three levels down, removes the
	// macros and renames the output; the report names the part inside the nesting.
	const docm = "item/docs/inner.zip/deep.zip/a.docm"
	if _, ok := actionDetail(res, sanitize.ActRemovedMacros, docm+"/word/vbaProject.bin"); !ok {
		t.Fatalf("no removed-macros action for %s in %+v", docm, res.Actions)
	}
	if d, _ := actionDetail(res, sanitize.ActRenamed, docm); d != "output renamed to a.docx" {
		t.Errorf("rename of %s = %q, want output renamed to a.docx", docm, d)
	}
	inner := zipEntry(t, out, "docs/inner.zip")
	if got, want := zipNames(t, inner), []string{"table.csv", "会議メモ.txt", "deep.zip"}; !slices.Equal(got, want) {
		t.Errorf("inner zip holds %q, want %q", got, want)
	}
	deep := zipEntry(t, inner, "deep.zip")
	if got, want := zipNames(t, deep), []string{"a.docx", "note.txt"}; !slices.Equal(got, want) {
		t.Errorf("deep zip holds %q, want %q", got, want)
	}
	docx := zipEntry(t, deep, "a.docx")
	if parts := zipNames(t, docx); slices.Contains(parts, "word/vbaProject.bin") {
		t.Errorf("a.docx still holds vbaProject.bin: %q", parts)
	}
	if got := sanitize.Detect(bytes.NewReader(docx)).Name; got != "docx" {
		t.Errorf("cleaned document detects as %s, want docx", got)
	}
	if got := string(zipEntry(t, deep, "note.txt")); got != "deep note\n" {
		t.Errorf("deep note = %q", got)
	}
	if got := string(zipEntry(t, inner, "会議メモ.txt")); got != "日本語のメモ\n" {
		t.Errorf("Japanese entry = %q", got)
	}
}

// TestRefusals covers every input that must not produce output, and checks that the
// reason is the precise one: a named limit key, encryption, malformed structure.
func TestRefusals(t *testing.T) {
	_, a := testEngine(t, sanitize.Limits{})
	tests := []struct {
		file    string
		is      error  // errors.Is target, nil when a verdict is expected instead
		limit   string // *sanitize.LimitError key
		text    string // substring of the error or reason
		verdict sanitize.Verdict
	}{
		{file: "bad-all-exe.zip", verdict: sanitize.Blocked, text: "no entry could be made safe"},
		{file: "bad-payload-exe.gz", verdict: sanitize.Blocked, text: "extension .exe"},
		{file: "bad-zipcrypto-go.zip", is: sanitize.ErrEncrypted, text: "encrypted archive (ZipCrypto"},
		{file: "bad-aes.zip", is: sanitize.ErrEncrypted, text: "encrypted archive (AES"},
		{file: "bad-overlap-full.zip", is: sanitize.ErrMalformed, text: "full-overlap zip bomb"},
		{file: "bad-overlap-quoted.zip", is: sanitize.ErrMalformed, text: "quoted-overlap zip bomb"},
		{file: "bad-42.zip", limit: "limits.max_ratio", text: "item/lib2-0.zip/lib1-0.zip"},
		{file: "bad-ratio.zip", limit: "limits.max_ratio"},
		{file: "bad-million.zip", limit: "limits.max_entries", text: "got 1000000"},
		{file: "bad-cd-outside.zip", is: sanitize.ErrMalformed, text: "central directory outside the file"},
		{file: "bad-crc.zip", is: sanitize.ErrMalformed, text: "checksum mismatch"},
		{file: "bad-size-lie.zip", is: sanitize.ErrMalformed, text: "size does not match"},
		{file: "bad-truncated.zip", is: sanitize.ErrMalformed},
		{file: "bad-depth.zip", limit: "limits.max_depth"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			_, res, err := run(t, a, corpusByName(t, tc.file), tc.file, sanitize.Limits{})
			checkRefusal(t, tc.file, res, err, tc.is, tc.limit, tc.text, tc.verdict)
		})
	}
	for _, p := range committed(t) {
		if !strings.HasPrefix(p[strings.LastIndex(p, "/")+1:], "bad-") {
			continue
		}
		t.Run(p, func(t *testing.T) {
			_, res, err := run(t, a, readFile(t, p), "x", sanitize.Limits{})
			switch {
			case strings.HasSuffix(p, ".xz"):
				checkRefusal(t, p, res, err, sanitize.ErrUnsupported, "", "unsupported archive: xz", "")
			case strings.HasSuffix(p, "zipcrypto.zip"):
				checkRefusal(t, p, res, err, sanitize.ErrEncrypted, "", "encrypted archive (ZipCrypto", "")
			default:
				t.Fatalf("no expectation for committed %s", p)
			}
		})
	}
}

func checkRefusal(t *testing.T, file string, res sanitize.Result, err error, is error, limit, text string, verdict sanitize.Verdict) {
	t.Helper()
	if verdict != "" {
		if err != nil || res.Verdict != verdict {
			t.Fatalf("Sanitize(%s) = %s, %v; want verdict %s", file, res.Verdict, err, verdict)
		}
		if !strings.Contains(res.Reason, text) {
			t.Errorf("Sanitize(%s) reason = %q, want it to contain %q", file, res.Reason, text)
		}
		return
	}
	if err == nil {
		t.Fatalf("Sanitize(%s) = %s with no error, want a refusal", file, res.Verdict)
	}
	if is != nil && !errors.Is(err, is) {
		t.Errorf("Sanitize(%s) error = %v, want errors.Is %v", file, err, is)
	}
	if limit != "" {
		var le *sanitize.LimitError
		if !errors.As(err, &le) || le.Limit != limit {
			t.Errorf("Sanitize(%s) error = %v, want *LimitError %s", file, err, limit)
		}
	}
	if !strings.Contains(err.Error(), text) {
		t.Errorf("Sanitize(%s) error = %q, want it to contain %q", file, err, text)
	}
}

// TestOverlapBombsFoolArchiveZip shows that the overlap checks are what stops these
// inputs: archive/zip itself opens every entry and expands each to the whole kernel.
func TestOverlapBombsFoolArchiveZip(t *testing.T) {
	for _, file := range []string{"bad-overlap-full.zip", "bad-overlap-quoted.zip"} {
		t.Run(file, func(t *testing.T) {
			data := corpusByName(t, file)
			zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				t.Fatalf("archive/zip rejects %s: %v (the construction is broken)", file, err)
			}
			var total int64
			for _, f := range zr.File {
				rc, err := f.Open()
				if err != nil {
					t.Fatal(err)
				}
				n, err := io.Copy(io.Discard, rc)
				rc.Close()
				if err != nil {
					t.Fatalf("archive/zip reading %s/%s: %v (the construction is broken)", file, f.Name, err)
				}
				total += n
			}
			if ratio := total / int64(len(data)); ratio < 10 {
				t.Errorf("%s expands %d bytes into %d (ratio %d): not a bomb", file, len(data), total, ratio)
			}
		})
	}
}

// TestZip64 checks that a zip64 archive written by archive/zip (forced by a large
// central directory offset is impractical, so by a zip64 end record) is read.
func TestZip64(t *testing.T) {
	_, a := testEngine(t, sanitize.Limits{})
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	// archive/zip writes zip64 extras when the declared size needs them; a stored entry
	// declared above 4 GiB cannot be produced cheaply, so patch the records instead.
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "a.txt", Method: zip.Deflate, Modified: modTime})
	w.Write(txt("zip64 text\n"))
	zw.Close()
	z64 := toZip64(t, buf.Bytes())
	if _, err := zip.NewReader(bytes.NewReader(z64), int64(len(z64))); err != nil {
		t.Fatalf("archive/zip rejects the zip64 test file: %v", err)
	}
	out, res, err := run(t, a, z64, "z64.zip", sanitize.Limits{})
	if err != nil {
		t.Fatalf("Sanitize(zip64) error: %v", err)
	}
	if res.Verdict != sanitize.Clean || string(zipEntry(t, out, "a.txt")) != "zip64 text\n" {
		t.Errorf("Sanitize(zip64) = %s %+v", res.Verdict, res.Actions)
	}
}

// TestRenamedOutputs checks that an output the inner family renamed (HTML becomes text)
// is stored under its new name, and that a later entry that wanted that name gets a free
// one instead of being lost or overwriting it.
func TestRenamedOutputs(t *testing.T) {
	_, a := testEngine(t, sanitize.Limits{})
	z := makeZip(t,
		zfile{name: "web/page.html", body: txt("<html><body><p>hello</p></body></html>")},
		zfile{name: "web/page.txt", body: txt("already text\n")},
		zfile{name: "sjis.txt", body: []byte("\x8b\x63\x8e\x96\x98\x5e\r\n")},
	)
	out, res, err := run(t, a, z, "site.zip", sanitize.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := zipNames(t, out), []string{"web/page.txt", "web/page (2).txt", "sjis.txt"}; !slices.Equal(got, want) {
		t.Fatalf("names = %q, want %q", got, want)
	}
	if got := string(zipEntry(t, out, "web/page (2).txt")); got != "already text\n" {
		t.Errorf("the displaced entry holds %q", got)
	}
	if got := string(zipEntry(t, out, "sjis.txt")); got != "議事録\n" {
		t.Errorf("CP932 content = %q, want it converted by the text family", got)
	}
	for _, p := range []string{"item/web/page.html", "item/web/page.txt"} {
		if _, ok := actionDetail(res, sanitize.ActRenamed, p); !ok {
			t.Errorf("no renamed action at %s in %+v", p, res.Actions)
		}
	}
	if res.Verdict != sanitize.Sanitized {
		t.Errorf("verdict = %s, want sanitized", res.Verdict)
	}
	_, res2, err := run(t, a, out, "site.zip", sanitize.Limits{})
	if err != nil || res2.Verdict != sanitize.Clean || len(res2.Actions) != 0 {
		t.Errorf("second pass = %s %+v %v, want clean with no actions", res2.Verdict, res2.Actions, err)
	}
}

// TestThroughEngine checks the family as the engine runs it: the quarantine reason of a
// refused archive names the limit key or says "encrypted archive", and a clean archive
// passes with its output written.
func TestThroughEngine(t *testing.T) {
	e, _ := testEngine(t, sanitize.Limits{})
	tests := []struct {
		file, verdict, reason string
	}{
		{"bad-42.zip", "quarantined", "limits.max_ratio"},
		{"bad-million.zip", "quarantined", "limits.max_entries"},
		{"bad-depth.zip", "quarantined", "limits.max_depth"},
		{"bad-zipcrypto-go.zip", "quarantined", "encrypted archive"},
		{"bad-overlap-quoted.zip", "quarantined", "quoted-overlap zip bomb"},
		{"bad-all-exe.zip", "blocked", "no entry could be made safe"},
		{"stored.zip", "clean", ""},
		{"nested.zip", "sanitized", ""},
		// Tolerant readers, each from Info-ZIP: an archive whose one entry is empty, an
		// archive behind a 2000-byte header with data descriptors, and a 4 MiB report of
		// repeated lines compressed 342:1, which is not a bomb.
		{"only-empty.zip", "clean", ""},
		{"prefixed-descriptor.zip", "sanitized", ""},
		{"ratio-4mib.zip", "clean", ""},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			var out bytes.Buffer
			in := &sanitize.Item{Body: bytes.NewReader(corpusByName(t, tc.file)), Path: "attachment[1]/" + tc.file, Name: tc.file}
			res, err := e.Sanitize(t.Context(), in, &out, nil)
			if err != nil {
				t.Fatal(err)
			}
			if string(res.Verdict) != tc.verdict || !strings.Contains(res.Reason, tc.reason) {
				t.Errorf("engine: %s = %s %q, want %s with reason containing %q", tc.file, res.Verdict, res.Reason, tc.verdict, tc.reason)
			}
			if res.Verdict.HasOutput() != (out.Len() > 0) {
				t.Errorf("engine: %s verdict %s with %d output bytes", tc.file, res.Verdict, out.Len())
			}
		})
	}
}

// TestDirectoryWithData checks that bytes hidden in a directory entry are not carried
// over silently: the entry is dropped and reported.
func TestDirectoryWithData(t *testing.T) {
	_, a := testEngine(t, sanitize.Limits{})
	// archive/zip's writer refuses data for a directory, so the file is laid out by hand.
	var z, cd []byte
	for _, e := range []struct{ name, data string }{{"hidden/", "payload"}, {"a.txt", "a\n"}} {
		crc, n := crc32.ChecksumIEEE(txt(e.data)), uint32(len(e.data))
		cd = append(cd, centralHeader(e.name, zip.Store, crc, n, n, uint32(len(z)))...)
		z = append(append(z, localHeader(e.name, zip.Store, crc, n, n)...), e.data...)
	}
	z = append(append(z, cd...), endRecord(2, uint32(len(cd)), uint32(len(z)))...)
	out, res, err := run(t, a, z, "d.zip", sanitize.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := zipNames(t, out), []string{"a.txt"}; !slices.Equal(got, want) {
		t.Errorf("names = %q, want %q", got, want)
	}
	if d, _ := actionDetail(res, sanitize.ActRemovedPart, "item/hidden/"); d != "directory entry carrying data" {
		t.Errorf("removed-part detail = %q; actions %+v", d, res.Actions)
	}
}
