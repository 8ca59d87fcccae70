package mail

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/sanitizetest"
)

// goldenReport is what the report golden holds: the result, or the error for messages that
// must be refused as a whole.
type goldenReport struct {
	Error  string           `json:"error,omitempty"`
	Result *sanitize.Result `json:"result,omitempty"`
}

// canonicalOutput elides the base64 bodies of attachments other than text: families such as
// pdf write a fresh file ID on every run, so the bytes are not stable, and the goldens
// hold the message structure, headers, text and names (STYLE.md §7). Text parts and
// nested messages are kept in full.
func canonicalOutput(out []byte) []byte {
	var b bytes.Buffer
	lines := bytes.SplitAfter(out, []byte("\r\n"))
	header := true
	var hdr []byte
	elide, elided, nestedNext := false, false, false
	for _, l := range lines {
		t := bytes.TrimRight(l, "\r\n")
		switch {
		case bytes.HasPrefix(t, []byte("--=_sekisho_")):
			header, hdr, elide, elided = true, hdr[:0], false, false
		case header && len(t) == 0:
			header = false
			h := string(hdr)
			elide = strings.Contains(h, "Content-Transfer-Encoding: base64") && !strings.Contains(h, "Content-Type: text/plain")
			if nestedNext {
				// The body of a message/rfc822 part starts with the nested header.
				nestedNext = false
			}
			if strings.Contains(h, "Content-Type: message/rfc822") {
				b.Write(l)
				header, hdr, nestedNext = true, hdr[:0], true
				continue
			}
		case header:
			hdr = append(hdr, l...)
		case elide && len(t) > 0:
			if !elided {
				b.WriteString("[base64 body elided]\r\n")
				elided = true
			}
			continue
		}
		b.Write(l)
	}
	return b.Bytes()
}

// TestGolden sanitizes every message of the corpus and compares the new message and the
// report with <case>.out.golden and <case>.report.golden.json (go test -run TestGolden
// -update rewrites them). Messages named bad-* must be refused; all others must succeed,
// and hold-* (only they) with the original held (another reader sees other files, or the
// content is encrypted or wrapped in a signature).
func TestGolden(t *testing.T) {
	_, s := testEngine(t, Options{})
	for _, f := range corpusFiles(t) {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			out, res, err := run(t, s, readCorpus(t, name))
			var rep goldenReport
			switch {
			case isBad(name) && err == nil:
				t.Fatalf("Sanitize(%s) = %s, want an error", name, res.Verdict)
			case !isBad(name) && err != nil:
				t.Fatalf("Sanitize(%s) error: %v", name, err)
			case err != nil:
				rep.Error = err.Error()
				out = nil
			default:
				rep.Result = &res
			}
			if err == nil {
				held := false
				for _, a := range res.Actions {
					held = held || a.Kind == sanitize.ActQuarantined && a.Path == "item/original"
				}
				if held != strings.HasPrefix(name, "hold-") {
					t.Errorf("original held = %v; hold-* (and only they) must hold it: %+v", held, res.Actions)
				}
			}
			js, jerr := json.MarshalIndent(rep, "", "  ")
			if jerr != nil {
				t.Fatal(jerr)
			}
			js = append(js, '\n')
			base := filepath.Join(corpusDir, strings.TrimSuffix(name, ".eml"))
			checkGolden(t, base+".report.golden.json", js)
			if err == nil {
				checkGolden(t, base+".out.golden", canonicalOutput(out))
			}
		})
	}
}

func checkGolden(t *testing.T, file string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (run with -update after checking):\ngot:\n%s\nwant:\n%s", filepath.Base(file), clipText(got), clipText(want))
	}
}

func clipText(b []byte) string {
	if len(b) > 3000 {
		return string(b[:3000]) + "\n..."
	}
	return string(b)
}

// withoutStatus drops the X-Sekisho-* lines, which describe the pass that wrote them.
func withoutStatus(b []byte) []byte {
	var out [][]byte
	skip := false
	for _, l := range bytes.SplitAfter(b, []byte("\r\n")) {
		if bytes.HasPrefix(l, []byte("X-Sekisho-")) || skip && (l[0] == ' ' || l[0] == '\t') {
			skip = true
			continue
		}
		skip = false
		out = append(out, l)
	}
	return bytes.Join(out, nil)
}

// TestIdempotent checks the fixed point: sanitizing an output again gives Clean, no
// actions and the same bytes but for the X-Sekisho-* status headers.
func TestIdempotent(t *testing.T) {
	for _, opt := range []struct {
		name string
		o    Options
	}{
		{"default", Options{}},
		{"iso-2022-jp", Options{OutputCharset: "iso-2022-jp"}},
		{"bottom-flatten", Options{NoticePosition: "bottom", NestedMessages: "flatten"}},
	} {
		_, s := testEngine(t, opt.o)
		for _, f := range corpusFiles(t) {
			name := filepath.Base(f)
			if isBad(name) {
				continue
			}
			t.Run(opt.name+"/"+name, func(t *testing.T) {
				out, _, err := run(t, s, readCorpus(t, name))
				if err != nil {
					t.Fatal(err)
				}
				out2, res2, err := run(t, s, out)
				if err != nil {
					t.Fatalf("second pass: %v", err)
				}
				if res2.Verdict != sanitize.Clean || len(res2.Actions) != 0 {
					t.Errorf("second pass = %s %+v, want clean with no actions", res2.Verdict, res2.Actions)
				}
				if !bytes.Equal(canonicalOutput(withoutStatus(out)), canonicalOutput(withoutStatus(out2))) {
					t.Errorf("second pass changed the message:\nfirst:\n%s\nsecond:\n%s", clipText(out), clipText(out2))
				}
			})
		}
	}
}

// TestConformance runs the engine's conformance suite over the corpus, with the
// independent parser as the re-parse check.
func TestConformance(t *testing.T) {
	_, s := testEngine(t, Options{})
	sanitizetest.Run(t, s, corpusFiles(t), sanitizetest.Options{
		Reparse:           func(out []byte) error { _, err := parseIndependent(out); return err },
		TruncationMayPass: true,
	})
}
