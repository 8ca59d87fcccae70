package archive

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// TestEPUBRealBooks: e-books from two real producers come out as their text in reading
// order, links kept as text, nothing of their markup.
func TestEPUBRealBooks(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		// LibreOffice Writer's EPUB 3 export of a Japanese notice with 機種依存文字.
		{filepath.Join("..", "..", "testdata", "archive", "lo-ja.epub"), []string{
			"市報 12月号", "①年末年始の窓口のご案内。㈱髙橋建設からのお知らせです。", "市のホームページ",
			"https://www.city.example.lg.jp/news", "第2章 ごみの収集",
		}},
		// An EPUB 2 from Google Docs, English and Spanish.
		{filepath.Join("..", "..", "testdata", "held", "uns-eng-spa-mult.epub"), []string{"Untitled document", "All human beings are born free", "Todos los seres humanos nacen libres"}},
	}
	_, a := testEngine(t, sanitize.Limits{})
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			out, res, err := run(t, a, readFile(t, tt.file), "book.epub", sanitize.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdict != sanitize.Sanitized || res.OutName != "book.txt" || !strings.HasPrefix(res.OutType, "text/plain") {
				t.Fatalf("verdict %s, name %q, type %q; want sanitized book.txt text/plain", res.Verdict, res.OutName, res.OutType)
			}
			got := string(out)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("output lacks %q:\n%s", w, got)
				}
			}
			for _, bad := range []string{"<p", "<span", "</", "stylesheet", "xmlns"} {
				if strings.Contains(got, bad) {
					t.Errorf("output holds markup %q:\n%s", bad, got)
				}
			}
			if !hasAction(res, sanitize.ActConvertedToText) {
				t.Errorf("no converted-to-text action: %+v", res.Actions)
			}
		})
	}
}

const (
	epubContainerXML = `<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>`
	epubPage1        = `<?xml version="1.0" encoding="UTF-8"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title><script>alert("page 1")</script></head><body><p>First chapter.</p><p onclick="x()">Click <a href="javascript:alert(1)">here</a>.</p></body></html>`
	epubPage2        = `<html><body><p>Second chapter.</p><img src="../images/a.png"/></body></html>`
)

func epubOPF(spine string, items ...string) string {
	return `<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>A Book</dc:title><dc:creator>An Author</dc:creator></metadata><manifest>` +
		strings.Join(items, "") + `</manifest><spine>` + spine + `</spine></package>`
}

func makeEPUB(t *testing.T, opf string, extra ...zfile) []byte {
	files := []zfile{
		{name: "mimetype", body: []byte("application/epub+zip"), store: true},
		{name: "META-INF/container.xml", body: []byte(epubContainerXML)},
		{name: "OEBPS/content.opf", body: []byte(opf)},
	}
	return makeZip(t, append(files, extra...)...)
}

