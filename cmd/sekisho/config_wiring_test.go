package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestConfigReachesFamilies proves each family option is wired from the config file to
// the family: the same input gives a different, expected result under the setting.
func TestConfigReachesFamilies(t *testing.T) {
	csv := []byte("a,b\n1,=1+1\n")
	html := []byte(`<p>see <a href="http://example.com/x">the site</a></p>`)
	tests := []struct {
		name       string
		config     string
		file       string
		content    func(t *testing.T) []byte
		wantCode   int
		wantOut    func(out []byte) bool // nil: not checked
		wantAction string                // an action kind that must appear, "" for none
	}{
		{name: "text.csv_bom", config: "text:\n  csv_bom: true\n", file: "a.csv", content: func(*testing.T) []byte { return csv },
			wantCode: exitOK, wantOut: func(b []byte) bool { return bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) }},
		{name: "no csv bom by default", config: "", file: "a.csv", content: func(*testing.T) []byte { return csv },
			wantCode: exitOK, wantOut: func(b []byte) bool { return bytes.HasPrefix(b, []byte("a,b")) }},
		{name: "text.defang_links", config: "text:\n  defang_links: true\n", file: "a.html", content: func(*testing.T) []byte { return html },
			wantCode: exitOK, wantOut: func(b []byte) bool { return bytes.Contains(b, []byte("hxxp://example[.]com")) }},
		{name: "links kept by default", config: "", file: "a.html", content: func(*testing.T) []byte { return html },
			wantCode: exitOK, wantOut: func(b []byte) bool { return bytes.Contains(b, []byte("http://example.com/x")) }},
		{name: "pdf.uri_actions remove", config: "pdf:\n  uri_actions: remove\n", file: "a.pdf", content: corpus("pdf/hostile-uri.pdf"),
			wantCode: exitOK, wantAction: "removed-link"},
		{name: "rtf.objects quarantine", config: "rtf:\n  objects: quarantine\n", file: "a.rtf", content: corpus("rtf/gen-object-package.rtf"),
			wantCode: exitRefused},
		{name: "rtf objects stripped by default", config: "", file: "a.rtf", content: corpus("rtf/gen-object-package.rtf"),
			wantCode: exitOK, wantAction: "removed-ole-object"},
		{name: "policy render rasterizes", config: "data_dir: data\npolicy:\n  pdf: render\n", file: "a.pdf", content: corpus("pdf/hostile-js-openaction.pdf"),
			wantCode: exitOK, wantAction: "rasterized", wantOut: func(b []byte) bool { return bytes.HasPrefix(b, []byte("%PDF-")) }},
		{name: "limits.max_pixels", config: "limits:\n  max_pixels: 100\n", file: "a.jpg", content: corpus("img/photo.jpg"),
			wantCode: exitRefused, wantOut: nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string][]byte{tc.file: tc.content(t), "c.yaml": []byte(tc.config)})
			r := sekisho(t, dir, nil, "sanitize-file", tc.file, "-o", "out", "--config", "c.yaml", "--report", "r.json")
			if r.code != tc.wantCode {
				t.Fatalf("exit %d, want %d; stderr: %s", r.code, tc.wantCode, r.stderr)
			}
			rep := readReport(t, filepath.Join(dir, "r.json"))
			if tc.wantAction != "" {
				var kinds []string
				for _, a := range rep.Actions {
					kinds = append(kinds, a.Action)
				}
				if !slices.Contains(kinds, tc.wantAction) {
					t.Errorf("actions = %q, want %s", kinds, tc.wantAction)
				}
			}
			if tc.wantCode == exitRefused && !strings.Contains(r.stderr, "nothing written") {
				t.Errorf("stderr = %q, want the refusal summary", r.stderr)
			}
			if tc.wantOut == nil {
				return
			}
			b, err := os.ReadFile(filepath.Join(dir, "out"))
			if err != nil {
				t.Fatal(err)
			}
			if !tc.wantOut(b) {
				t.Errorf("output = %q, not what %s should give", b, tc.name)
			}
		})
	}
}
