package pdf

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
)

// The judges below read a PDF with tools that share no code with the sanitizer or with
// pdfcpu, and resolve every reference before they look at a value: what they report is
// what a viewer would act on.

// qpdfObjects reads every object of a file with `qpdf --json`, keyed "N G R", plus
// "trailer".
func qpdfObjects(t *testing.T, file string) map[string]any {
	t.Helper()
	qpdf := testtool.Need(t, "qpdf")
	out, err := exec.Command(qpdf, "--json=2", "--json-key=qpdf", file).Output()
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 3 {
		err = nil // warnings only
	}
	if err != nil {
		t.Fatalf("qpdf --json %s: %v", filepath.Base(file), err)
	}
	var doc struct {
		QPDF []json.RawMessage `json:"qpdf"`
	}
	if err := json.Unmarshal(out, &doc); err != nil || len(doc.QPDF) < 2 {
		t.Fatalf("qpdf --json %s: %v", filepath.Base(file), err)
	}
	var raw map[string]map[string]any
	if err := json.Unmarshal(doc.QPDF[1], &raw); err != nil {
		t.Fatalf("qpdf --json %s: %v", filepath.Base(file), err)
	}
	objs := map[string]any{}
	for k, v := range raw {
		k = strings.TrimPrefix(k, "obj:")
		if s, ok := v["stream"].(map[string]any); ok {
			objs[k] = s["dict"]
		} else {
			objs[k] = v["value"]
		}
	}
	return objs
}

// riskyActions are action types no output may hold; riskySubtypes annotation and XObject
// types; riskyKeys keys.
var (
	riskyActions = []string{"JavaScript", "ECMAScript", "Launch", "SubmitForm", "ImportData", "ResetForm",
		"GoToR", "GoToE", "GoToDp", "Rendition", "Sound", "Movie", "Hide", "SetOCGState", "Trans",
		"GoTo3DView", "RichMediaExecute", "Thread"}
	riskySubtypes = []string{"3D", "RichMedia", "Screen", "Movie", "Sound", "FileAttachment", "PS", "Redact"}
	riskyKeys     = []string{"JS", "JavaScript", "AA", "OpenAction", "EmbeddedFiles", "EF", "RF", "XFA",
		"OnInstantiate", "3DD", "3DA", "RichMediaContent", "RichMediaSettings", "Collection", "AF"}
	riskyFilters = []string{"JBIG2Decode", "JPXDecode"}
)

// judgeQPDF lists what a viewer could act on in file, every value resolved.
func judgeQPDF(t *testing.T, file string) []string {
	t.Helper()
	objs := qpdfObjects(t, file)
	resolve := func(v any) any {
		for range 32 {
			s, ok := v.(string)
			if !ok || !strings.HasSuffix(s, " R") {
				return v
			}
			v = objs[s]
		}
		return nil
	}
	nameOf := func(v any) string {
		s, _ := resolve(v).(string)
		if strings.HasPrefix(s, "/") {
			return s[1:]
		}
		return ""
	}
	var found []string
	seen := map[string]bool{}
	var visit func(where string, v any, depth int)
	visit = func(where string, v any, depth int) {
		if depth > 200 {
			return
		}
		if s, ok := v.(string); ok && strings.HasSuffix(s, " R") {
			if seen[s] {
				return
			}
			seen[s] = true
			where = s
			v = objs[s]
		}
		switch v := v.(type) {
		case []any:
			for _, e := range v {
				visit(where, e, depth+1)
			}
		case map[string]any:
			for k, e := range v {
				key := strings.TrimPrefix(k, "/")
				switch {
				case key == "URI" && nameOf(v["/S"]) == "URI":
					s, _ := resolve(e).(string)
					s = strings.TrimPrefix(strings.TrimPrefix(s, "u:"), "b:")
					if !webURI(s) {
						found = append(found, fmt.Sprintf("%s: URI %q", where, s))
					}
				case slices.Contains(riskyKeys, key):
					found = append(found, fmt.Sprintf("%s: /%s", where, key))
				case key == "S" && slices.Contains(riskyActions, nameOf(e)):
					found = append(found, fmt.Sprintf("%s: /S /%s", where, nameOf(e)))
				case key == "Subtype" && slices.Contains(riskySubtypes, nameOf(e)):
					found = append(found, fmt.Sprintf("%s: /Subtype /%s", where, nameOf(e)))
				case key == "N" && nameOf(v["/S"]) == "Named" && !slices.Contains([]string{"NextPage", "PrevPage", "FirstPage", "LastPage"}, nameOf(e)):
					found = append(found, fmt.Sprintf("%s: Named /%s", where, nameOf(e)))
				case key == "Filter":
					fs := []any{e}
					if a, ok := resolve(e).([]any); ok {
						fs = a
					}
					for _, f := range fs {
						if slices.Contains(riskyFilters, nameOf(f)) {
							found = append(found, fmt.Sprintf("%s: /Filter /%s", where, nameOf(f)))
						}
					}
				}
				visit(where, e, depth+1)
			}
		}
	}
	keys := make([]string, 0, len(objs))
	for k := range objs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k != "trailer" {
			visit(k, k, 0)
		}
	}
	return found
}

// webURI is the test's own scheme check: http, https or mailto, nothing before it.
func webURI(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "mailto:")
}

// mutoolLinks lists the targets MuPDF gives the links and bookmarks of file.
func mutoolLinks(t *testing.T, file string) []string {
	t.Helper()
	mutool := testtool.Need(t, "mutool")
	script := filepath.Join(t.TempDir(), "links.js")
	const js = `var doc = new Document(scriptArgs[0]);
for (var i = 0; i < doc.countPages(); i++) {
  var links = doc.loadPage(i).getLinks();
  for (var j = 0; j < links.length; j++) print("link " + links[j].uri);
}
function walk(items) { if (!items) return; for (var k = 0; k < items.length; k++) { print("outline " + items[k].uri); walk(items[k].down); } }
walk(doc.loadOutline());
`
	if err := os.WriteFile(script, []byte(js), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(mutool, "run", script, file).Output()
	if err != nil {
		t.Fatalf("mutool run %s: %v", filepath.Base(file), err)
	}
	var targets []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if line != "" {
			targets = append(targets, line)
		}
	}
	return targets
}

// badLinks keeps the targets that are neither web links nor places in the document.
func badLinks(targets []string) []string {
	var bad []string
	for _, l := range targets {
		_, target, _ := strings.Cut(l, " ")
		if webURI(target) || strings.HasPrefix(target, "#") || target == "undefined" || target == "null" {
			continue
		}
		bad = append(bad, l)
	}
	return bad
}

// popplerJS returns the document JavaScript poppler finds (pdfinfo -js).
func popplerJS(t *testing.T, file string) string {
	t.Helper()
	pdfinfo := testtool.Need(t, "pdfinfo")
	out, err := exec.Command(pdfinfo, "-js", file).Output()
	if err != nil {
		t.Fatalf("pdfinfo -js %s: %v", filepath.Base(file), err)
	}
	return strings.TrimSpace(string(out))
}
