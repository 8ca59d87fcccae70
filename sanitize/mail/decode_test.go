package mail

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

func TestDecodeHeaderText(t *testing.T) {
	tests := []struct {
		name, raw, want string
		notes           bool
		err             bool
	}{
		{"ascii", "Hello world", "Hello world", false, false},
		{"utf-8 B", "=?UTF-8?B?5pel5pys6Kqe?=", "日本語", false, false},
		{"iso-2022-jp B", "=?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?=", "日本語", false, false},
		{"adjacent words joined", "=?UTF-8?B?5pel?= =?UTF-8?B?5pys6Kqe?=", "日本語", false, false},
		{"multibyte split across words", "=?Shift_JIS?B?k/o=?=\r\n =?Shift_JIS?B?lnu=?= =?Shift_JIS?B?jOo=?=", "日本語", false, false},
		{"mixed charsets", "=?ISO-2022-JP?B?GyRCRnxLXBsoQg==?= =?UTF-8?B?6Kqe?=", "日本語", false, false},
		{"text between words kept", "=?UTF-8?B?5pel?= and =?UTF-8?B?6Kqe?=", "日 and 語", false, false},
		{"Q word", "=?utf-8?Q?caf=C3=A9_au_lait?=", "café au lait", false, false},
		{"not a word", "=?broken", "=?broken", false, false},
		{"raw utf-8", "日本語", "日本語", true, false},
		{"raw shift_jis", "\x93\xfa\x96\x7b\x8c\xea", "日本語", true, false},
		{"raw euc-jp", "\xc6\xfc\xcb\xdc\xb8\xec", "日本語", true, false},
		{"unknown charset", "=?x-unknown?B?YWJj?=", "abc", true, false},
		{"CRLF inside a word removed", "=?UTF-8?B?YQ0KYg==?=", "ab", true, false},
		{"RLO removed", "=?UTF-8?B?YeKArmI=?=", "ab", true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, notes, err := decodeHeaderText([]byte(tc.raw))
			if (err != nil) != tc.err {
				t.Fatalf("decodeHeaderText(%q) error = %v, want error %v", tc.raw, err, tc.err)
			}
			if got != tc.want {
				t.Errorf("decodeHeaderText(%q) = %q, want %q", tc.raw, got, tc.want)
			}
			if (len(notes) > 0) != tc.notes {
				t.Errorf("decodeHeaderText(%q) notes = %q, want notes %v", tc.raw, notes, tc.notes)
			}
		})
	}
}

func TestParseMedia(t *testing.T) {
	tests := []struct {
		name, raw, key, want string
		err                  bool
	}{
		{"plain", `attachment; filename="a b.pdf"`, "filename", "a b.pdf", false},
		{"rfc 2231 utf-8", `attachment; filename*=UTF-8''%E8%AD%B0%E4%BA%8B%E9%8C%B2.txt`, "filename", "議事録.txt", false},
		{"rfc 2231 iso-2022-jp", `attachment; filename*=ISO-2022-JP''%1B%24%42%35%44%3B%76%4F%3F%1B%28%42.txt`, "filename", "議事録.txt", false},
		{"rfc 2231 shift_jis with language", `attachment; filename*=shift_jis'ja'%8B%63%8E%96%98%5E.txt`, "filename", "議事録.txt", false},
		{"rfc 2231 continued", `attachment; filename*0*=UTF-8''%E8%AD%B0; filename*1*=%E4%BA%8B; filename*2=".txt"`, "filename", "議事.txt", false},
		{"encoded-word in quotes", `text/csv; name="=?ISO-2022-JP?B?GyRCPTg3VxsoQi5jc3Y=?="`, "name", "集計.csv", false},
		{"extended wins over plain", `attachment; filename="fallback.txt"; filename*=UTF-8''%E6%9C%AC.txt`, "filename", "本.txt", false},
		{"raw shift_jis", "attachment; filename=\"\x95\xf1\x8d\x90.txt\"", "filename", "報告.txt", false},
		{"duplicate identical", `text/plain; charset=utf-8; charset=utf-8`, "charset", "utf-8", false},
		{"duplicate different: the first", `text/plain; charset=utf-8; charset=shift_jis`, "charset", "utf-8", false},
		{"duplicate boundary: the first", `multipart/mixed; boundary=good; boundary=bad`, "boundary", "good", false},
		{"semicolon in quotes", `attachment; filename="a;b.txt"`, "filename", "a;b.txt", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mv, _, err := parseMedia([]byte(tc.raw), false)
			if (err != nil) != tc.err {
				t.Fatalf("parseMedia(%q) error = %v, want error %v", tc.raw, err, tc.err)
			}
			if err == nil && mv.params[tc.key] != tc.want {
				t.Errorf("parseMedia(%q)[%s] = %q, want %q", tc.raw, tc.key, mv.params[tc.key], tc.want)
			}
		})
	}
}

