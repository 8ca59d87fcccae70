package text

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sekisho/sekisho/sanitize"
)

func htmlText(t testing.TB, in string, o HTMLOptions) (string, HTMLStats) {
	t.Helper()
	var out bytes.Buffer
	st, err := HTMLToText(&out, strings.NewReader(in), o)
	if err != nil {
		t.Fatalf("HTMLToText(%.60q) error: %v", in, err)
	}
	return out.String(), st
}

func TestHTMLToText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"paragraphs", "<p>one</p><p>two</p>", "one\n\ntwo\n"},
		{"br", "a<br>b<br/><br>c", "a\nb\n\nc\n"},
		{"whitespace collapses", "<p>  a \n\t b  </p>", "a b\n"},
		{"nbsp collapses", "a&nbsp;&nbsp; b", "a b\n"},
		{"entities", "&lt;b&gt; &amp; &quot;x&quot; &#x3042;&#12354; &copy;", "<b> & \"x\" ああ ©\n"},
		{"japanese line break is not a space", "<p>日本語の\n文章です。</p>", "日本語の文章です。\n"},
		{"latin line break is a space", "<p>two\nwords</p>", "two words\n"},
		{"headings", "<h1>Title</h1><h3>Sub</h3>text", "# Title\n\n### Sub\n\ntext\n"},
		{"unordered list", "<ul><li>a</li><li>b</li></ul>", "- a\n- b\n"},
		{"ordered list with start", "<ol start=\"3\"><li>a<li>b</ol>", "3. a\n4. b\n"},
		{"nested list", "<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>", "- a\n  - b\n- c\n"},
		{"list item continuation is indented", "<ol><li>first<br>second line</li></ol>", "1. first\n   second line\n"},
		{"table rows and cells", "<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>", "A | B\n1 | 2\n"},
		{"empty middle cell keeps its column", "<table><tr><td>a</td><td></td><td>c</td></tr></table>", "a | | c\n"},
		{"spacer cells add no separators", "<table><tr><td><img src=s.gif></td><td>x</td><td>&nbsp;</td></tr></table>", "x\n"},
		{"many rows without end tags stay within the depth bound", "<table>" + strings.Repeat("<tr><td>a<td>b", 300) + "</table>", strings.Repeat("a | b\n", 300)},
		{"implied cell and row ends", "<table><tr><td>1<td>2<tr><td>3<td>4</table>", "1 | 2\n3 | 4\n"},
		{"layout cell with blocks has no separators", "<table><tr><td><p>left</p></td><td><p>right</p></td></tr></table>", "left\n\nright\n"},
		{"link", `<a href="https://example.com/a">Example</a>`, "Example <https://example.com/a>\n"},
		{"link equal to text", `<a href="https://example.com/">example.com</a>`, "example.com\n"},
		{"deceptive link", `<a href="https://evil.example/">https://bank.example/</a>`, "https://bank.example/ <https://evil.example/>\n"},
		{"javascript link dropped", `<a href="java&#10;script:alert(1)">x</a>`, "x\n"},
		{"data link dropped", `<a href="data:text/html,<script>">x</a>`, "x\n"},
		{"relative link dropped", `<a href="/local">x</a>`, "x\n"},
		{"mailto", `<a href="mailto:a@example.jp">write</a> <a href="mailto:a@example.jp">a@example.jp</a>`, "write <mailto:a@example.jp> a@example.jp\n"},
		{"mailto-attach", `<a href="mailto:a@example.jp?subject=x&amp;attach=C:/Users/a/secret.xlsx">write</a>`, "write\n"},
		{"userinfo not shown", `<a href="https://bank.example@evil.example/x">go</a>`, "go <https://evil.example/x>\n"},
		{"japanese idn kept", `<a href="https://例え.jp/">go</a>`, "go <https://例え.jp/>\n"},
		{"cyrillic homograph shown as punycode", "<a href=\"https://\u0430pple.com/\">go</a>", "go <https://xn--pple-43d.com/>\n"},
		{"url escaped", `<a href="https://e.example/a b>&quot;">go</a>`, "go <https://e.example/a%20b%3E%22>\n"},
		{"rtl override escaped", "<a href=\"https://e.example/\u202egpj.exe\">go</a>", "go <https://e.example/%E2%80%AEgpj.exe>\n"},
		{"image alt", `<img src="x" alt="Logo"> <img src="pixel.gif">`, "[image: Logo]\n"},
		{"image link", `<a href="https://e.example/"><img alt="Buy"></a>`, "[image: Buy] <https://e.example/>\n"},
		{"pre keeps spaces", "<pre>\n a  b\n\tc</pre>after", " a  b\n\tc\n\nafter\n"},
		{"blockquote", "<blockquote>q</blockquote>", "> q\n"},
		{"hr", "a<hr>b", "a\n\n----------\n\nb\n"},
		{"script dropped", "a<script>var x = '<p>no</p>';</script>b", "ab\n"},
		{"empty script then text", "<script></script>after<style></style>more<title></title>end", "aftermoreend\n"},
		{"style dropped", "<style>p{color:red}</style>a", "a\n"},
		{"comment dropped", "a<!-- secret -->b", "ab\n"},
		{"conditional comment dropped", "a<!--[if mso]>OUTLOOK<![endif]-->b", "ab\n"},
		{"head and title dropped", "<html><head><title>T</title><meta charset=utf-8></head><body>x</body></html>", "x\n"},
		{"head without end tag", "<head><title>T</title><p>body text", "body text\n"},
		{"text in head ends head", "<head>visible", "visible\n"},
		{"noscript dropped", "<noscript>enable js</noscript>x", "x\n"},
		{"template dropped", "<template><p>t</p></template>x", "x\n"},
		{"iframe fallback dropped", "<iframe src=x>fallback</iframe>x", "x\n"},
		{"svg text dropped", "<svg><text>logo</text></svg>x", "x\n"},
		{"hidden attribute", "<div hidden>h</div>v", "v\n"},
		{"display none", `<span style="DISPLAY : None !important">h</span>v`, "v\n"},
		{"css comment obfuscation", `<span style="display:/**/none">h</span>v`, "v\n"},
		{"css escape obfuscation", `<span style="display:n\6f ne">h</span>v`, "v\n"},
		{"visibility hidden", `<p style="visibility:hidden">h</p>v`, "v\n"},
		{"font-size zero", `<span style="font-size:0px">h</span>v`, "v\n"},
		{"opacity zero", `<span style="opacity:0">h</span>v`, "v\n"},
		{"important with a space", `<span style="display:none ! important">h</span>v`, "v\n"},
		{"one-pixel font", `<span style="font-size:1px;color:#fff">h</span>v`, "v\n"},
		{"readable small font", `<span style="font-size:10px">v</span>`, "v\n"},
		{"transparent text", `<span style="color:transparent">h</span><span style="color: rgba(0,0,0,0)">h</span>v`, "v\n"},
		{"screen-reader-only clip", `<span style="position:absolute;clip:rect(0 0 0 0)">h</span>v`, "v\n"},
		{"scaled to nothing", `<span style="transform:scale(0)">h</span>v`, "v\n"},
		{"mso-hide", `<span style="mso-hide:all">h</span>v`, "v\n"},
		{"preheader box", `<div style="max-height:0;overflow:hidden">h</div>v`, "v\n"},
		{"off screen", `<div style="position:absolute;left:-9999px">h</div>v`, "v\n"},
		{"class hidden by style sheet", `<style>.x, #y {display:none}</style><p class="a x">h</p><p id="y">h</p>v`, "v\n"},
		{"media query rules not applied", `<style>@media (max-width:600px){.m{display:none}}</style><p class="m">v</p>`, "v\n"},
		{"hidden p closed by next p", `<p style="display:none">h<p>v`, "v\n"},
		{"self-closing div is a start tag", `<div style="display:none"/>h</div>v`, "v\n"},
		{"hidden image", `<img alt="h" style="display:none">v`, "v\n"},
		{"closed dialog", `<dialog>h</dialog><dialog open>v</dialog>`, "v\n"},
		{"input hidden", `<input type="hidden" value="h">v`, "v\n"},
		{"stray end tags", "</div></span>a</p>b", "a\n\nb\n"},
		{"controls dropped", "a&#1;b&#x7f;c\x00d", "abcd\n"},
		{"replacement character becomes geta", "a&#0;b\xffc", "a〓b〓c\n"},
		{"textarea content kept", "<textarea>line1\nline2</textarea>", "line1\nline2\n"},
		{"title in body dropped", "<body><title>t</title>x</body>", "x\n"},
		{"empty", "", ""},
		{"bullet survives an empty inline element", "<ul><li><b></b>x</li></ul>", "- x\n"},
		{"empty item leaves no bullet", "<ul><li></li></ul><p>after</p>", "after\n"},
		{"hidden p is not closed by a table", "<p hidden><table><tr><td>h</table>", ""},
		{"outlook list", "<p class=MsoListParagraph><![if !supportLists]><span style='mso-list:Ignore'>・<span>&nbsp;&nbsp; </span></span><![endif]>資料<o:p></o:p></p>", "・ 資料\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := htmlText(t, tc.in, HTMLOptions{})
			if got != tc.want {
				t.Errorf("HTMLToText(%q) =\n%q, want\n%q", tc.in, got, tc.want)
			}
		})
	}
}

