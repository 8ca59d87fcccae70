package ole

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
)

// olefileDump lists every stream with its size and SHA-256 as Debian's python3-olefile, an
// independent MS-CFB implementation, reads them.
const olefileDump = `
import hashlib, json, sys, olefile
o = olefile.OleFileIO(sys.argv[1])
out = {}
for p in o.listdir(streams=True, storages=False):
    d = o.openstream(p).read()
    out["/".join(p)] = [len(d), hashlib.sha256(d).hexdigest()]
print(json.dumps(out))
`

// TestAgreesWithOlefile reads every valid corpus file with our reader and with olefile:
// both must see the same streams with the same bytes. It checks the reader's chain and
// mini-stream arithmetic against a second implementation, and the test writer too.
func TestAgreesWithOlefile(t *testing.T) {
	py := testtool.Need(t, "python3")
	if err := exec.Command(py, "-c", "import olefile").Run(); err != nil {
		py = "/usr/bin/python3" // pyenv shims may hide the Debian module
		if err := exec.Command(py, "-c", "import olefile").Run(); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatal("python3-olefile is required under CI; .ci/run must install it")
			}
			t.Skip("python3-olefile not installed (apt-get install python3-olefile)")
		}
	}
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*"))
	checked := 0
	for _, f := range files {
		if strings.HasPrefix(filepath.Base(f), "bad-") || strings.HasSuffix(f, ".md") {
			continue
		}
		checked++
		t.Run(filepath.Base(f), func(t *testing.T) {
			out, err := exec.Command(py, "-c", olefileDump, f).Output()
			if err != nil {
				t.Fatalf("olefile: %v", err)
			}
			var want map[string][2]any
			if err := json.Unmarshal(out, &want); err != nil {
				t.Fatal(err)
			}
			data := readCorpus(t, filepath.Base(f))
			c, err := parseCFB(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				t.Fatal(err)
			}
			nodes, err := c.walk()
			if err != nil {
				t.Fatal(err)
			}
			got := map[string][2]any{}
			for _, n := range nodes {
				e := c.dir[n.idx]
				if e.typ != objStream {
					continue
				}
				st, err := c.open(e)
				if err != nil {
					t.Fatalf("open %q: %v", n.path, err)
				}
				buf := make([]byte, st.size)
				if _, err := st.ReadAt(buf, 0); err != nil && st.size > 0 {
					t.Fatalf("read %q: %v", n.path, err)
				}
				sum := sha256.Sum256(buf)
				got[n.path] = [2]any{float64(len(buf)), hex.EncodeToString(sum[:])}
			}
			if g, w := keys(got), keys(want); strings.Join(g, "|") != strings.Join(w, "|") {
				t.Fatalf("streams = %q, olefile sees %q", g, w)
			}
			for k, w := range want {
				if got[k] != w {
					t.Errorf("stream %q = %v, olefile reads %v", k, got[k], w)
				}
			}
		})
	}
	// 20 files today; a moved corpus or a broken glob must not leave nothing compared.
	const want = 16
	if checked < want {
		t.Fatalf("compared %d corpus files with olefile, want at least %d (corpus %s)", checked, want, corpusDir)
	}
}

func keys(m map[string][2]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
