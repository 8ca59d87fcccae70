package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/sekisho/sekisho/sanitize"
)

// TestParserDecodesEscapedNames pins the pdfcpu behaviour the walk relies on: #xx escapes
// in names are decoded by the parser, in keys and in values, so matching parsed names
// catches every spelling. If a pdfcpu upgrade changed this, the sanitizer would go blind.
func TestParserDecodesEscapedNames(t *testing.T) {
	data := readFile(t, filepath.Join(corpusDir, "hostile-escaped-names.pdf"))
	for _, raw := range []string{"/O#70enAction", "/J#61vaScript", "/#41A", "/J#61v#61Script", "/J#53"} {
		if !bytes.Contains(data, []byte(raw)) {
			t.Fatalf("sample lacks the escaped spelling %s", raw)
		}
	}
	ctx, err := api.ReadContext(bytes.NewReader(data), testConf())
	if err != nil {
		t.Fatal(err)
	}
	cat, err := ctx.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := cat["OpenAction"]; !ok {
		t.Errorf("catalog keys = %v, want OpenAction decoded from /O#70enAction", keys(cat))
	}
	names, err := ctx.DereferenceDict(cat["Names"])
	if err != nil || names == nil {
		t.Fatalf("catalog /Names: %v", err)
	}
	if _, ok := names["JavaScript"]; !ok {
		t.Errorf("/Names keys = %v, want JavaScript decoded from /J#61vaScript", keys(names))
	}
	action, err := ctx.DereferenceDict(cat["OpenAction"])
	if err != nil || action == nil {
		t.Fatalf("/OpenAction: %v", err)
	}
	if got := nameOf(action, "S"); got != "JavaScript" {
		t.Errorf("/OpenAction /S = %q, want JavaScript decoded from /J#61v#61Script", got)
	}
	if _, ok := action["JS"]; !ok {
		t.Errorf("/OpenAction keys = %v, want JS decoded from /J#53", keys(action))
	}
	page, err := ctx.DereferenceDict(*types.NewIndirectRef(3, 0))
	if err != nil || page == nil {
		t.Fatalf("page: %v", err)
	}
	if _, ok := page["AA"]; !ok {
		t.Errorf("page keys = %v, want AA decoded from /#41A", keys(page))
	}
}

func keys(d types.Dict) []string {
	var k []string
	for key := range d {
		k = append(k, key)
	}
	return k
}

// TestDanglingReferencesDropped checks that references to objects that do not exist are
// removed (they mean null) rather than left to collide with objects pdfcpu writes.
func TestDanglingReferencesDropped(t *testing.T) {
	p := basePDF("/Metadata 40 0 R", "/Annots [41 0 R 6 0 R]")
	p.add(link("72 700 300 720", "<< /S /URI /URI (https://www.example.jp/) >>"))
	data, _ := p.bytes("")
	out, res, err := run(t, New(Options{}), data)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Actions) != 0 {
		t.Errorf("actions = %v, want none: a dangling reference is not content", res.Actions)
	}
	if err := reparse(out); err != nil {
		t.Fatalf("output does not re-parse: %v", err)
	}
	if got := outputURIs(t, out); len(got) != 1 {
		t.Errorf("URIs in output = %q, want the one link kept", got)
	}
}

func TestTrailingBytes(t *testing.T) {
	base, _ := basePDF("", "").bytes("")
	big := bytes.Repeat([]byte("PK\x03\x04"), 10_000)
	tests := []struct {
		name string
		data []byte
		want int64
	}{
		{"none", base, 0},
		{"whitespace", append(append([]byte(nil), base...), "\r\n  \x00"...), 0},
		{"zip", append(append([]byte(nil), base...), "PK\x03\x04junk"...), 1 + 8}, // the EOL after %%EOF counts
		{"large tail across chunks", append(append([]byte(nil), base...), big...), 1 + int64(len(big))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := trailingBytes(bytes.NewReader(tc.data), int64(len(tc.data)))
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("trailingBytes = %d, want %d", got, tc.want)
			}
		})
	}
	if _, err := trailingBytes(bytes.NewReader(base[:len(base)-10]), int64(len(base)-10)); err == nil {
		t.Errorf("trailingBytes(file without %%%%EOF) succeeded, want a truncation error")
	}
}

// TestLeadingBytes: bytes before the header (readers skip up to 1 KiB of them; a browser
// that sniffed the file would render a page there) are dropped by the rewrite and said so,
// and the verdict is not clean.
func TestLeadingBytes(t *testing.T) {
	base, _ := basePDF("", "").bytes("")
	for _, tc := range []struct {
		name string
		lead string
	}{
		{"html", "<html><script>alert(1)</script></html>\n"},
		{"banner", "X-Scanned: yes\r\n\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, res, err := run(t, New(Options{}), append([]byte(tc.lead), base...))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(out, []byte("%PDF-")) {
				t.Errorf("output starts %q", out[:min(len(out), 16)])
			}
			want := fmt.Sprintf("%d bytes before the %%PDF- header", len(tc.lead))
			found := false
			for _, a := range res.Actions {
				found = found || a.Kind == sanitize.ActRemovedTrailingData && a.Detail == want
			}
			if !found || res.Verdict != sanitize.Sanitized {
				t.Errorf("verdict %s, actions %+v; want sanitized with %q", res.Verdict, res.Actions, want)
			}
		})
	}
}

// TestDirectEncryptRefused covers an /Encrypt dictionary written directly in the trailer,
// which pdfcpu ignores (it follows only indirect references), in plain and #xx spelling.
func TestDirectEncryptRefused(t *testing.T) {
	for _, key := range []string{"/Encrypt", "/Encr#79pt"} {
		t.Run(key, func(t *testing.T) {
			data, _ := basePDF("", "").bytes(key + " << /Filter /Standard /V 1 /R 2 /O (0123456789abcdef0123456789abcdef) /U (0123456789abcdef0123456789abcdef) /P -4 >> /ID [(a) (a)]")
			_, _, err := run(t, New(Options{}), data)
			if !errors.Is(err, sanitize.ErrEncrypted) {
				t.Fatalf("Sanitize(trailer with direct %s) error = %v, want %v", key, err, sanitize.ErrEncrypted)
			}
		})
	}
}
