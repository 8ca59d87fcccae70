package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
)

// stubSoffice writes a shell script standing in for soffice and returns its path.
func stubSoffice(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "soffice")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestConvertFaults puts the converter under the failures a hostile or broken document
// causes: each must end quarantined with a reason, in bounded time, leaving nothing behind.
func TestConvertFaults(t *testing.T) {
	testtool.Need(t, "prlimit")
	// outdir finds the --outdir argument in the stub's command line.
	const outdir = `while [ $# -gt 0 ]; do [ "$1" = --outdir ] && out="$2"; shift; done; `
	tests := []struct {
		name, script string
		lim          sanitize.Limits
		want         func(error) bool
		wantText     string
	}{
		{"crash", "kill -SEGV $$\n", sanitize.Limits{},
			func(err error) bool { return errors.Is(err, sanitize.ErrMalformed) }, "libreoffice failed"},
		{"exits without output", "exit 0\n", sanitize.Limits{},
			func(err error) bool { return errors.Is(err, sanitize.ErrMalformed) }, "wrote no docx"},
		{"huge output", outdir + `head -c 50000000 /dev/zero > "$out/input.docx"; exit 0` + "\n", sanitize.Limits{MaxFileSize: 1 << 20},
			func(err error) bool {
				var le *sanitize.LimitError
				return errors.As(err, &le) && le.Limit == "limits.max_file_size"
			}, "limits.max_file_size"},
		{"writes the wrong type", outdir + `printf 'not a package' > "$out/input.docx"` + "\n", sanitize.Limits{},
			func(err error) bool { return errors.Is(err, sanitize.ErrMalformed) }, "want docx"},
		{"hangs", "sleep 300\n", sanitize.Limits{},
			func(err error) bool { return errors.Is(err, sanitize.ErrTimeout) }, "render.convert_timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			work := t.TempDir()
			e := sanitize.NewEngine(sanitize.EngineOptions{})
			c, err := NewConverter(ConvertOptions{Inner: e, Soffice: stubSoffice(t, tt.script), Timeout: time.Second, TempDir: work, Reuse: 1})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.lo.unshare = "" // the stub needs no namespace
			lim := tt.lim
			if lim.MaxFileSize == 0 {
				lim.MaxFileSize = 100 << 20
			}
			data := readFile(t, corpusFile("ole", "lo-plain.doc"))
			in := &sanitize.Item{Body: bytes.NewReader(data), Path: "a.doc", Name: "a.doc"}
			in.Detected = sanitize.Detect(in.Body)
			var out bytes.Buffer
			start := time.Now()
			_, err = c.Sanitize(context.Background(), in, &out, sanitize.NewBudget(lim))
			if err == nil || !tt.want(err) || !strings.Contains(err.Error(), tt.wantText) {
				t.Fatalf("Sanitize = %v, want an error mentioning %q", err, tt.wantText)
			}
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("took %v", d)
			}
			if out.Len() != 0 {
				t.Errorf("wrote %d bytes on failure", out.Len())
			}
			c.Close()
			if left, _ := os.ReadDir(work); len(left) != 0 {
				t.Errorf("left %d entries in the work folder", len(left))
			}
		})
	}
}

// TestConvertNoNetwork converts a Word file whose picture is linked to a URL on this
// machine. LibreOffice fetches linked pictures while it loads (the control run without a
// namespace proves it); in the sandbox nothing reaches the server, and the delivered docx
// keeps no reference to it.
func TestConvertNoNetwork(t *testing.T) {
	soffice := testtool.Need(t, "soffice")
	testtool.Need(t, "unshare")
	var hits atomic.Int64
	pixel := onePixelPNG()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "image/png")
		w.Write(pixel)
	}))
	defer srv.Close()
	dir := t.TempDir()
	html := `<html><body><p>Linked picture below</p><img src="` + srv.URL + `/pixel.png" width="20" height="20"><p>After the picture</p></body></html>`
	if err := os.WriteFile(filepath.Join(dir, "link.html"), []byte(html), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--headless",
		"--convert-to", "doc:MS Word 97", "--outdir", dir, filepath.Join(dir, "link.html"))
	cmd.Env = []string{"HOME=" + dir, "PATH=/usr/bin:/bin"}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("making link.doc: %v: %s", err, out)
	}
	doc := readFile(t, filepath.Join(dir, "link.doc"))

	for _, reuse := range []int{1, DefaultReuse} {
		t.Run(fmt.Sprintf("reuse=%d", reuse), func(t *testing.T) {
			if reuse > 1 && findUNOPython() == "" {
				t.Skip("no python3 with the uno module (Debian python3-uno)")
			}
			e, c := convertEngine(t, ConvertOptions{ProfileDir: sharedProfile(), Reuse: reuse}, sanitize.Limits{})
			if c.lo.unshare == "" {
				if os.Getenv("CI") != "" {
					t.Fatal("unshare -n is not usable under CI (not root?)")
				}
				t.Skip("unshare -n needs root")
			}
			hits.Store(0)
			out, res := engineRun(t, e, doc, "link.doc")
			if res.Verdict != sanitize.Sanitized {
				t.Fatalf("verdict %s (%s), want sanitized", res.Verdict, res.Reason)
			}
			if n := hits.Load(); n != 0 {
				t.Errorf("the sandboxed conversion reached the server %d times", n)
			}
			if bytes.Contains(out, []byte(srv.URL)) || bytes.Contains(out, []byte("127.0.0.1")) {
				t.Error("the delivered docx still refers to the server")
			}

			// Control: the same conversion outside the namespace, in a converter of its
			// own (a warm worker keeps the namespace it was started in).
			_, ctl := convertEngine(t, ConvertOptions{ProfileDir: sharedProfile(), Reuse: reuse}, sanitize.Limits{})
			ctl.lo.unshare = ""
			in := &sanitize.Item{Body: bytes.NewReader(doc), Path: "link.doc", Name: "link.doc"}
			in.Detected = sanitize.Detect(in.Body)
			if _, err := ctl.lo.convert(context.Background(), in, sanitize.NewBudget(sanitize.Limits{}), "docx"); err != nil {
				t.Fatalf("control conversion: %v", err)
			}
			switch {
			case hits.Load() > 0:
			case reuse == 1:
				t.Error("control: LibreOffice outside the sandbox did not fetch the linked picture; the test proves nothing")
			default:
				// A warm worker opens documents with links never updated, so it does not
				// fetch even outside the namespace: the namespace is then a second wall,
				// proven by the one-shot case.
				t.Log("control: the warm worker did not fetch the linked picture outside the sandbox either (links are never updated)")
			}
		})
	}
}

// onePixelPNG is a 1x1 green PNG.
func onePixelPNG() []byte {
	m := image.NewRGBA(image.Rect(0, 0, 1, 1))
	m.Set(0, 0, color.RGBA{G: 255, A: 255})
	var b bytes.Buffer
	png.Encode(&b, m)
	return b.Bytes()
}
