package archive

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

var update = flag.Bool("update", false, "rewrite the golden reports in testdata/")

// report is the golden form of one run: the result, and a structural dump of the output
// (entry names, sizes and content hashes) rather than its bytes, which depend on the
// compressor's version.
type report struct {
	Verdict    sanitize.Verdict  `json:"verdict,omitempty"`
	Reason     string            `json:"reason,omitempty"`
	Error      string            `json:"error,omitempty"`
	OutputName string            `json:"output_name,omitempty"`
	OutputType string            `json:"output_type,omitempty"`
	Actions    []sanitize.Action `json:"actions"`
	Output     []dumpEntry       `json:"output,omitempty"`
}

type dumpEntry struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256,omitempty"`
}

// dump lists a zip, tar, gzip'ed tar or gzip'ed file.
func dump(out []byte) ([]dumpEntry, error) {
	if zr, err := zip.NewReader(bytes.NewReader(out), int64(len(out))); err == nil {
		list := []dumpEntry{}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				return nil, err
			}
			e, err := hashEntry(f.Name, rc)
			rc.Close()
			if err != nil {
				return nil, err
			}
			list = append(list, e)
		}
		return list, nil
	}
	var r io.Reader = bytes.NewReader(out)
	if zr, err := gzip.NewReader(bytes.NewReader(out)); err == nil {
		r = zr
	}
	br := bufio.NewReader(r)
	head, _ := br.Peek(512)
	if !isTar(head) {
		e, err := hashEntry("", br)
		return []dumpEntry{e}, err
	}
	list := []dumpEntry{}
	tr := tar.NewReader(br)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return list, nil
		}
		if err != nil {
			return nil, err
		}
		e, err := hashEntry(h.Name, tr)
		if err != nil {
			return nil, err
		}
		list = append(list, e)
	}
}

func hashEntry(name string, r io.Reader) (dumpEntry, error) {
	h := sha256.New()
	n, err := io.Copy(h, r)
	e := dumpEntry{Name: name, Size: n}
	if n > 0 {
		e.SHA256 = hex.EncodeToString(h.Sum(nil))[:16]
	}
	return e, err
}

func TestGolden(t *testing.T) {
	_, a := testEngine(t, sanitize.Limits{})
	type input struct {
		name string
		data []byte
	}
	var inputs []input
	for _, c := range generated(t) {
		inputs = append(inputs, input{c.name, c.data})
	}
	for _, p := range committed(t) {
		inputs = append(inputs, input{filepath.Base(p), readFile(t, p)})
	}
	for _, in := range inputs {
		t.Run(in.name, func(t *testing.T) {
			out, res, err := run(t, a, in.data, in.name, sanitize.Limits{})
			got := report{Verdict: res.Verdict, Reason: res.Reason, OutputName: res.OutName, OutputType: res.OutType, Actions: res.Actions}
			if got.Actions == nil {
				got.Actions = []sanitize.Action{}
			}
			if err != nil {
				got = report{Error: err.Error(), Actions: []sanitize.Action{}}
			} else if res.Verdict.HasOutput() {
				if got.Output, err = dump(out); err != nil {
					t.Fatalf("output of %s does not list: %v", in.name, err)
				}
			}
			b, _ := json.MarshalIndent(got, "", "  ")
			b = append(b, '\n')
			path := filepath.Join("testdata", in.name+".report.golden.json")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, b, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if errors.Is(err, os.ErrNotExist) {
				t.Fatalf("missing %s: run go test -run TestGolden -update", path)
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b, want) {
				t.Errorf("report for %s differs from %s:\ngot:\n%s\nwant:\n%s", in.name, path, b, want)
			}
		})
	}
}
