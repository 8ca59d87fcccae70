package mail

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
)

// pyRead is what testdata/pyreader.py says of one message under one policy of Python's
// email package.
type pyRead struct {
	Text    string      `json:"text"`
	Files   [][2]string `json:"files"`
	Types   []string    `json:"types"`
	Defects []string    `json:"defects"`
	Hidden  []string    `json:"hidden"`
	Error   string      `json:"error"`
}

type pyResult struct {
	Path     string `json:"path"`
	Compat32 pyRead `json:"compat32"`
	Default  pyRead `json:"default"`
}

// pyReadAll reads the messages at paths with Python's email package, both policies, in
// one run.
func pyReadAll(t *testing.T, paths []string) map[string]pyResult {
	t.Helper()
	py := testtool.Need(t, "python3")
	type job struct {
		Path string `json:"path"`
	}
	var jobs []job
	for _, p := range paths {
		jobs = append(jobs, job{p})
	}
	in, err := json.Marshal(jobs)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, filepath.Join("testdata", "pyreader.py"))
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pyreader.py: %v\n%s", err, stderr.Bytes())
	}
	var res []pyResult
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("pyreader.py output: %v", err)
	}
	m := map[string]pyResult{}
	for _, r := range res {
		m[r.Path] = r
	}
	return m
}

// bigramRecall is the share of the character bigrams of want (white space removed, NFKC
// not applied: both sides are decoded text) that got has too.
func bigramRecall(want, got string) float64 {
	grams := func(s string) map[string]bool {
		var rs []rune
		for _, r := range s {
			if !unicode.IsSpace(r) {
				rs = append(rs, r)
			}
		}
		m := map[string]bool{}
		for i := 0; i+1 < len(rs); i++ {
			m[string(rs[i:i+2])] = true
		}
		return m
	}
	w, g := grams(want), grams(got)
	if len(w) == 0 {
		return 1
	}
	n := 0
	for k := range w {
		if g[k] {
			n++
		}
	}
	return float64(n) / float64(len(w))
}

// withoutNotice drops the notice block from a delivered text.
func withoutNotice(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return stripNotice(s)
}

// hiddenPayload reports what must never reach a recipient in decoded bytes: the EICAR
// string, a PE or ELF header, a zip that holds a program or script by name or content.
// It is the Go twin of pyreader.py's check, for this package's own walker.
func hiddenPayload(data []byte, depth int) string {
	switch {
	case bytes.Contains(data, []byte("EICAR-STANDARD-ANTIVIRUS-TEST-FILE")):
		return "EICAR test string"
	case bytes.HasPrefix(data, []byte("MZ")) && bytes.Contains(data[:min(len(data), 1024)], []byte("PE\x00\x00")):
		return "PE executable"
	case bytes.HasPrefix(data, []byte("\x7fELF")):
		return "ELF executable"
	case bytes.HasPrefix(data, []byte("PK")) && depth < 4:
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return ""
		}
		for _, f := range zr.File {
			if sanitize.BlockedName(f.Name, "") != "" {
				return "zip entry " + f.Name
			}
			rc, err := f.Open()
			if err != nil {
				continue
			}
			b, _ := io.ReadAll(io.LimitReader(rc, 1<<20))
			rc.Close()
			if h := hiddenPayload(b, depth+1); h != "" {
				return h
			}
		}
	}
	return ""
}

// walkHidden reads an output with this package's walker, at every nesting level, and
// reports hidden payloads in any decoded leaf.
func walkHidden(t *testing.T, s *Sanitizer, out []byte, depth int) []string {
	t.Helper()
	var res sanitize.Result
	w := newWalker(context.Background(), bytes.NewReader(out), s, sanitize.NewBudget(sanitize.Limits{}), &res, "check")
	top, err := w.entity(0, int64(len(out)), "1", 0, true, false)
	if err != nil {
		t.Fatalf("the walker cannot read an output: %v", err)
	}
	var found []string
	var visit func(p *part)
	visit = func(p *part) {
		for _, c := range p.children {
			visit(c)
		}
		if p.multipart {
			return
		}
		sp, err := w.spoolPart(p, &textNotes{})
		if err != nil {
			t.Fatalf("the walker cannot decode part %s of an output: %v", p.id, err)
		}
		defer sp.Remove()
		data := make([]byte, sp.Size())
		sp.ReadAt(data, 0)
		if h := hiddenPayload(data, 0); h != "" {
			found = append(found, p.name+": "+h)
		}
		if p.ctype.value == "message/rfc822" && depth < 8 {
			found = append(found, walkHidden(t, s, data, depth+1)...)
		}
	}
	visit(top)
	return found
}

// writeTemp writes data under dir and returns the path.
func writeTemp(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
