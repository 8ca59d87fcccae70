package delivery

import (
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
)

func FuzzParseRoute(f *testing.F) {
	f.Add("city.lg.jp", "smtp://10.0.0.1:25?tls=required&insecure=1")
	f.Add("*", "dir:/var/spool/x")
	f.Fuzz(func(t *testing.T, domain, target string) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		r, err := ParseRoute(domain, target)
		if err == nil && r.Transport != "smtp" && r.Transport != "dir" {
			t.Fatalf("ParseRoute(%q) = transport %q", target, r.Transport)
		}
	})
}
