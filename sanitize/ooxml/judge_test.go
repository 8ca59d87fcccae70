package ooxml

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/internal/testtool"
)

// The independent judges of sanitized outputs: python3's zipfile and xml.etree (a parser
// that shares no code with this package), and LibreOffice, whose own reading of the file
// is exported as ODF (formulas, fields and links as it understood them), HTML (link
// targets), text and CSV (what a reader sees).

// judged is one sanitized output: markers must appear nowhere in it, neither in its XML
// nor in LibreOffice's exports of it; text must still show in LibreOffice's text export.
type judged struct {
	name    string // unique, with the extension of the output type
	data    []byte
	markers []string
	text    []string
}

// judge writes every output to a temporary folder and runs both judges on all of them.
// LibreOffice runs once per export format, for every file at once (each start costs
// seconds); under -short or -race only the python judge runs (see raceEnabled).
func judge(t *testing.T, items []judged) {
	t.Helper()
	py := testtool.Need(t, "python3")
	dir := t.TempDir()
	spec := map[string][]string{}
	for _, it := range items {
		p := filepath.Join(dir, it.name)
		if err := os.WriteFile(p, it.data, 0o644); err != nil {
			t.Fatal(err)
		}
		spec[p] = it.markers
	}
	if !testing.Short() && !raceEnabled {
		soffice := testtool.Need(t, "soffice")
		// Outputs that are byte for byte the same (a position whose payloads all leave the
		// same document behind) are read by LibreOffice once, against all their markers.
		type group struct {
			path          string
			markers, text []string
		}
		groups := map[[32]byte]*group{}
		var order []*group
		for _, it := range items {
			sum := sha256.Sum256(it.data)
			g := groups[sum]
			if g == nil {
				g = &group{path: filepath.Join(dir, it.name)}
				groups[sum] = g
				order = append(order, g)
			}
			g.markers = append(g.markers, it.markers...)
			g.text = append(g.text, it.text...)
		}
		exports := map[string][]*group{} // format -> inputs
		for _, g := range order {
			switch filepath.Ext(g.path) {
			case ".docx", ".odt", ".docm", ".dotx":
				exports["html"] = append(exports["html"], g)
				exports["txt:Text (encoded):UTF8"] = append(exports["txt:Text (encoded):UTF8"], g)
				exports["odt"] = append(exports["odt"], g)
			case ".xlsx", ".ods", ".xlsm":
				exports["ods"] = append(exports["ods"], g)
				exports[`csv:Text - txt - csv (StarCalc):44,34,76`] = append(exports[`csv:Text - txt - csv (StarCalc):44,34,76`], g)
			case ".pptx", ".odp":
				exports["odp"] = append(exports["odp"], g)
			}
		}
		texts := map[*group]string{}
		for format, gs := range exports {
			ext := strings.SplitN(format, ":", 2)[0]
			out := filepath.Join(dir, "lo-"+ext)
			var inputs []string
			for _, g := range gs {
				inputs = append(inputs, g.path)
			}
			soffice1(t, soffice, dir, format, out, inputs)
			for _, g := range gs {
				base := strings.TrimSuffix(filepath.Base(g.path), filepath.Ext(g.path))
				got := filepath.Join(out, base+"."+ext)
				if _, err := os.Stat(got); err != nil {
					// A long batch sometimes loses a file; only a file that fails alone
					// is a failure.
					soffice1(t, soffice, dir, format, out, []string{g.path})
				}
				if _, err := os.Stat(got); err != nil {
					t.Errorf("LibreOffice could not export %s as %s", filepath.Base(g.path), ext)
					continue
				}
				switch ext {
				case "txt", "csv":
					b, _ := os.ReadFile(got)
					texts[g] += string(b) + "\n"
				default:
					spec[got] = g.markers
				}
			}
		}
		for _, g := range order {
			got, ok := texts[g]
			got = strings.Join(strings.Fields(got), " ")
			for _, w := range g.text {
				if ok && !strings.Contains(got, w) {
					t.Errorf("LibreOffice's text of %s lacks %q; got %q", filepath.Base(g.path), w, clip(got))
				}
			}
		}
	}
	for p, f := range inspect(t, py, dir, spec) {
		for _, x := range f {
			t.Errorf("%s: %s", strings.TrimPrefix(p, dir+"/"), x)
		}
	}
}

// inspect runs testdata/inspect.py on spec (file -> markers) and returns its findings.
func inspect(t *testing.T, py, dir string, spec map[string][]string) map[string][]string {
	t.Helper()
	specFile := filepath.Join(dir, "spec.json")
	b, _ := json.Marshal(spec)
	if err := os.WriteFile(specFile, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, "testdata/inspect.py", specFile).Output()
	if err != nil {
		t.Fatalf("inspect.py: %v", err)
	}
	var found map[string][]string
	if err := json.Unmarshal(out, &found); err != nil {
		t.Fatalf("inspect.py output: %v", err)
	}
	if len(found) != len(spec) {
		t.Fatalf("inspect.py judged %d files, want %d", len(found), len(spec))
	}
	return found
}

// soffice1 runs one LibreOffice conversion of inputs to format into out.
func soffice1(t *testing.T, soffice, dir, format, out string, inputs []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	args := []string{"-env:UserInstallation=file://" + filepath.Join(dir, "profile"), "--headless", "--norestore",
		"--convert-to", format, "--outdir", out}
	cmd := exec.CommandContext(ctx, soffice, append(args, inputs...)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice --convert-to %s: %v\n%s", format, err, b)
	}
}

// uniq names the n-th output of a generated set.
func uniq(n int, name string) string { return fmt.Sprintf("%03d-%s", n, name) }
