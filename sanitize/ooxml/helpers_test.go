package ooxml

import (
	"archive/zip"
	"bytes"
	"context"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// corpusDir holds the real office-suite files shared by the project.
const corpusDir = "../../testdata"

// imageFamily is a minimal image sanitizer for tests: it decodes with the standard
// library and re-encodes in the same format, which is what the image family does.
type imageFamily struct{}

func (imageFamily) Sanitize(ctx context.Context, in *sanitize.Item, w io.Writer, b *sanitize.Budget) (sanitize.Result, error) {
	cfg, format, err := image.DecodeConfig(in.Reader())
	if err != nil {
		return sanitize.Result{}, sanitize.ErrMalformed
	}
	if err := b.CheckPixels(cfg.Width, cfg.Height); err != nil {
		return sanitize.Result{}, err
	}
	img, _, err := image.Decode(in.Reader())
	if err != nil {
		return sanitize.Result{}, sanitize.ErrMalformed
	}
	switch format {
	case "png":
		err = png.Encode(w, img)
	case "jpeg":
		err = jpeg.Encode(w, img, nil)
	case "gif":
		err = gif.Encode(w, img, nil)
	default:
		return sanitize.Result{}, sanitize.ErrUnsupported
	}
	res := sanitize.Result{Verdict: sanitize.Clean}
	res.Add(sanitize.ActReencoded, in.Path, format)
	return res, err
}

// newEngine wires an engine the way the command does: this family for ooxml and odf, the
// test image family for images, and the engine as the inner sanitizer.
func newEngine(keepLinks bool) (*sanitize.Engine, *Sanitizer) {
	return newEngineOpts(Options{KeepHyperlinks: keepLinks})
}

// newEngineOpts is newEngine with the family's options (Inner is set here).
func newEngineOpts(o Options) (*sanitize.Engine, *Sanitizer) {
	e := sanitize.NewEngine(sanitize.EngineOptions{})
	o.Inner = e
	s := New(o)
	e.Register(string(sanitize.ClassOOXML), s)
	e.Register(string(sanitize.ClassODF), s)
	e.Register(string(sanitize.ClassImage), imageFamily{})
	return e, s
}

func readCorpus(t testing.TB, rel string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(corpusDir, rel))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// entry is one zip entry of a package being edited.
type entry struct {
	name   string
	data   []byte
	method uint16
}

func unpack(t testing.TB, data []byte) []entry {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out []entry
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, entry{name: f.Name, data: b, method: f.Method})
	}
	return out
}

func pack(t testing.TB, entries []entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		m := e.method
		if m == 0 && e.name != "mimetype" {
			m = zip.Deflate
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: m})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(e.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// edit is one change to a package's entries.
type edit func(t testing.TB, es []entry) []entry

// build applies edits to a corpus file and returns the new package.
func build(t testing.TB, base string, edits ...edit) []byte {
	t.Helper()
	es := unpack(t, readCorpus(t, base))
	for _, e := range edits {
		es = e(t, es)
	}
	return pack(t, es)
}

// add appends a part.
func add(name, data string) edit {
	return func(t testing.TB, es []entry) []entry { return append(es, entry{name: name, data: []byte(data)}) }
}

// replace substitutes text inside an existing part; it fails if old is absent.
func replace(name, old, new string) edit {
	return func(t testing.TB, es []entry) []entry {
		t.Helper()
		for i := range es {
			if es[i].name == name {
				if !bytes.Contains(es[i].data, []byte(old)) {
					t.Fatalf("replace: %q not in %s", old, name)
				}
				es[i].data = bytes.Replace(es[i].data, []byte(old), []byte(new), 1)
				return es
			}
		}
		t.Fatalf("replace: no part %s", name)
		return es
	}
}

// addRel adds a relationship to a .rels part.
func addRel(relsPart, id, typ, target, mode string) edit {
	m := ""
	if mode != "" {
		m = ` TargetMode="` + mode + `"`
	}
	return replace(relsPart, "</Relationships>", `<Relationship Id="`+id+`" Type="`+typ+`" Target="`+target+`"`+m+`/></Relationships>`)
}

// addType declares a content type: an Override for a part name, a Default for "ext:xyz".
func addType(key, ctype string) edit {
	if e, ok := strings.CutPrefix(key, "ext:"); ok {
		return replace("[Content_Types].xml", "</Types>", `<Default Extension="`+e+`" ContentType="`+ctype+`"/></Types>`)
	}
	return replace("[Content_Types].xml", "</Types>", `<Override PartName="/`+key+`" ContentType="`+ctype+`"/></Types>`)
}

// run sanitizes data through the engine, as the command would.
func run(t testing.TB, e *sanitize.Engine, name string, data []byte) ([]byte, sanitize.Result) {
	t.Helper()
	var out bytes.Buffer
	res, err := e.Sanitize(context.Background(), &sanitize.Item{Body: bytes.NewReader(data), Path: "item", Name: name}, &out, nil)
	if err != nil {
		t.Fatalf("Sanitize(%s): %v", name, err)
	}
	return out.Bytes(), res
}
