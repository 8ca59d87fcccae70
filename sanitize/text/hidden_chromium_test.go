package text

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/internal/testtool"
)

// The second oracle for hidden text is a real browser. Headless Chromium parses each random
// document (the HTML standard's tree construction, adoption agency included), applies the
// CSS and reports, for every marker, whether its text is rendered: it is hidden when its
// element has no box or is invisible (Element.checkVisibility with the visibility and
// opacity checks) or is drawn in a font under one pixel. Nothing of the converter's is
// shared: not its tree builder, not hiddenStyle, not its style sheet reader. Seed 6 with
// 20,000 documents is where golang.org/x/net/html's tree differs from the standard (see
// hidden_oracle_test.go); the browser is the reference there.

var chromiumDocs = flag.Int("chromium-docs", 20000, "random documents TestHiddenTextAgainstChromium checks")
var chromiumSeed = flag.Uint64("chromium-seed", 6, "seed of TestHiddenTextAgainstChromium's documents")

// chromiumControl is the first document of every batch: the browser must see m0x and m2x
// and hide m1x, m3x, m4x and m5x, or the oracle itself is broken.
const chromiumControl = `<style>.hid{display:none}</style><div> m0x <span class="hid"> m1x </span>` +
	`<p style="font-size:0"> m2x </p></div><b hidden> m3x </b><i style="visibility:hidden"> m4x </i>` +
	`<table><tr><td style="display:none"> m5x </td></tr> m6x </table>`

var chromiumControlHidden = []string{"m1x", "m2x", "m3x", "m4x", "m5x"}

// oraclePage runs inside Chromium: DOMParser builds each document's tree with the
// browser's HTML parser, the body's children go into one container per document in this
// page (whose style sheet has the documents' .hid rule), and after one layout the markers
// of each text node are sorted into hidden and shown by the browser's own layout and
// computed style.
const oraclePage = `<!DOCTYPE html><html><head><meta charset="utf-8"><style>.hid{display:none}</style></head>
<body><pre id="out"></pre><div id="docs"></div>
<script id="src" type="application/json">%s</script>
<script>
const docs = JSON.parse(document.getElementById('src').textContent);
const parser = new DOMParser();
const holders = [];
const root = document.getElementById('docs');
for (const src of docs) {
  const parsed = parser.parseFromString(src, 'text/html');
  const holder = document.createElement('div');
  holder.style.width = '1000px';
  holder.append(...parsed.body.childNodes);
  root.appendChild(holder);
  holders.push(holder);
}
const lines = holders.map((holder, i) => {
  const hidden = [];
  const w = document.createTreeWalker(holder, NodeFilter.SHOW_TEXT);
  for (let n = w.nextNode(); n; n = w.nextNode()) {
    const ms = n.data.match(/m\d+x/g);
    if (!ms) continue;
    const el = n.parentElement;
    const shown = el.checkVisibility({visibilityProperty: true, opacityProperty: true}) &&
      parseFloat(getComputedStyle(el).fontSize) >= 1;
    if (!shown) hidden.push(...ms);
  }
  return i + ':' + hidden.join(',');
});
root.remove();
document.getElementById('out').textContent = lines.join('\n');
</script></body></html>`

// chromiumHidden returns, for each document, the markers Chromium does not render.
func chromiumHidden(t *testing.T, docs []string) []map[string]bool {
	t.Helper()
	bin := testtool.Need(t, "chromium")
	dir := t.TempDir()
	js, err := json.Marshal(docs) // escapes < and >, so no document can end the script
	if err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(dir, "oracle.html")
	if err := os.WriteFile(page, fmt.Appendf(nil, oraclePage, js), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--no-first-run", "--user-data-dir="+filepath.Join(dir, "profile"),
		"--dump-dom", "file://"+page)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.Bytes())
	}
	_, rest, ok := strings.Cut(string(out), `<pre id="out">`)
	body, _, ok2 := strings.Cut(rest, "</pre>")
	if !ok || !ok2 {
		t.Fatalf("chromium's page has no result (script failed?)\n%.2000s\n%s", out, stderr.Bytes())
	}
	lines := strings.Split(body, "\n")
	if len(lines) != len(docs) {
		t.Fatalf("chromium returned %d results for %d documents", len(lines), len(docs))
	}
	res := make([]map[string]bool, len(docs))
	for i, line := range lines {
		n, ms, _ := strings.Cut(line, ":")
		if n != strconv.Itoa(i) {
			t.Fatalf("result %d is for document %q", i, n)
		}
		res[i] = map[string]bool{}
		for m := range strings.SplitSeq(ms, ",") {
			if m != "" {
				res[i][m] = true
			}
		}
	}
	return res
}

func TestHiddenTextAgainstChromium(t *testing.T) {
	r := rand.New(rand.NewPCG(*chromiumSeed, 2))
	docs := []string{chromiumControl}
	for range *chromiumDocs {
		doc, _ := randomDoc(r)
		docs = append(docs, doc)
	}
	hidden := chromiumHidden(t, docs)
	for _, m := range chromiumControlHidden {
		if !hidden[0][m] {
			t.Fatalf("Chromium shows %s of the control document: the oracle is broken (hidden: %v)", m, hidden[0])
		}
	}
	if hidden[0]["m0x"] || hidden[0]["m6x"] {
		t.Fatalf("Chromium hides visible markers of the control document: the oracle is broken (hidden: %v)", hidden[0])
	}
	checked := 0
	for i, doc := range docs {
		var out bytes.Buffer
		if _, err := HTMLToText(&out, strings.NewReader(doc), HTMLOptions{}); err != nil {
			t.Fatal(err)
		}
		for m := range hidden[i] {
			checked++
			if regexp.MustCompile(`\b` + m + `\b`).Match(out.Bytes()) {
				t.Errorf("document %d: Chromium hides marker %s, the output has it\ndoc: %s\nout: %q", i, m, doc, out.String())
			}
		}
	}
	t.Logf("%d documents, %d hidden markers checked", len(docs), checked)
}
