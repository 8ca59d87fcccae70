package mail

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// realDir holds benign messages collected from public repositories (see its README for
// the sources and their licences).
const realDir = corpusDir + "/real"

// TestRealCorpus runs every message of the real corpus through the mail family and reads
// both the original and the output with a second, independent reader (Python's email
// package, compat32 and default policies). It reports how many messages are delivered,
// delivered with an item held, and quarantined whole, and fails when:
//   - fewer than 98% are delivered (held items count as delivered);
//   - a delivered message loses its visible text: the character bigrams of Python's
//     reading of the original's text must be 90% present in the delivered text;
//   - a file Python sees in the original is neither attached nor named in the notice;
//   - Python, under either policy, cannot read an output, sees HTML or a hidden payload in
//     it, or this package's own walker does.
func TestRealCorpus(t *testing.T) {
	var files []string
	err := filepath.WalkDir(realDir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".eml") {
			files = append(files, p)
		}
		return err
	})
	if err != nil || len(files) < 200 {
		t.Fatalf("real corpus: %d messages (%v), want at least 200", len(files), err)
	}
	_, s := testEngine(t, Options{})
	dir := t.TempDir()
	type outcome struct {
		out    string // the output's path, "" when quarantined whole
		held   bool
		reason string
	}
	got := map[string]outcome{}
	var paths []string
	for i, f := range files {
		data := readCorpus(t, strings.TrimPrefix(f, corpusDir+"/"))
		out, res, err := run(t, s, data)
		if err != nil {
			got[f] = outcome{reason: err.Error()}
			paths = append(paths, f)
			continue
		}
		o := outcome{out: writeTemp(t, dir, fmt.Sprintf("%03d.eml", i), out)}
		for _, a := range res.Actions {
			o.held = o.held || a.Kind == sanitize.ActQuarantined
		}
		got[f] = o
		paths = append(paths, f, o.out)
		if hs := walkHidden(t, s, out, 0); len(hs) > 0 {
			t.Errorf("%s: this package's walker finds %q in the output", f, hs)
		}
	}
	py := pyReadAll(t, paths)
	delivered, held, whole := 0, 0, 0
	var low []string
	for _, f := range files {
		o := got[f]
		orig := py[f]
		if o.out == "" {
			whole++
			t.Logf("quarantined whole: %s: %s", f, o.reason)
			continue
		}
		delivered++
		if o.held {
			held++
		}
		res := py[o.out]
		for name, r := range map[string]pyRead{"compat32": res.Compat32, "default": res.Default} {
			switch {
			case r.Error != "":
				t.Errorf("%s: Python (%s) cannot read the output: %s", f, name, r.Error)
			case len(r.Hidden) > 0:
				t.Errorf("%s: Python (%s) finds %q in the output", f, name, r.Hidden)
			}
			for _, ty := range r.Types {
				if ty == "text/html" {
					t.Errorf("%s: Python (%s) finds an HTML part in the output", f, name)
				}
			}
		}
		text := withoutNotice(res.Default.Text)
		want := orig.Compat32.Text
		if orig.Compat32.Error != "" {
			want = orig.Default.Text
		}
		if r := bigramRecall(want, text); r < 0.9 {
			low = append(low, fmt.Sprintf("%s (%.2f)", f, r))
		}
		delivery := res.Default.Text
		for _, fl := range res.Default.Files {
			delivery += "\n" + fl[0]
		}
		for _, fl := range orig.Compat32.Files {
			// compat32 leaves encoded-words in names, and both policies show bytes that do
			// not decode as U+FFFD where sekisho writes 〓.
			name, err := stdDecoder.DecodeHeader(fl[0])
			if err != nil {
				name = fl[0]
			}
			name = strings.ReplaceAll(name, "\ufffd", "〓")
			if name != "" && !strings.Contains(delivery, visibleName(name)) && !strings.Contains(delivery, safeFilename(name)) {
				t.Errorf("%s: the original's file %q is neither attached nor named in the notice", f, name)
			}
		}
	}
	n := len(files)
	t.Logf("real corpus: %d messages; delivered %d (%.1f%%), of which with an item held %d; quarantined whole %d; visible text kept (bigram recall >= 0.9) in %d of %d delivered",
		n, delivered, 100*float64(delivered)/float64(n), held, whole, delivered-len(low), delivered)
	if float64(delivered) < 0.98*float64(n) {
		t.Errorf("delivered %d of %d, want at least 98%%", delivered, n)
	}
	for _, l := range low {
		t.Errorf("visible text lost: %s", l)
	}
}
