package ooxml

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/internal/testtool"
)

// corpusText is text each real corpus file must still show after sanitizing.
var corpusText = map[string][]string{
	"ooxml/report.docx": {"Sekisho quarterly report", "関所のサンプル文書です", "Servers", "End of the sample report"},
	"ooxml/ledger.xlsx": {"Ledger", "水道料金", "1820"},
	"ooxml/slides.pptx": {"Sekisho gateway overview", "無害化されたメールのみ届きます", "Second slide"},
	"odf/report.odt":    {"Sekisho quarterly report", "関所のサンプル文書です", "Servers", "End of the sample report"},
	"odf/ledger.ods":    {"Ledger", "水道料金", "1820"},
	"odf/slides.odp":    {"Sekisho gateway overview", "無害化されたメールのみ届きます", "Second slide"},
	"ooxml/memo.docx":   {"Header: internal memo", "Footnote text about the budget", "Mail volume", "After the chart", "Footer page 1"},
	"odf/memo.odt":      {"Header: internal memo", "Footnote text about the budget", "Mail volume", "After the chart", "Footer page 1"},
}

// TestLibreOffice is the independent verification: every sanitized output, real corpus files
// and hostile variants alike, must open in LibreOffice and render the expected text
// (pdftotext), pass unzip's own CRC test, and list no risky part in unzip -l. All files go
// to one soffice call, since each start costs seconds.
func TestLibreOffice(t *testing.T) {
	t.Parallel() // LibreOffice round trips: each has its own profile
	if testing.Short() {
		t.Skip("LibreOffice conversion is slow")
	}
	if raceEnabled {
		t.Skip("LibreOffice does the work here, out of the race detector's sight: runs without -race")
	}
	soffice := testtool.Need(t, "soffice")
	testtool.Need(t, "pdftotext")
	testtool.Need(t, "unzip")

	dir := t.TempDir()
	type outFile struct {
		path string
		text []string
	}
	var files []outFile
	write := func(i int, name string, data []byte, text []string) {
		p := filepath.Join(dir, fmt.Sprintf("%02d-%s", i, name))
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, outFile{p, text})
	}
	_, keep := newEngine(true)
	i := 0
	for rel, text := range corpusText {
		out, _, err := sanitizeBytes(t, keep, rel, readCorpus(t, rel))
		if err != nil {
			t.Fatalf("Sanitize(%s): %v", rel, err)
		}
		i++
		write(i, filepath.Base(rel), out, text)
	}
	noImages := New(Options{KeepHyperlinks: true})
	for _, rel := range []string{"ooxml/report.docx", "odf/report.odt"} {
		out, _, err := sanitizeBytes(t, noImages, rel, readCorpus(t, rel))
		if err != nil {
			t.Fatalf("Sanitize(%s) without images: %v", rel, err)
		}
		i++
		write(i, "noimages-"+filepath.Base(rel), out, []string{"Figure one follows", "End of the sample report"})
	}
	for _, tc := range hostileCases() {
		if tc.wantErr != nil {
			continue
		}
		_, s := newEngine(!tc.dropLinks)
		out, res, err := sanitizeBytes(t, s, tc.name, build(t, tc.base, tc.edits...))
		if err != nil {
			t.Fatalf("Sanitize(%s): %v", tc.name, err)
		}
		name := tc.name
		if res.OutName != "" {
			name = res.OutName
		}
		i++
		write(i, name, out, tc.text)
	}

	for _, f := range files {
		if out, err := exec.Command("unzip", "-tq", f.path).CombinedOutput(); err != nil {
			t.Errorf("unzip -tq %s: %v\n%s", filepath.Base(f.path), err, out)
		}
		list, err := exec.Command("unzip", "-l", f.path).Output()
		if err != nil {
			t.Errorf("unzip -l %s: %v", filepath.Base(f.path), err)
		}
		for _, line := range strings.Split(string(list), "\n") {
			fields := strings.Fields(line)
			if len(fields) >= 4 && riskyName.MatchString(strings.Join(fields[3:], " ")) {
				t.Errorf("unzip -l %s lists %s", filepath.Base(f.path), line)
			}
		}
		rels, _ := exec.Command("unzip", "-p", f.path, "*.rels").Output()
		for _, m := range externalRel.FindAllString(string(rels), -1) {
			if !strings.Contains(m, `/hyperlink"`) {
				t.Errorf("%s keeps an external relationship: %s", filepath.Base(f.path), m)
			}
		}
		xmls, _ := exec.Command("unzip", "-p", f.path, "*.xml").Output()
		if regexp.MustCompile(`(?i)instrText[^>]*>\s*DDE|instr="\s*DDE|dde-link|dde-source`).Match(xmls) {
			t.Errorf("%s keeps a DDE field", filepath.Base(f.path))
		}
	}

	pdfDir := filepath.Join(dir, "pdf")
	args := []string{"-env:UserInstallation=file://" + filepath.Join(dir, "profile"), "--headless", "--norestore",
		"--convert-to", "pdf", "--outdir", pdfDir}
	for _, f := range files {
		args = append(args, f.path)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, soffice, args...).CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	for _, f := range files {
		base := filepath.Base(f.path)
		pdf := filepath.Join(pdfDir, strings.TrimSuffix(base, filepath.Ext(base))+".pdf")
		txt, err := exec.Command("pdftotext", "-enc", "UTF-8", pdf, "-").Output()
		if err != nil {
			t.Errorf("%s did not convert to PDF in LibreOffice: %v", base, err)
			continue
		}
		got := strings.Join(strings.Fields(string(txt)), " ")
		for _, want := range f.text {
			if !strings.Contains(got, want) {
				t.Errorf("LibreOffice rendering of %s lacks %q; got %q", base, want, clip(got))
			}
		}
	}
}