// TestEPUBCases: what is dropped from a book, and what makes one unreadable.
func TestEPUBCases(t *testing.T) {
	items := []string{
		`<item id="c1" href="text/ch1.xhtml" media-type="application/xhtml+xml"/>`,
		`<item id="c2" href="text/ch%202.xhtml" media-type="application/xhtml+xml"/>`,
		`<item id="img" href="images/a.png" media-type="image/png"/>`,
		`<item id="js" href="text/run.js" media-type="application/javascript"/>`,
	}
	spine := `<itemref idref="c1"/><itemref idref="c2"/>`
	pages := []zfile{
		{name: "OEBPS/text/ch1.xhtml", body: []byte(epubPage1)},
		{name: "OEBPS/text/ch 2.xhtml", body: []byte(epubPage2)},
		{name: "OEBPS/images/a.png", body: []byte("\x89PNG\r\n\x1a\n")},
		{name: "OEBPS/text/run.js", body: []byte("alert(2)")},
	}
	imageOnly := `<html><body><div><img src="../images/a.png"/></div></body></html>`
	tests := []struct {
		name    string
		data    []byte
		want    []string // in the output, in this order
		wantErr error
	}{
		{"book", makeEPUB(t, epubOPF(spine, items...), pages...),
			[]string{"A Book\nAn Author", "First chapter.", "Click here", "Second chapter."}, nil},
		{"fonts obfuscated", makeEPUB(t, epubOPF(spine, items...), append(pages, zfile{name: "META-INF/encryption.xml", body: []byte(
			`<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData><enc:EncryptionMethod Algorithm="http://www.idpf.org/2008/embedding"/><enc:CipherData><enc:CipherReference URI="OEBPS/fonts/a.otf"/></enc:CipherData></enc:EncryptedData></encryption>`)})...),
			[]string{"First chapter."}, nil},
		{"pages encrypted", makeEPUB(t, epubOPF(spine, items...), append(pages, zfile{name: "META-INF/encryption.xml", body: []byte(
			`<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData><enc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/><enc:CipherData><enc:CipherReference URI="OEBPS/text/ch1.xhtml"/></enc:CipherData></enc:EncryptedData></encryption>`)})...),
			nil, sanitize.ErrEncrypted},
		{"image pages only", makeEPUB(t, epubOPF(`<itemref idref="c1"/><itemref idref="img"/>`, items...),
			zfile{name: "OEBPS/text/ch1.xhtml", body: []byte(imageOnly)}, zfile{name: "OEBPS/images/a.png", body: []byte("\x89PNG")}),
			nil, sanitize.ErrUnsupported},
		{"title spelling markup", makeEPUB(t, strings.Replace(epubOPF(spine, items...), "A Book", "&lt;html&gt;&lt;b&gt;Title&lt;/b&gt;", 1), pages...),
			[]string{"＜html><b>Title</b>", "First chapter."}, nil},
		{"no pages", makeEPUB(t, epubOPF(`<itemref idref="img"/>`, items...), zfile{name: "OEBPS/images/a.png", body: []byte("\x89PNG")}),
			nil, sanitize.ErrUnsupported},
		{"page outside the book", makeEPUB(t, epubOPF(`<itemref idref="x"/>`, `<item id="x" href="../../etc/passwd" media-type="application/xhtml+xml"/>`)),
			nil, sanitize.ErrMalformed},
		{"remote page", makeEPUB(t, epubOPF(`<itemref idref="x"/>`, `<item id="x" href="https://example.com/p.xhtml" media-type="application/xhtml+xml"/>`)),
			nil, sanitize.ErrMalformed},
		{"no container", makeZip(t, zfile{name: "mimetype", body: []byte("application/epub+zip"), store: true}, zfile{name: "OEBPS/content.opf", body: []byte(epubOPF(spine, items...))}),
			nil, sanitize.ErrMalformed},
		{"entity in the package", makeEPUB(t, `<?xml version="1.0"?><!DOCTYPE package [<!ENTITY x "boom">]><package><metadata><title>&x;</title></metadata></package>`),
			nil, sanitize.ErrMalformed},
	}
	_, a := testEngine(t, sanitize.Limits{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if d := sanitize.Detect(bytes.NewReader(tt.data)); d.Name != "epub" {
				t.Fatalf("built book detected as %+v", d)
			}
			out, res, err := run(t, a, tt.data, "b.epub", sanitize.Limits{})
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := string(out)
			at := 0
			for _, w := range tt.want {
				i := strings.Index(got[at:], w)
				if i < 0 {
					t.Fatalf("output lacks %q after byte %d:\n%s", w, at, got)
				}
				at += i + len(w)
			}
			for _, bad := range []string{"alert", "javascript", "PNG"} {
				if strings.Contains(got, bad) {
					t.Errorf("output holds %q:\n%s", bad, got)
				}
			}
			if !strings.Contains(res.Actions[0].Detail, "2 pages") {
				t.Errorf("detail %q does not count 2 pages", res.Actions[0].Detail)
			}
		})
	}
}

// TestEPUBBomb: a page that expands past the ratio limit fails while it is read.
func TestEPUBBomb(t *testing.T) {
	page := "<html><body><p>" + strings.Repeat("a", 8<<20) + "</p></body></html>"
	data := makeEPUB(t, epubOPF(`<itemref idref="c1"/>`, `<item id="c1" href="c1.xhtml" media-type="application/xhtml+xml"/>`),
		zfile{name: "OEBPS/c1.xhtml", body: []byte(page)})
	_, a := testEngine(t, sanitize.Limits{})
	if _, _, err := run(t, a, data, "b.epub", sanitize.Limits{}); !errors.Is(err, sanitize.ErrLimit) {
		t.Fatalf("err = %v, want a limit", err)
	}
}

func hasAction(res sanitize.Result, k sanitize.ActionKind) bool {
	for _, a := range res.Actions {
		if a.Kind == k {
			return true
		}
	}
	return false
}