// TestBase64Reader: RFC 2045 §6.8 decoding. Stray characters and misplaced padding are
// skipped and reported as odd (readers disagree on them), never fatal.
func TestBase64Reader(t *testing.T) {
	tests := []struct {
		name, in, want string
		notes          bool
		odd            bool
	}{
		{"lines", "5pel5pys\r\n6Kqe\r\n", "日本語", false, false},
		{"padding", "YWI=\r\n", "ab", false, false},
		{"missing padding repaired", "YWI\r\n", "ab", true, false},
		{"garbage skipped", "YW!I=", "ab", false, true},
		{"url alphabet skipped", "YW-I=", "ab", false, true},
		{"data after padding is a new run", "YWI=YWI=", "abab", false, true},
		{"one char left dropped", "YWJjZ", "abc", true, false},
		{"padding too early skipped", "Y===WI=", "ab", false, true},
		{"incomplete padding ends a run", "QQ=Qg=", "AB", false, true},
		{"incomplete padding, then a lone character", "YW=I=", "a", true, true},
		{"long", strings.Repeat("QUJD", 10000), strings.Repeat("ABC", 10000), false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var notes textNotes
			var odd []string
			r := &b64Reader{r: newBufReader(tc.in), id: "1", notes: &notes, odd: func(s string) { odd = append(odd, s) }}
			got, err := io.ReadAll(r)
			if err != nil || string(got) != tc.want {
				t.Fatalf("decode(%q) = %q, %v, want %q", clip([]byte(tc.in)), clip(got), err, clip([]byte(tc.want)))
			}
			if (len(notes) > 0) != tc.notes {
				t.Errorf("decode(%q) notes = %q, want notes %v", tc.in, notes, tc.notes)
			}
			if (len(odd) > 0) != tc.odd {
				t.Errorf("decode(%q) odd = %q, want odd %v", tc.in, odd, tc.odd)
			}
		})
	}
}

