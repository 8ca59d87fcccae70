package pdf

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
)

// FuzzSanitize feeds mutated corpus files to Sanitize. Properties: no panic escapes
// (Sanitize recovers pdfcpu's), an error carries a sentinel or limit and nothing written
// counts, and a success reopens with pdfcpu and with qpdf (a second reader that shares no
// code with the sanitizer) and holds no active content in either reading, and sanitizes
// again unchanged.
func FuzzSanitize(f *testing.F) {
	for _, file := range corpusFiles(f) {
		// The 100-page file is slow per execution; its structure is in text-1p.pdf.
		if filepath.Base(file) == "text-100p.pdf" {
			continue
		}
		f.Add(readFile(f, file))
	}
	s := New(Options{})
	f.Fuzz(func(t *testing.T, data []byte) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		lim := sanitize.Limits{MaxFileSize: 4 << 20, MaxTotalSize: 16 << 20, MaxPages: 200, Timeout: 5 * time.Second}
		b := sanitize.NewBudget(lim)
		ctx, cancel := b.Context(context.Background())
		defer cancel()
		var out bytes.Buffer
		w := sanitize.LimitWriter(&out, lim.MaxFileSize, "limits.max_file_size")
		res, err := s.Sanitize(ctx, &sanitize.Item{Body: bytes.NewReader(data), Path: "item"}, w, b)
		if err != nil {
			if !errors.Is(err, sanitize.ErrMalformed) && !errors.Is(err, sanitize.ErrEncrypted) &&
				!errors.Is(err, sanitize.ErrLimit) && !errors.Is(err, sanitize.ErrNeedsRender) && !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Sanitize error %q carries no sentinel", err)
			}
			return
		}
		if !res.Verdict.HasOutput() {
			t.Fatalf("Sanitize succeeded with verdict %q", res.Verdict)
		}
		for _, a := range res.Actions {
			if a.Path != "item" || a.Kind == "" {
				t.Fatalf("action %+v lacks path or kind", a)
			}
		}
		pctx, err := api.ReadContext(bytes.NewReader(out.Bytes()), testConf())
		if err != nil {
			t.Fatalf("output does not reopen: %v", err)
		}
		if found := activeContent(pctx.XRefTable); found != "" {
			t.Fatalf("output still holds %s", found)
		}
		if found := qpdfFinds(t, out.Bytes()); found != "" {
			t.Fatal(found)
		}
		// A fixed point: the output sanitizes again as clean, with no action and the same
		// bytes. A second pass that still finds something means the first judged tokens
		// its writer then changed (a name's #xx escapes, a reference it renumbered).
		b2 := sanitize.NewBudget(lim)
		ctx2, cancel2 := b2.Context(context.Background())
		defer cancel2()
		var out2 bytes.Buffer
		res2, err := s.Sanitize(ctx2, &sanitize.Item{Body: bytes.NewReader(out.Bytes()), Path: "item"}, &out2, b2)
		if err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				return
			}
			t.Fatalf("second pass: %v", err)
		}
		if res2.Verdict != sanitize.Clean || len(res2.Actions) != 0 {
			t.Fatalf("second pass = %s %+v, want clean with no actions", res2.Verdict, res2.Actions)
		}
		if !bytes.Equal(out.Bytes(), out2.Bytes()) {
			t.Fatalf("second pass changed the output (%d bytes, then %d)", out.Len(), out2.Len())
		}
	})
}

// mustNotRemain are the keys no output may hold, listed here rather than taken from the
// sanitizer so that the check does not share its blind spots.
var mustNotRemain = []string{
	"JS", "JavaScript", "AA", "OpenAction", "EmbeddedFiles", "EF", "RF", "Collection", "XFA",
	"RichMediaContent", "AlternatePresentations", "Renditions",
}

// activeContent scans every object of a parsed file, reachable or not, for the keys and
// action types the sanitizer must have removed; it returns the first one found.
func activeContent(x *model.XRefTable) string {
	var visit func(o types.Object, depth int) string
	visit = func(o types.Object, depth int) string {
		if depth > 64 {
			return ""
		}
		var d types.Dict
		switch v := o.(type) {
		case types.Dict:
			d = v
		case types.StreamDict:
			d = v.Dict
		case types.Array:
			for _, e := range v {
				if f := visit(e, depth+1); f != "" {
					return f
				}
			}
			return ""
		default:
			return ""
		}
		for k, v := range d {
			if slices.Contains(mustNotRemain, k) {
				return "/" + k
			}
			if f := visit(v, depth+1); f != "" {
				return f
			}
		}
		// Values are resolved first: an /S written as a reference is what a viewer acts on.
		resolved := func(key string) string {
			o, err := x.Dereference(d[key])
			if n, ok := o.(types.Name); ok && err == nil {
				return string(n)
			}
			return ""
		}
		switch s := resolved("S"); s {
		case "JavaScript", "Launch", "SubmitForm", "ImportData", "GoToR", "GoToE", "Rendition":
			return "/S /" + s
		}
		switch st := resolved("Subtype"); st {
		case "FileAttachment", "RichMedia", "Screen", "3D", "Movie", "Sound", "PS":
			return "/Subtype /" + st
		}
		return ""
	}
	for nr, e := range x.Table {
		if e == nil || e.Free {
			continue
		}
		o, err := x.Dereference(*types.NewIndirectRef(nr, 0))
		if err != nil {
			continue
		}
		if f := visit(o, 0); f != "" {
			return f
		}
	}
	return ""
}

// nameOf returns the name at key written inline in d, or "".
func nameOf(d types.Dict, key string) string {
	if p := d.NameEntry(key); p != nil {
		return *p
	}
	return ""
}

func typeName(d types.Dict) string { return nameOf(d, "Type") }
