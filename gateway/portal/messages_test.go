package portal

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/sekisho/sekisho/gateway/portal/web"
)

// TestMessageKeys: every key a template or handler names exists in Japanese and English,
// so no page shows a raw key.
func TestMessageKeys(t *testing.T) {
	all := web.Messages{}
	for k, v := range web.BaseMessages() {
		all[k] = v
	}
	for _, m := range []web.Messages{messages, transferMessages, adminMessages} {
		for k, v := range m {
			all[k] = v
		}
	}
	tmplKey := regexp.MustCompile(`\.Tf? "([a-z_.]+)"`)
	goKey := regexp.MustCompile(`"((?:preview|action|login|totp|ppap|account|list|item|error|my|orig|transfer|admin)\.[a-z_]+)"`)
	files, _ := filepath.Glob("templates/*.html")
	wfiles, _ := filepath.Glob("web/templates/*.html")
	gofiles, _ := filepath.Glob("*.go")
	wgo, _ := filepath.Glob("web/*.go")
	n := 0
	for _, f := range append(append(append(files, wfiles...), gofiles...), wgo...) {
		if filepath.Ext(f) == ".go" && (filepath.Base(f) == "messages.go" || regexp.MustCompile(`_test\.go$`).MatchString(f)) {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		re := tmplKey
		if filepath.Ext(f) == ".go" {
			re = goKey
		}
		for _, m := range re.FindAllSubmatch(b, -1) {
			k := string(m[1])
			n++
			v, ok := all[k]
			if filepath.Ext(k) == ".html" {
				continue // a template name, not a message
			}
			if !ok || v[0] == "" || v[1] == "" {
				t.Errorf("%s: message %q missing or untranslated", f, k)
			}
		}
	}
	if n < 100 {
		t.Fatalf("only %d keys found: the patterns are wrong", n)
	}
}
