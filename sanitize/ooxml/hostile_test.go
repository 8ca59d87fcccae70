package ooxml

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// sanitizeBytes calls the family directly (the engine is its inner sanitizer), so that
// errors keep their class.
func sanitizeBytes(t testing.TB, s *Sanitizer, name string, data []byte) ([]byte, sanitize.Result, error) {
	t.Helper()
	in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item", Name: name}
	in.Detected = sanitize.Detect(in.Body)
	var out bytes.Buffer
	res, err := s.Sanitize(context.Background(), in, &out, sanitize.NewBudget(sanitize.Limits{}))
	return out.Bytes(), res, err
}

func TestHostile(t *testing.T) {
	for _, tc := range hostileCases() {
		t.Run(tc.name, func(t *testing.T) {
			_, s := newEngine(!tc.dropLinks)
			in := build(t, tc.base, tc.edits...)
			out, res, err := sanitizeBytes(t, s, tc.name, in)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("Sanitize(%s) error = %v, want %v", tc.name, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Sanitize(%s) error: %v", tc.name, err)
			}
			if res.Verdict != sanitize.Sanitized {
				t.Errorf("Sanitize(%s) verdict = %s, want sanitized", tc.name, res.Verdict)
			}
			for _, k := range tc.kinds {
				if !hasKind(res, k) {
					t.Errorf("Sanitize(%s) actions = %+v, want one %s", tc.name, res.Actions, k)
				}
			}
			for _, a := range res.Actions {
				if !strings.HasPrefix(a.Path, "item/") || a.Detail == "" {
					t.Errorf("action %+v: want a path under item/ and a detail", a)
				}
			}
			parts := readParts(t, out)
			for _, g := range tc.gone {
				for name, body := range parts {
					if strings.Contains(name, g) || strings.Contains(body, g) {
						t.Errorf("output part %s still contains %q", name, g)
					}
				}
			}
			if tc.outType != "" {
				if got, want := res.OutType, sanitize.OOXMLMIME(tc.outType); got != want {
					t.Errorf("OutType = %q, want %q", got, want)
				}
				if res.OutName != tc.outName {
					t.Errorf("OutName = %q, want %q", res.OutName, tc.outName)
				}
				if got := sanitize.Detect(bytes.NewReader(out)); got.Name != tc.outType {
					t.Errorf("Detect(output) = %s, want %s", got.Name, tc.outType)
				}
			}
			checkInvariants(t, parts, !tc.dropLinks)
			out2, res2, err := sanitizeBytes(t, s, tc.name, out)
			if err != nil || res2.Verdict != sanitize.Clean || len(res2.Actions) != 0 {
				t.Errorf("second pass = %s %+v, %v; want clean with no actions", res2.Verdict, res2.Actions, err)
			}
			if !bytes.Equal(out, out2) {
				t.Errorf("second pass changed the output (%d -> %d bytes)", len(out), len(out2))
			}
		})
	}
}

func hasKind(res sanitize.Result, k sanitize.ActionKind) bool {
	for _, a := range res.Actions {
		if a.Kind == k {
			return true
		}
	}
	return false
}

// readParts returns every entry of a package as text, failing on a zip archive/zip cannot read.
func readParts(t testing.TB, data []byte) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, e := range unpack(t, data) {
		out[e.name] = string(e.data)
	}
	return out
}

var (
	externalRel = regexp.MustCompile(`<Relationship [^>]*TargetMode="External"[^>]*>`)
	ddeInstr    = regexp.MustCompile(`(?i)<w:instrText[^>]*>\s*DDE|w:instr="\s*DDE`)
	riskyName   = regexp.MustCompile(`(?i)vbaProject|activeX|oleObject|embeddings/|macrosheets/|customUI|^Basic/|^Scripts/`)
)

// checkInvariants asserts what must hold for every output, whatever the input was.
func checkInvariants(t testing.TB, parts map[string]string, links bool) {
	t.Helper()
	for name, body := range parts {
		if riskyName.MatchString(name) {
			t.Errorf("output has risky part %s", name)
		}
		if strings.HasSuffix(name, ".rels") {
			for _, m := range externalRel.FindAllString(body, -1) {
				if !links || !strings.Contains(m, `/hyperlink"`) {
					t.Errorf("%s keeps an external relationship: %s", name, m)
				}
			}
		}
		if ddeInstr.MatchString(body) {
			t.Errorf("%s keeps a DDE field", name)
		}
	}
	if ct, ok := parts["[Content_Types].xml"]; ok {
		if _, err := parseContentTypes([]byte(ct)); err != nil {
			t.Errorf("[Content_Types].xml does not parse: %v", err)
		}
		if strings.Contains(strings.ToLower(ct), "macroenabled") || strings.Contains(ct, "vbaProject") {
			t.Errorf("[Content_Types].xml still declares macros: %s", ct)
		}
		checkContentTypes(t, ct, parts)
	}
}

