package rtf

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestSurvey sanitizes every RTF under $SEKISHO_RTF_SURVEY (real documents too many to
// commit: Word-written files from other projects, LibreOffice exports of Word documents)
// and prints what was removed, grouped: the false-positive count of the control-word
// allow-list is read from here. Without the variable it does nothing.
func TestSurvey(t *testing.T) {
	dir := os.Getenv("SEKISHO_RTF_SURVEY")
	if dir == "" {
		t.Skip("SEKISHO_RTF_SURVEY not set")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.rtf"))
	groups := map[string][]string{}
	clean := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		_, res, err := run(t, data, Options{Metadata: "keep"})
		if err != nil {
			groups["refused: "+err.Error()] = append(groups["refused: "+err.Error()], filepath.Base(f))
			continue
		}
		if len(res.Actions) == 0 {
			clean++
		}
		for _, a := range res.Actions {
			k := string(a.Kind) + ": " + a.Detail
			groups[k] = append(groups[k], filepath.Base(f))
		}
	}
	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	fmt.Fprintf(&b, "%d files, %d without a removal\n", len(files), clean)
	for _, k := range keys {
		fmt.Fprintf(&b, "%4d  %.200s   e.g. %s\n", len(groups[k]), k, groups[k][0])
	}
	t.Log("\n" + b.String())
}

// TestControlWordsFromReaders: every control word LibreOffice wrote in the corpus is on
// the list, and so is every kept destination; words no reader lists are not.
func TestControlWordsFromReaders(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(corpusDir, "lo-*.rtf"))
	if len(files) == 0 {
		t.Fatal("no LibreOffice-written RTF in the corpus")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lx := NewLexer(bytes.NewReader(data), int64(len(data)))
		for {
			tk, err := lx.Next()
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if tk.Kind == EOF {
				break
			}
			if tk.Kind == Word && !knownWord(tk.Name) {
				t.Errorf("%s: \\%s is not on the list", filepath.Base(f), tk.Name)
			}
		}
	}
	for w := range destinations {
		if !knownWord(w) {
			t.Errorf("destination %s is not on the list", w)
		}
	}
	for _, w := range []string{"xyzzy", "objdatax", "futurefeature", "pngblipx"} {
		if knownWord(w) {
			t.Errorf("\\%s is on the list", w)
		}
	}
}

// TestControlWordExtrasCovered: every word added to the keyword tables stays, with the
// text around it, and nothing is reported.
func TestControlWordExtrasCovered(t *testing.T) {
	var keys []string
	for w, why := range controlWordExtras {
		keys = append(keys, w)
		if why == "" {
			t.Errorf("extra %s has no reason", w)
		}
	}
	sameSet(t, "controlWordExtras", keys, controlWordExtraCases)
	for _, w := range controlWordExtraCases {
		out, res, err := run(t, []byte(`{\rtf1\ansi\`+w+`1 Before\par after.\par}`), Options{})
		if err != nil || !strings.Contains(string(out), `\`+w) || !strings.Contains(string(out), "Before") || len(res.Actions) != 0 {
			t.Errorf("\\%s: %q %+v %v, want kept with no action", w, out, res.Actions, err)
		}
	}
}

var controlWordExtraCases = []string{
	"cocoartf", "cocoasubrtf", "cocoaplatform", "cocoatextscaling", "pardirnatural", "partightenfactor",
	"pardeftab", "viewh", "vieww", "clheight", "gaph", "taflags", "abinodiroverride", "cssrgb", "csgray",
	"csgenericrgb", "c",
}