func TestHTMLToTextDefang(t *testing.T) {
	tests := []struct{ in, want string }{
		{`<a href="https://example.com/x">Example</a>`, "Example <hxxps://example[.]com/x>\n"},
		{`<a href="http://a.example.co.jp/">a.example.co.jp</a>`, "hxxp://a[.]example[.]co[.]jp/\n"},
		{`<a href="mailto:a@example.jp">mail</a>`, "mail <mailto:a@example.jp>\n"},
		{`<a href="tel:+81312345678">+81312345678</a>`, "+81312345678\n"},
	}
	for _, tc := range tests {
		got, _ := htmlText(t, tc.in, HTMLOptions{DefangLinks: true})
		if got != tc.want {
			t.Errorf("HTMLToText(%q, defang) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestHTMLStats(t *testing.T) {
	in := `<script>1</script><script>2</script><div hidden><p style="display:none">x</p></div>` +
		`<a href="https://a.example/">a</a><a href="javascript:x">b</a><img alt=i><img>` +
		`<table><tr><td><table></table></td></tr></table>`
	_, st := htmlText(t, in, HTMLOptions{})
	want := HTMLStats{Links: 1, Images: 2, Tables: 2, DroppedHidden: 1, DroppedScripts: 2}
	if st != want {
		t.Errorf("HTMLStats = %+v, want %+v", st, want)
	}
}

// TestHTMLDeepNesting: a 100,000-deep document must neither blow the stack nor reveal text
// hidden above the depth bound.
func TestHTMLDeepNesting(t *testing.T) {
	const depth = 100000
	tests := []struct {
		name      string
		build     func(b *strings.Builder)
		want      []string
		forbidden []string
	}{
		{"deep divs keep their text", func(b *strings.Builder) {
			b.WriteString(strings.Repeat("<div>", depth))
			b.WriteString("deep text")
			b.WriteString(strings.Repeat("</div>", depth))
			b.WriteString("after")
		}, []string{"deep text", "after"}, nil},
		{"hidden ancestor stays hidden", func(b *strings.Builder) {
			b.WriteString(`<div hidden>`)
			b.WriteString(strings.Repeat("<div>", 300))
			b.WriteString(strings.Repeat("</div>", 300))
			b.WriteString("SECRET")
			b.WriteString(strings.Repeat("<span>", depth))
			b.WriteString("SECRET2")
			b.WriteString(strings.Repeat("</span>", depth))
			b.WriteString("SECRET3</div>visible")
		}, []string{"visible"}, []string{"SECRET"}},
		{"hidden element beyond the bound", func(b *strings.Builder) {
			b.WriteString(strings.Repeat("<div>", 1000))
			b.WriteString(`<span style="display:none">SECRET</span>`)
			b.WriteString(strings.Repeat("</div>", 1000))
			b.WriteString("visible")
		}, []string{"visible"}, []string{"SECRET"}},
		{"unclosed deep tags", func(b *strings.Builder) {
			b.WriteString(strings.Repeat("<b><i>", depth))
			b.WriteString("end")
		}, []string{"end"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			tc.build(&b)
			got, _ := htmlText(t, b.String(), HTMLOptions{})
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("output %.200q lacks %q", got, w)
				}
			}
			for _, f := range tc.forbidden {
				if strings.Contains(got, f) {
					t.Errorf("output %.200q contains hidden %q", got, f)
				}
			}
		})
	}
}

func TestHTMLMaxOutput(t *testing.T) {
	in := strings.Repeat("<p>0123456789</p>", 1000)
	var out bytes.Buffer
	_, err := HTMLToText(&out, strings.NewReader(in), HTMLOptions{MaxOutput: 1000})
	var le *sanitize.LimitError
	if !errors.As(err, &le) || le.Limit != "limits.max_file_size" {
		t.Fatalf("HTMLToText over MaxOutput: error %v, want *LimitError limits.max_file_size", err)
	}
	if out.Len() > 1000 {
		t.Errorf("wrote %d bytes, want at most 1000", out.Len())
	}
}

func TestHTMLLongLineStaysValid(t *testing.T) {
	// A line longer than the line buffer is flushed in pieces; a multibyte character
	// must never be split, and a link spanning the flush is still written.
	in := "<p>" + strings.Repeat("あ", 40000) + `<a href="https://e.example/">` + strings.Repeat("い", 30000) + "</a></p>"
	got, _ := htmlText(t, in, HTMLOptions{})
	if !utf8.ValidString(got) {
		t.Fatal("output is not valid UTF-8")
	}
	if !strings.HasSuffix(got, "い <https://e.example/>\n") {
		t.Errorf("output ends %q, want the link URL", got[len(got)-40:])
	}
}
