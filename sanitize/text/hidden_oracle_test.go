package text

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// The oracle for hidden text is golang.org/x/net/html's full parser, which builds the tree
// a browser builds (implied end tags, misnesting, foster parenting). Every marker it puts
// under a hidden element must be absent from HTMLToText's output. Markers HTMLToText hides
// although the browser shows them are allowed: hiding more never leaks.
//
// x/net/html is not a browser: in the adoption agency algorithm it keeps on the stack a
// formatting element it drops from the active list after three inner-loop rounds (the
// specification removes it from both), so a few very deep misnestings differ there, and
// the converter follows the specification. Seed 6 with 20,000 documents hits one such
// case; the default seed does not. TestHiddenTextAgainstChromium (hidden_chromium_test.go)
// runs that seed and size against a real browser.

var oracleTags = []string{"div", "p", "span", "b", "i", "li", "ul", "ol", "table", "tr", "td", "th", "a", "font", "section", "h2", "blockquote", "pre", "dl", "dd", "tbody"}

var hideAttrs = []string{"", "", "", ` hidden`, ` style="display:none"`, ` style="font-size:0"`, ` style="visibility:hidden"`, ` class="hid"`}

func randomDoc(r *rand.Rand) (string, int) {
	var b strings.Builder
	b.WriteString("<style>.hid{display:none}</style>")
	marker := 0
	n := 5 + r.IntN(60)
	for i := 0; i < n; i++ {
		switch r.IntN(4) {
		case 0, 1:
			t := oracleTags[r.IntN(len(oracleTags))]
			fmt.Fprintf(&b, "<%s%s>", t, hideAttrs[r.IntN(len(hideAttrs))])
		case 2:
			fmt.Fprintf(&b, "</%s>", oracleTags[r.IntN(len(oracleTags))])
		case 3:
			fmt.Fprintf(&b, " m%dx ", marker)
			marker++
		}
	}
	return b.String(), marker
}

// oracleHides is the oracle's own rule set, exact for what randomDoc writes: the hidden
// attribute, its three inline styles and the class its style sheet hides. It shares nothing
// with the converter's CSS reading (hiddenStyle, styleSheet), which it checks.
func oracleHides(a html.Attribute) bool {
	switch a.Key {
	case "hidden":
		return true
	case "style":
		return a.Val == "display:none" || a.Val == "font-size:0" || a.Val == "visibility:hidden"
	case "class":
		return a.Val == "hid"
	}
	return false
}

// TestOracleHidesWhatTheGeneratorHides keeps oracleHides in step with hideAttrs.
func TestOracleHidesWhatTheGeneratorHides(t *testing.T) {
	for _, attr := range hideAttrs {
		if attr == "" {
			continue
		}
		root, err := html.Parse(strings.NewReader("<p" + attr + ">x</p>"))
		if err != nil {
			t.Fatal(err)
		}
		p := root.FirstChild.LastChild.FirstChild // html > body > p
		if len(p.Attr) != 1 || !oracleHides(p.Attr[0]) {
			t.Errorf("oracleHides does not hide %q (%+v)", attr, p.Attr)
		}
	}
}

func oracleHidden(t *testing.T, doc string) map[string]bool {
	root, err := html.Parse(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	hidden := map[string]bool{}
	re := regexp.MustCompile(`m\d+x`)
	var walk func(n *html.Node, hid bool)
	walk = func(n *html.Node, hid bool) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				hid = hid || oracleHides(a)
			}
		}
		if n.Type == html.TextNode && hid {
			for _, m := range re.FindAllString(n.Data, -1) {
				hidden[m] = true
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, hid)
		}
	}
	walk(root, false)
	return hidden
}

var oracleDocs = flag.Int("oracle-docs", 3000, "random documents TestHiddenTextAgainstParser checks")
var oracleSeed = flag.Uint64("oracle-seed", 1, "seed of TestHiddenTextAgainstParser's documents")

func TestHiddenTextAgainstParser(t *testing.T) {
	r := rand.New(rand.NewPCG(*oracleSeed, 2))
	for i := 0; i < *oracleDocs; i++ {
		doc, _ := randomDoc(r)
		hidden := oracleHidden(t, doc)
		var out bytes.Buffer
		if _, err := HTMLToText(&out, strings.NewReader(doc), HTMLOptions{}); err != nil {
			t.Fatal(err)
		}
		for m := range hidden {
			if regexp.MustCompile(`\b` + m + `\b`).Match(out.Bytes()) {
				t.Fatalf("marker %s is hidden in the parsed tree but in the output\ndoc: %s\nout: %q", m, doc, out.String())
			}
		}
	}
}
