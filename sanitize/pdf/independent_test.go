package pdf

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
)

// riskyNames are the PDF names that must not survive sanitizing, in any spelling.
var riskyNames = []string{
	"JavaScript", "JS", "OpenAction", "AA", "Launch", "SubmitForm", "ImportData", "ResetForm",
	"GoToR", "GoToE", "GoToDp", "Rendition", "Movie", "XFA", "EmbeddedFile", "EmbeddedFiles",
	"FileAttachment", "RichMedia", "RichMediaContent", "RichMediaSettings", "RichMediaExecute",
	"OnInstantiate", "3DD",
}

// nameToken matches a PDF name as written: a solidus and regular characters (7.3.5).
var nameToken = regexp.MustCompile(`/[^\x00\t\n\f\r ()<>\[\]{}/%]*`)

// riskyIn lists the risky names in a PDF file, after expanding it with qpdf so that object
// streams and compressed streams are plain text, and decoding #xx escapes itself. It shares
// no code with the sanitizer.
func riskyIn(t *testing.T, qpdf, file string) []string {
	t.Helper()
	expanded := filepath.Join(t.TempDir(), "expanded.pdf")
	out, err := exec.Command(qpdf, "--qdf", "--object-streams=disable", "--decode-level=all", file, expanded).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 3 {
		err = nil // warnings only
	}
	if err != nil {
		t.Fatalf("qpdf --qdf %s: %v\n%s", filepath.Base(file), err, out)
	}
	data := readFile(t, expanded)
	var found []string
	for _, tok := range nameToken.FindAll(data, -1) {
		name := decodeHex(string(tok[1:]))
		if slices.Contains(riskyNames, name) || strings.HasPrefix(name, "RichMedia") {
			found = append(found, string(tok))
		}
	}
	if bytes.Contains(bytes.ToLower(data), []byte("javascript:")) {
		found = append(found, "javascript: URI")
	}
	return found
}

func decodeHex(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '#' && i+2 < len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				b.WriteByte(byte(v))
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func TestDecodeHex(t *testing.T) {
	tests := []struct{ in, want string }{
		{"J#61vaScript", "JavaScript"},
		{"O#70enAction", "OpenAction"},
		{"#4A#53", "JS"},
		{"A#", "A#"},
		{"A#4", "A#4"},
		{"A#zz", "A#zz"},
	}
	for _, tc := range tests {
		if got := decodeHex(tc.in); got != tc.want {
			t.Errorf("decodeHex(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestIndependent checks every sanitized corpus file with tools that share no code with
// pdfcpu: qpdf (no risky name left in any spelling), pdfinfo (same page count), pdftoppm
// (every page renders) and pdftotext (same text).
func TestIndependent(t *testing.T) {
	qpdf := testtool.Need(t, "qpdf")
	pdfinfo := testtool.Need(t, "pdfinfo")
	pdftoppm := testtool.Need(t, "pdftoppm")
	pdftotext := testtool.Need(t, "pdftotext")
	s := New(Options{})
	for _, file := range corpusFiles(t) {
		name := filepath.Base(file)
		if isBad(name) || isNeedsRender(name) {
			continue
		}
		t.Run(name, func(t *testing.T) {
			// The check must be able to fail: every hostile input carries a risky name.
			if strings.HasPrefix(name, "hostile-") && name != "hostile-zip-appended.pdf" && name != "hostile-named.pdf" {
				if got := riskyIn(t, qpdf, file); len(got) == 0 {
					t.Fatalf("riskyIn(input %s) found nothing; the checker is blind", name)
				}
			}
			out, _, err := run(t, s, readFile(t, file))
			if err != nil {
				t.Fatal(err)
			}
			sanitized := filepath.Join(t.TempDir(), "out.pdf")
			if err := os.WriteFile(sanitized, out, 0o644); err != nil {
				t.Fatal(err)
			}
			if got := riskyIn(t, qpdf, sanitized); len(got) > 0 {
				t.Errorf("sanitized %s still contains %v", name, got)
			}
			inPages, outPages := pages(t, pdfinfo, file), pages(t, pdfinfo, sanitized)
			if inPages != outPages {
				t.Errorf("pdfinfo pages of sanitized %s = %d, want %d", name, outPages, inPages)
			}
			if outPages <= 10 {
				dir := t.TempDir()
				if msg, err := exec.Command(pdftoppm, "-r", "10", "-gray", sanitized, filepath.Join(dir, "p")).CombinedOutput(); err != nil {
					t.Fatalf("pdftoppm: %v\n%s", err, msg)
				}
				rendered, _ := filepath.Glob(filepath.Join(dir, "p*"))
				if len(rendered) != inPages {
					t.Errorf("pdftoppm rendered %d pages of sanitized %s, want %d", len(rendered), name, inPages)
				}
			}
			if inText, outText := text(t, pdftotext, file), text(t, pdftotext, sanitized); inText != outText {
				t.Errorf("pdftotext of sanitized %s differs from the input's:\ngot:  %q\nwant: %q", name, short(outText), short(inText))
			}
		})
	}
}

// TestJapaneseTextSurvives checks the sentences of the Japanese sample by their content, not
// only by equality with the input's extraction.
func TestJapaneseTextSurvives(t *testing.T) {
	pdftotext := testtool.Need(t, "pdftotext")
	out, _, err := run(t, New(Options{}), readFile(t, filepath.Join(corpusDir, "ja-multipage.pdf")))
	if err != nil {
		t.Fatal(err)
	}
	sanitized := filepath.Join(t.TempDir(), "out.pdf")
	if err := os.WriteFile(sanitized, out, 0o644); err != nil {
		t.Fatal(err)
	}
	got := text(t, pdftotext, sanitized)
	for _, want := range []string{
		"第一章 申請手続きについて",
		"本書は自治体の情報セキュリティ対策を説明するための試験用文書です。",
		"インターネットから届いた添付ファイルは、無害化処理を経てから職員の端末に配信されます。",
		"受付時間は平日の午前八時三十分から午後五時十五分までです。",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("pdftotext of sanitized ja-multipage.pdf lacks %q; got %q", want, short(got))
		}
	}
}

func pages(t *testing.T, pdfinfo, file string) int {
	t.Helper()
	out, err := exec.Command(pdfinfo, file).Output()
	if err != nil {
		t.Fatalf("pdfinfo %s: %v", filepath.Base(file), err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "Pages:"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				t.Fatalf("pdfinfo %s: %q", filepath.Base(file), line)
			}
			return n
		}
	}
	t.Fatalf("pdfinfo %s: no page count in %q", filepath.Base(file), out)
	return 0
}

func text(t *testing.T, pdftotext, file string) string {
	t.Helper()
	out, err := exec.Command(pdftotext, "-enc", "UTF-8", file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", filepath.Base(file), err)
	}
	return string(out)
}

func short(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}
