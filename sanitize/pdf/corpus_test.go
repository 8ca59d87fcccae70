package pdf

import (
	"bytes"
	"flag"

	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"

	"github.com/sekisho/sekisho/internal/testtool"
)

var update = flag.Bool("update", false, "rewrite golden reports and the generated corpus files")

// corpusDir is the shared corpus of real and hostile PDFs (see its README.md).
const corpusDir = "../../testdata/pdf"

func TestMain(m *testing.M) {
	// The binary does this once in main; tests must never touch the per-user config dir.
	api.DisableConfigDir()
	os.Exit(m.Run())
}

// TestGeneratedCorpus keeps the committed hostile samples equal to what hostileFiles
// builds, so the README's description of each stays true. With -update it (re)writes them
// and the samples derived with real tools (qpdf, zip).
func TestGeneratedCorpus(t *testing.T) {
	files := hostileFiles()
	names := slices.Sorted(mapKeys(files))
	for _, name := range names {
		path := filepath.Join(corpusDir, name)
		if *update {
			if err := os.WriteFile(path, files[name], 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v (run go test -run TestGeneratedCorpus -update)", name, err)
		}
		if !bytes.Equal(got, files[name]) {
			t.Errorf("%s differs from hostileFiles(); run go test -run TestGeneratedCorpus -update", name)
		}
	}
	if *update {
		writeDerived(t)
	}
}

// writeDerived makes the samples that need real tools: an object-stream file by qpdf,
// encrypted files by qpdf, a PDF with a ZIP appended by zip, and broken files.
func writeDerived(t *testing.T) {
	qpdf := testtool.Need(t, "qpdf")
	zip := testtool.Need(t, "zip")
	dir := t.TempDir()
	in := func(name string) string { return filepath.Join(corpusDir, name) }
	run := func(name string, args ...string) {
		t.Helper()
		out, err := exec.Command(name, args...).CombinedOutput()
		// qpdf exits 3 for warnings only.
		if ee, ok := err.(*exec.ExitError); ok && filepath.Base(name) == "qpdf" && ee.ExitCode() == 3 {
			err = nil
		}
		if err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
	}
	run(qpdf, "--deterministic-id", "--object-streams=generate", "--compress-streams=y",
		in("hostile-js-openaction.pdf"), in("hostile-js-objstm.pdf"))
	run(qpdf, "--encrypt", "", "owner-secret", "256", "--", in("text-1p.pdf"), in("bad-encrypted-empty-userpw.pdf"))
	run(qpdf, "--encrypt", "user-secret", "owner-secret", "128", "--use-aes=y", "--", in("text-1p.pdf"), in("bad-encrypted-userpw.pdf"))

	payload := filepath.Join(dir, "payload.js")
	if err := os.WriteFile(payload, []byte("WScript.Echo('appended');\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	zipFile := filepath.Join(dir, "payload.zip")
	run(zip, "-X", "-j", "-q", zipFile, payload)
	pdf, err := os.ReadFile(in("text-1p.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	z, err := os.ReadFile(zipFile)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, data []byte) {
		t.Helper()
		if err := os.WriteFile(in(name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("hostile-zip-appended.pdf", append(append([]byte(nil), pdf...), z...))

	ja, err := os.ReadFile(in("ja-multipage.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	write("bad-truncated.pdf", ja[:len(ja)/8])
	write("bad-header-only.pdf", []byte("%PDF-1.7\n%%EOF\n"))
	garbage := []byte("%PDF-1.4\n")
	x := uint32(2463534242)
	for range 2048 {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		garbage = append(garbage, byte(x))
	}
	write("bad-garbage.pdf", garbage)
}

func mapKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// corpusFiles lists testdata/pdf/*.pdf, failing if it is empty.
func corpusFiles(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(corpusDir, "*.pdf"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus in %s: %v", corpusDir, err)
	}
	return files
}

func isBad(path string) bool { return strings.HasPrefix(filepath.Base(path), "bad-") }

// needsRender says a file carries content no decoder here reads: this family refuses it
// with sanitize.ErrNeedsRender, the renderer takes it.
func isNeedsRender(path string) bool { return strings.HasPrefix(filepath.Base(path), "needsrender-") }

// conformanceFiles are the corpus files the conformance suite judges: good ones must
// come out, bad ones must be refused.
func conformanceFiles(t testing.TB) []string {
	var out []string
	for _, f := range corpusFiles(t) {
		if !isNeedsRender(f) {
			out = append(out, f)
		}
	}
	return out
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
