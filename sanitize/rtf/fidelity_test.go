package rtf

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/sekisho/sekisho/internal/testtool"
)

// TestFidelity: LibreOffice's text export of each real-producer RTF keeps at least 99% of
// its characters after sanitizing.
func TestFidelity(t *testing.T) {
	if testing.Short() {
		t.Skip("starts LibreOffice")
	}
	soffice := testtool.Need(t, "soffice")
	dir := t.TempDir()
	files := []string{"lo-ja-guide.rtf", "lo-plain.rtf", "lo-fields.rtf", "lo-large.rtf"}
	var inputs []string
	for _, name := range files {
		data, err := os.ReadFile(filepath.Join(corpusDir, name))
		if err != nil {
			t.Fatal(err)
		}
		out, _, err := run(t, data, Options{})
		if err != nil {
			t.Fatalf("Sanitize(%s): %v", name, err)
		}
		for side, b := range map[string][]byte{"before": data, "after": out} {
			p := filepath.Join(dir, side+"-"+name)
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
			inputs = append(inputs, p)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	args := append([]string{"-env:UserInstallation=file://" + filepath.Join(dir, "profile"), "--headless",
		"--convert-to", "txt:Text (encoded):UTF8", "--outdir", filepath.Join(dir, "txt")}, inputs...)
	if out, err := exec.CommandContext(ctx, soffice, args...).CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	for _, name := range files {
		read := func(side string) string {
			b, err := os.ReadFile(filepath.Join(dir, "txt", side+"-"+strings.TrimSuffix(name, ".rtf")+".txt"))
			if err != nil {
				t.Fatalf("LibreOffice did not export %s %s: %v", side, name, err)
			}
			return string(b)
		}
		have := map[rune]int{}
		for _, r := range read("after") {
			if !unicode.IsSpace(r) {
				have[r]++
			}
		}
		kept, total := 0, 0
		for _, r := range read("before") {
			if unicode.IsSpace(r) {
				continue
			}
			total++
			if have[r] > 0 {
				have[r]--
				kept++
			}
		}
		if total == 0 {
			t.Errorf("%s: no text before sanitizing", name)
			continue
		}
		ratio := float64(kept) / float64(total)
		t.Logf("%-16s %6d characters, %6.2f%% kept", name, total, 100*ratio)
		if ratio < 0.99 {
			t.Errorf("%s: %.2f%% of the characters kept, want at least 99%%", name, 100*ratio)
		}
	}
}