// checkContentTypes reads [Content_Types].xml with encoding/xml, not the family's parser:
// every part has a type (an Override or its extension's Default) and every Override
// names a part that is there.
func checkContentTypes(t testing.TB, ct string, parts map[string]string) {
	t.Helper()
	var doc struct {
		Default []struct {
			Extension string `xml:",attr"`
		}
		Override []struct {
			PartName string `xml:",attr"`
		}
	}
	if err := xml.Unmarshal([]byte(ct), &doc); err != nil {
		t.Errorf("[Content_Types].xml: %v", err)
		return
	}
	typed := map[string]bool{}
	for _, o := range doc.Override {
		name := strings.TrimPrefix(o.PartName, "/")
		typed[strings.ToLower(name)] = true
		if _, ok := parts[name]; !ok {
			t.Errorf("[Content_Types].xml declares %s, which the package does not have", o.PartName)
		}
	}
	exts := map[string]bool{}
	for _, d := range doc.Default {
		exts[strings.ToLower(d.Extension)] = true
	}
	for name := range parts {
		ext := strings.ToLower(strings.TrimPrefix(path.Ext(name), "."))
		if name != "[Content_Types].xml" && !typed[strings.ToLower(name)] && !exts[ext] {
			t.Errorf("part %s has no content type", name)
		}
	}
}

// TestOutputContainer checks the rebuilt container itself: fresh headers, no extra fields,
// no comment, and for ODF a stored mimetype first.
func TestOutputContainer(t *testing.T) {
	_, s := newEngine(true)
	for _, f := range []string{"ooxml/report.docx", "odf/report.odt"} {
		t.Run(f, func(t *testing.T) {
			out, _, err := sanitizeBytes(t, s, f, readCorpus(t, f))
			if err != nil {
				t.Fatal(err)
			}
			zr, err := zip.NewReader(bytes.NewReader(out), int64(len(out)))
			if err != nil {
				t.Fatal(err)
			}
			if zr.Comment != "" {
				t.Errorf("zip comment = %q, want none", zr.Comment)
			}
			for _, e := range zr.File {
				if len(e.Extra) != 0 || e.Comment != "" {
					t.Errorf("entry %s has extra %x comment %q, want none", e.Name, e.Extra, e.Comment)
				}
			}
			if strings.HasSuffix(f, ".odt") {
				first := zr.File[0]
				if first.Name != "mimetype" || first.Method != zip.Store {
					t.Errorf("first entry = %s method %d, want mimetype stored", first.Name, first.Method)
				}
				if got := string(out[30:38]); got != "mimetype" {
					t.Errorf("bytes 30..38 = %q, want mimetype", got)
				}
			}
		})
	}
}

// TestEngine runs packages through the engine, as the command does: the verdict, the new
// name and type reach the caller, and a refused package yields no output.
func TestEngine(t *testing.T) {
	e, _ := newEngine(true)
	out, res := run(t, e, "invoice.docm", build(t, "ooxml/report.docx", vbaDocm...))
	if res.Verdict != sanitize.Sanitized || res.OutName != "invoice.docx" || res.OutType != sanitize.OOXMLMIME("docx") || len(out) == 0 {
		t.Errorf("engine on a docm = %s %q %q (%d bytes), want sanitized invoice.docx docx with output", res.Verdict, res.OutName, res.OutType, len(out))
	}
	out, res = run(t, e, "report.docx", readCorpus(t, "ooxml/report.docx"))
	if res.Verdict != sanitize.Sanitized || len(out) == 0 {
		t.Errorf("engine on a plain docx = %s (%d bytes), want sanitized (its metadata)", res.Verdict, len(out))
	}
	for _, a := range res.Actions {
		if a.Kind != sanitize.ActRemovedMetadata {
			t.Errorf("engine on a plain docx: action %+v, want only removed-metadata", a)
		}
	}
	keep, _ := newEngineOpts(Options{KeepHyperlinks: true, Metadata: "keep"})
	out, res = run(t, keep, "report.docx", readCorpus(t, "ooxml/report.docx"))
	if res.Verdict != sanitize.Clean || len(res.Actions) != 0 || len(out) == 0 {
		t.Errorf("engine keeping metadata on a plain docx = %s %+v, want clean with no actions", res.Verdict, res.Actions)
	}
	out, res = run(t, e, "bad.docx", readCorpus(t, "ooxml/bad-overlap.docx"))
	if res.Verdict != sanitize.Quarantined || len(out) != 0 || !strings.Contains(res.Reason, "overlap") {
		t.Errorf("engine on overlapping entries = %s %q (%d bytes), want quarantined for overlap, no output", res.Verdict, res.Reason, len(out))
	}
}

// TestNilInner: without an image sanitizer, pictures are removed, never copied through, and
// the document still opens (the references to them go too).
func TestNilInner(t *testing.T) {
	s := New(Options{KeepHyperlinks: true})
	for _, f := range []string{"ooxml/report.docx", "odf/report.odt"} {
		out, res, err := sanitizeBytes(t, s, f, readCorpus(t, f))
		if err != nil {
			t.Fatalf("Sanitize(%s): %v", f, err)
		}
		if !hasKind(res, sanitize.ActRemovedPart) {
			t.Errorf("Sanitize(%s) actions = %+v, want the images removed", f, res.Actions)
		}
		for name, body := range readParts(t, out) {
			if strings.HasSuffix(name, ".png") || strings.Contains(body, "image1.png") || strings.Contains(body, "Pictures/1000") {
				t.Errorf("Sanitize(%s) kept image or reference in %s", f, name)
			}
		}
	}
}
