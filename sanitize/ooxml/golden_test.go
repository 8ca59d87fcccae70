package ooxml

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/sanitizetest"
)

// reparse opens an output as a package again with independent code paths: archive/zip,
// then [Content_Types].xml or the ODF manifest through encoding/xml.
func reparse(out []byte) error {
	in := &sanitize.Item{Body: bytes.NewReader(out)}
	z, err := openZip(in, sanitize.NewBudget(sanitize.Limits{}))
	if err != nil {
		return err
	}
	b := sanitize.NewBudget(sanitize.Limits{})
	if f := z.byKey["[content_types].xml"]; f != nil {
		data, err := readPart(f, b, maxSmallXML)
		if err != nil {
			return err
		}
		_, err = parseContentTypes(data)
		return err
	}
	f := z.byKey["meta-inf/manifest.xml"]
	if f == nil {
		return sanitize.ErrMalformed
	}
	data, err := readPart(f, b, maxSmallXML)
	if err != nil {
		return err
	}
	var m manifest
	return decodeStrict(data, &m)
}

func TestConformance(t *testing.T) {
	_, s := newEngine(true)
	corpus := sanitizetest.Corpus(t, filepath.Join(corpusDir, "ooxml", "*"), filepath.Join(corpusDir, "odf", "*"))
	var files []string
	for _, f := range corpus {
		if !strings.HasSuffix(f, ".md") && !isDir(f) {
			files = append(files, f)
		}
	}
	sanitizetest.Run(t, s, files, sanitizetest.Options{Reparse: reparse})
}

// golden is the structural dump compared against testdata/<case>.report.golden.json: the
// report, and each output entry's name, size and hash (of the uncompressed bytes, so that
// a different deflate implementation does not change it).
type golden struct {
	Verdict string            `json:"verdict,omitempty"`
	Error   string            `json:"error,omitempty"`
	OutType string            `json:"output_type,omitempty"`
	OutName string            `json:"output_name,omitempty"`
	Actions []sanitize.Action `json:"actions,omitempty"`
	Entries []goldenEntry     `json:"entries,omitempty"`
}

type goldenEntry struct {
	Name   string `json:"name"`
	Size   int    `json:"size"`
	SHA256 string `json:"sha256"`
}

func TestGolden(t *testing.T) {
	type input struct {
		name      string
		data      []byte
		dropLinks bool
	}
	var inputs []input
	for _, dir := range []string{"ooxml", "odf"} {
		m, _ := filepath.Glob(filepath.Join(corpusDir, dir, "*"))
		for _, p := range m {
			if strings.HasSuffix(p, ".md") || isDir(p) {
				continue
			}
			inputs = append(inputs, input{name: dir + "-" + filepath.Base(p), data: readCorpus(t, filepath.Join(dir, filepath.Base(p)))})
		}
	}
	for _, tc := range hostileCases() {
		inputs = append(inputs, input{name: "hostile-" + tc.name, data: build(t, tc.base, tc.edits...), dropLinks: tc.dropLinks})
	}
	for _, in := range inputs {
		t.Run(in.name, func(t *testing.T) {
			_, s := newEngine(!in.dropLinks)
			name := in.name[strings.IndexByte(in.name, '-')+1:]
			out, res, err := sanitizeBytes(t, s, name, in.data)
			g := golden{}
			if err != nil {
				g.Error = err.Error()
			} else {
				g.Verdict, g.OutType, g.OutName, g.Actions = string(res.Verdict), res.OutType, res.OutName, res.Actions
				for _, e := range unpack(t, out) {
					sum := sha256.Sum256(e.data)
					g.Entries = append(g.Entries, goldenEntry{e.name, len(e.data), hex.EncodeToString(sum[:8])})
				}
			}
			got, _ := json.MarshalIndent(g, "", "  ")
			got = append(got, '\n')
			p := filepath.Join("testdata", in.name+".report.golden.json")
			if *update {
				if err := os.WriteFile(p, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(p)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGolden -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("report for %s differs from %s:\n%s", in.name, p, got)
			}
		})
	}
}

// isDir reports the corpus folders that are not documents (src/, generators).
func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}
