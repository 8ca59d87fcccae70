package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
)

// TestSanitizeFileRefusesBadCorpus runs every bad-* file of the shared corpus through the
// command: each must exit 3 with a reason and leave nothing behind. This is the whole
// path (detection, policy, family, commit) on truncated, encrypted and malformed files
// written by the family owners.
func TestSanitizeFileRefusesBadCorpus(t *testing.T) {
	var files []string
	for _, family := range []string{"pdf", "img", "archive", "ole", "ooxml", "odf", "text", "rtf", "legacy"} {
		m, err := filepath.Glob(filepath.Join("..", "..", "testdata", family, "bad-*"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range m {
			if !strings.HasSuffix(f, ".json") && !strings.HasSuffix(f, ".golden") {
				files = append(files, f)
			}
		}
	}
	if len(files) < 10 {
		t.Fatalf("found %d bad-* corpus files, want at least 10", len(files))
	}
	for _, f := range files {
		rel := strings.TrimPrefix(filepath.ToSlash(f), "../../testdata/")
		t.Run(rel, func(t *testing.T) {
			dir := t.TempDir()
			abs, err := filepath.Abs(f)
			if err != nil {
				t.Fatal(err)
			}
			r := sekisho(t, dir, nil, "sanitize-file", abs, "-o", "out", "--report", "r.json")
			if textByContent[rel] {
				// Bad for its family, but by content plain text: the engine gives it to the
				// text family, never to the family its name suggests.
				rep := readReport(t, filepath.Join(dir, "r.json"))
				if r.code != exitOK || rep.Detected["class"] != "text" {
					t.Fatalf("exit %d detected %v, want 0 and class text; stderr: %s", r.code, rep.Detected, r.stderr)
				}
				return
			}
			if r.code != exitRefused {
				t.Fatalf("exit %d, want 3; stderr: %s", r.code, r.stderr)
			}
			rep := readReport(t, filepath.Join(dir, "r.json"))
			if rep.Reason == "" || rep.Output != nil {
				t.Errorf("report reason %q output %+v, want a reason and no output", rep.Reason, rep.Output)
			}
			if names := listDir(t, dir); len(names) != 1 {
				t.Errorf("directory holds %q, want only r.json", names)
			}
		})
	}
}

// textByContent are bad-* files whose content is not their family's format at all.
var textByContent = map[string]bool{
	"legacy/bad-no-id.slk":     true, // no "ID;" record: not SYLK
	"legacy/bad-no-progid.xml": true, // no mso-application progid: not Office 2003 XML
	"rtf/bad-header.rtf":       true, // starts "{\rtx1": not RTF
}

// TestSanitizeFilePDF checks the PDF path with independent tools: qpdf expands the output
// and none of the risky names remains; pdftotext still finds the Japanese text.
func TestSanitizeFilePDF(t *testing.T) {
	qpdf := testtool.Need(t, "qpdf")
	pdftotext := testtool.Need(t, "pdftotext")
	tests := []struct {
		file     string
		wantText string
	}{
		{"hostile-js-openaction.pdf", ""},
		{"hostile-js-objstm.pdf", ""},
		{"hostile-escaped-names.pdf", ""},
		{"hostile-launch.pdf", ""},
		{"ja-multipage.pdf", "住民票の写しの交付申請"},
	}
	risky := []string{"/JavaScript", "/JS", "/OpenAction", "/AA", "/Launch", "/EmbeddedFile", "/RichMedia", "/XFA"}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string][]byte{tc.file: corpus("pdf/" + tc.file)(t)})
			r := sekisho(t, dir, nil, "sanitize-file", tc.file, "-o", "out.pdf", "--report", "r.json")
			if r.code != exitOK {
				t.Fatalf("exit %d, want 0; stderr: %s", r.code, r.stderr)
			}
			out := filepath.Join(dir, "out.pdf")
			qdf, err := exec.Command(qpdf, "--qdf", "--object-streams=disable", out, "-").Output()
			if err != nil {
				t.Fatalf("qpdf cannot read the output: %v", err)
			}
			for _, name := range risky {
				if strings.Contains(string(qdf), name+" ") || strings.Contains(string(qdf), name+"\n") || strings.Contains(string(qdf), name+"/") {
					t.Errorf("output still has %s after qpdf expansion", name)
				}
			}
			if tc.wantText == "" {
				return
			}
			txt, err := exec.Command(pdftotext, out, "-").Output()
			if err != nil || !strings.Contains(string(txt), tc.wantText) {
				t.Errorf("pdftotext(output) = %q, %v; want it to contain %q", txt, err, tc.wantText)
			}
		})
	}
}
