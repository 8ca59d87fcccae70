package render

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
)

func TestOffice(t *testing.T) {
	testtool.Need(t, "soffice")
	qpdf := testtool.Need(t, "qpdf")
	pdftotext := testtool.Need(t, "pdftotext")
	r := renderer(t, Options{TextLayer: true, Instances: 1})
	if !r.Office() {
		t.Fatal("soffice is in PATH but the renderer did not find it")
	}
	tests := []struct {
		file, outName string
		noText        bool // generated without visible text
	}{
		{"render/macro.docm", "macro.pdf", false},
		{"render/macro.xlsm", "macro.pdf", false},
		{"render/macro.pptm", "macro.pdf", false},
		{"ooxml/memo.docx", "memo.pdf", false},
		{"odf/memo.odt", "memo.pdf", false},
		{"ole/gen-vba.doc", "gen-vba.pdf", true},
		{"ole/lo-plain.doc", "lo-plain.pdf", false},
		{"ole/lo-plain.xls", "lo-plain.pdf", false},
		{"rtf/gen-object-package.rtf", "gen-object-package.pdf", false},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data := readFile(t, corpusFile(strings.Split(tt.file, "/")...))
			out, res, err := run(t, r, data, filepath.Base(tt.file), sanitize.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if res.OutType != "application/pdf" || res.OutName != tt.outName {
				t.Errorf("OutType, OutName = %q, %q; want application/pdf, %q", res.OutType, res.OutName, tt.outName)
			}
			checkImageOnly(t, qpdf, out, true)
			if tt.noText {
				return
			}
			cmd := execCommand(pdftotext, "-", "-")
			cmd.Stdin = bytes.NewReader(out)
			if b, err := cmd.Output(); err != nil || len(strings.TrimSpace(string(b))) == 0 {
				t.Errorf("pdftotext finds no text in the rendered %s: %v", tt.file, err)
			}
		})
	}
}

// TestConvertTimeout replaces soffice with a script that starts a child and sleeps: the
// conversion must stop at the timeout, kill the whole process group and remove its files.
func TestConvertTimeout(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "child.pid")
	stub := filepath.Join(dir, "soffice")
	script := "#!/bin/sh\nsleep 300 &\necho $! > " + pidFile + "\nsleep 300\n"
	if err := os.WriteFile(stub, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	c, err := newConverter(stub, work, 500*time.Millisecond, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	c.unshare = "" // the stub needs no namespace; keep the test independent of privileges
	in := &sanitize.Item{Body: bytes.NewReader(readFile(t, corpusFile("ooxml", "memo.docx"))), Path: "item"}
	in.Detected = sanitize.Detect(in.Body)
	start := time.Now()
	_, err = c.convert(context.Background(), in, sanitize.NewBudget(sanitize.Limits{}), "pdf")
	if !errors.Is(err, sanitize.ErrTimeout) {
		t.Fatalf("convert = %v, want ErrTimeout", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("convert returned after %v, want about the 500ms timeout", d)
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatalf("stub did not start its child: %v", err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	deadline := time.Now().Add(5 * time.Second)
	for syscall.Kill(pid, 0) == nil {
		// A killed child stays a zombie until init reaps it; check its state.
		st, _ := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
		if f := strings.Fields(string(st)); len(f) > 2 && f[2] == "Z" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("child %d of the converter still runs", pid)
		}
		time.Sleep(50 * time.Millisecond)
	}
	left, _ := os.ReadDir(work)
	if len(left) != 0 {
		t.Errorf("converter left %d entries in its temp dir", len(left))
	}
}

func TestOfficeWithoutLibreOffice(t *testing.T) {
	r := renderer(t, Options{})
	lo := r.lo
	r2 := &Renderer{o: r.o, eng: r.eng} // same pool, no converter
	_ = lo
	_, _, err := run(t, r2, readFile(t, corpusFile("ooxml", "memo.docx")), "memo.docx", sanitize.Limits{})
	if !errors.Is(err, sanitize.ErrUnsupported) || !strings.Contains(err.Error(), "renderer unavailable") {
		t.Fatalf("Sanitize(docx) without LibreOffice = %v, want ErrUnsupported renderer unavailable", err)
	}
}