func TestQPReader(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"escapes", "caf=C3=A9\r\n", "café\n"},
		{"soft break", "long=\r\nline\r\n", "longline\n"},
		{"soft break with padding", "long= \t\r\nline", "longline"},
		{"trailing space dropped", "text   \r\nnext", "text\nnext"},
		{"stray equals kept", "a=b 1=2=\r\n", "a=b 1=2"},
		{"equals at end", "end=", "end"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var notes textNotes
			got, err := io.ReadAll(&qpReader{r: newBufReader(tc.in), notes: &notes})
			if err != nil || string(got) != tc.want {
				t.Errorf("qp(%q) = %q, %v, want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestJISEncodable(t *testing.T) {
	tests := []struct {
		r    rune
		want bool
	}{
		{'a', true}, {'あ', true}, {'漢', true}, {'〓', true}, {'━', true}, {'・', true},
		{'①', false}, {'㈱', false}, {'髙', false}, {'😀', false}, {'ｱ', false}, {'\x1b', false},
	}
	for _, tc := range tests {
		if got := jisEncodable(tc.r); got != tc.want {
			t.Errorf("jisEncodable(%q) = %v, want %v", tc.r, got, tc.want)
		}
	}
	words, ok := encodeISO2022JPWords("【サンプル通信】十一月号：年末年始の営業日と新しい申請様式のお知らせ")
	if !ok {
		t.Fatal("encodeISO2022JPWords failed")
	}
	got, notes, err := decodeHeaderText([]byte(words))
	if err != nil || len(notes) > 0 || got != "【サンプル通信】十一月号：年末年始の営業日と新しい申請様式のお知らせ" {
		t.Errorf("round trip = %q %v %v", got, notes, err)
	}
	for _, w := range strings.Fields(words) {
		if len(w) > 75 {
			t.Errorf("encoded-word %q is longer than 75 characters", w)
		}
	}
}

func TestSafeFilename(t *testing.T) {
	tests := []struct{ in, want string }{
		{"請求書.pdf", "請求書.pdf"},
		{`..\..\windows\evil.dll`, "evil.dll"},
		{"a/b/c.txt", "c.txt"},
		{"report.pdf. . ", "report.pdf"},
		{"a\u202egnp.exe", "agnp.exe"},
		{`what?.txt`, "what_.txt"},
		{"", "attachment"},
		{strings.Repeat("長", 300) + ".docx", strings.Repeat("長", 145) + ".docx"},
	}
	for _, tc := range tests {
		if got := safeFilename(tc.in); got != tc.want {
			t.Errorf("safeFilename(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNoticePlacement(t *testing.T) {
	s := New(Options{})
	n, err := s.notice([]entry{{Name: "a.docm", Type: "docm", ActionJA: "マクロを除去しました", ActionEN: "macros removed"}})
	if err != nil {
		t.Fatal(err)
	}
	body := "本文です。\n"
	top := placeNotice(body, n, "top")
	if !strings.HasPrefix(top, noticeBegin) || !strings.HasSuffix(top, body) {
		t.Errorf("top placement:\n%s", top)
	}
	if again := placeNotice(top, n, "top"); again != top {
		t.Errorf("placing the notice twice duplicates it:\n%s", again)
	}
	bottom := placeNotice(top, n, "bottom")
	if !strings.HasPrefix(bottom, body) || strings.Count(bottom, noticeBegin) != 1 {
		t.Errorf("moving the notice to the bottom:\n%s", bottom)
	}
	if empty, _ := s.notice([]entry{{ActionEN: "no active content found", quiet: true}}); empty != "" {
		t.Errorf("a notice for clean parts only: %q", empty)
	}
	bad := New(Options{NoticeTemplateJA: "{{.Nope"})
	if err := bad.Validate(); err == nil {
		t.Error("Validate accepted a broken template")
	}
}

func TestUudecode(t *testing.T) {
	got, err := uudecode([]string{"#86)C\n"}, false)
	if err != nil || string(got) != "abc" {
		t.Errorf("uudecode = %q, %v, want abc", got, err)
	}
	if _, err := uudecode([]string{"#8\x7f)C\n"}, false); err == nil {
		t.Error("uudecode accepted an invalid character")
	}
}

func TestParseTNEF(t *testing.T) {
	b := sanitize.NewBudget(sanitize.Limits{})
	tests := []struct {
		name string
		data []byte
	}{
		{"short", []byte{0x78, 0x9f}},
		{"bad signature", []byte("not a tnef stream at all")},
		{"length beyond stream", append([]byte{0x78, 0x9f, 0x3e, 0x22, 1, 0, 1, 0x0f, 0x80, 6, 0}, 0xff, 0xff, 0xff, 0x7f)},
		{"bad checksum", []byte{0x78, 0x9f, 0x3e, 0x22, 1, 0, 2, 0x10, 0x80, 1, 0, 2, 0, 0, 0, 'a', 'b', 0, 0}},
	}
	for _, tc := range tests {
		if _, _, err := parseTNEF(bytes.NewReader(tc.data), b); !errors.Is(err, sanitize.ErrMalformed) {
			t.Errorf("%s: parseTNEF error = %v, want malformed", tc.name, err)
		}
	}
}

func TestRichText(t *testing.T) {
	if got := enrichedText("<bold>Hi</bold> <<there>\n\nnext<param>x</param>\n"); got != "Hi <there>\nnext \n" {
		t.Errorf("enrichedText = %q", got)
	}
	vc := vcardText("BEGIN:VCARD\nFN:山田 太郎\nTEL;TYPE=work:03-1234-5678\nEND:VCARD\n")
	if !strings.Contains(vc, "名前 / Name: 山田 太郎") || !strings.Contains(vc, "電話 / Phone: 03-1234-5678") {
		t.Errorf("vcardText = %q", vc)
	}
}
