package mail

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"

	"github.com/sekisho/sekisho/sanitize"
)

// parsed is an output message as read by a second, independent parser: net/mail and
// mime/multipart from the standard library, not go-message and not this package.
type parsed struct {
	subject string
	header  netmail.Header
	text    string // the decoded text/plain body
	types   []string
	atts    []parsedAtt
}

type parsedAtt struct {
	name, ctype string
	data        []byte
	nested      *parsed
}

var stdDecoder = mime.WordDecoder{CharsetReader: func(cs string, r io.Reader) (io.Reader, error) {
	switch strings.ToLower(cs) {
	case "iso-2022-jp":
		return japanese.ISO2022JP.NewDecoder().Reader(r), nil
	case "utf-8", "us-ascii":
		return r, nil
	}
	return nil, fmt.Errorf("unexpected charset %q in output", cs)
}}

// parseIndependent parses an output message and checks the properties every output must
// have: it parses, is single text/plain or multipart/mixed of one text/plain plus
// attachments, has no text/html part, and every line is at most 998 bytes.
func parseIndependent(out []byte) (*parsed, error) {
	for i, l := range bytes.Split(out, []byte("\r\n")) {
		if len(l) > 998 {
			return nil, fmt.Errorf("line %d is %d bytes long", i+1, len(l))
		}
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(out))
	if err != nil {
		return nil, err
	}
	p := &parsed{header: msg.Header}
	if p.subject, err = stdDecoder.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return nil, fmt.Errorf("subject: %w", err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		return nil, fmt.Errorf("content-type: %w", err)
	}
	if !strings.HasPrefix(mt, "multipart/") {
		p.types = append(p.types, mt)
		if mt != "text/plain" {
			return nil, fmt.Errorf("top-level type %s", mt)
		}
		p.text, err = decodeText(msg.Body, msg.Header.Get("Content-Transfer-Encoding"), params["charset"])
		return p, err
	}
	if mt != "multipart/mixed" {
		return nil, fmt.Errorf("top-level type %s", mt)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for i := 0; ; i++ {
		part, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		pt, pp, err := mime.ParseMediaType(part.Header.Get("Content-Type"))
		if err != nil {
			return nil, fmt.Errorf("part %d content-type: %w", i, err)
		}
		p.types = append(p.types, pt)
		if pt == "text/html" {
			return nil, fmt.Errorf("part %d is text/html", i)
		}
		if i == 0 {
			if pt != "text/plain" {
				return nil, fmt.Errorf("first part is %s", pt)
			}
			if p.text, err = decodeText(part, part.Header.Get("Content-Transfer-Encoding"), pp["charset"]); err != nil {
				return nil, err
			}
			continue
		}
		_, dp, err := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
		if err != nil {
			return nil, fmt.Errorf("part %d disposition: %w", i, err)
		}
		data, err := decodeCTE(part, part.Header.Get("Content-Transfer-Encoding"))
		if err != nil {
			return nil, err
		}
		a := parsedAtt{name: dp["filename"], ctype: pt, data: data}
		if pp["name"] != a.name {
			return nil, fmt.Errorf("part %d: name %q and filename %q differ", i, pp["name"], a.name)
		}
		if pt == "message/rfc822" {
			if a.nested, err = parseIndependent(data); err != nil {
				return nil, fmt.Errorf("nested message %q: %w", a.name, err)
			}
		}
		p.atts = append(p.atts, a)
	}
	return p, nil
}

func decodeCTE(r io.Reader, cte string) ([]byte, error) {
	switch strings.ToLower(cte) {
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, r)
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	case "7bit", "":
	default:
		return nil, fmt.Errorf("unexpected transfer encoding %q", cte)
	}
	return io.ReadAll(r)
}

func decodeText(r io.Reader, cte, cs string) (string, error) {
	b, err := decodeCTE(r, cte)
	if err != nil {
		return "", err
	}
	switch strings.ToLower(cs) {
	case "iso-2022-jp":
		b, err = japanese.ISO2022JP.NewDecoder().Bytes(b)
		if err != nil {
			return "", err
		}
	case "utf-8", "us-ascii":
	default:
		return "", fmt.Errorf("unexpected charset %q", cs)
	}
	return strings.ReplaceAll(string(b), "\r\n", "\n"), nil
}

// hostile reports an attachment a recipient must never get: a blocked name or declared
// type, or executable or script content.
func hostile(a parsedAtt) string {
	if r := sanitize.BlockedName(a.name, a.ctype); r != "" {
		return r
	}
	t := sanitize.Detect(bytes.NewReader(a.data))
	if t.Class == sanitize.ClassExecutable || t.Class == sanitize.ClassScript || t.Name == "html" {
		return "content is " + t.Name
	}
	return ""
}

// TestIndependentParse is the 文字化け test: the output read by the standard library has
// the expected subject, body sentences and attachment names, byte for byte.
func TestIndependentParse(t *testing.T) {
	tests := []struct {
		file      string
		opt       Options
		subject   string
		sentences []string
		atts      []string // attachment file names, in order
		charset   string   // of the text part
		absent    []string // must not appear in the text
	}{
		{file: "jp-newsletter-iso2022jp.eml", subject: "【サンプル通信】十一月号：年末年始の営業日と新しい申請様式のお知らせ",
			sentences: []string{"いつもご利用いただきありがとうございます。\n株式会社サンプルより、十一月のお知らせです。", "・新しい申請様式の公開について"}},
		{file: "jp-newsletter-iso2022jp.eml", opt: Options{OutputCharset: "iso-2022-jp"}, charset: "ISO-2022-JP",
			subject: "【サンプル通信】十一月号：年末年始の営業日と新しい申請様式のお知らせ", sentences: []string{"株式会社サンプルより、十一月のお知らせです。"}},
		{file: "jp-newsletter-sjis.eml", subject: "①新製品のご案内（髙橋様）",
			sentences: []string{"髙橋様", "㈱サンプル商事の新製品のご案内です。", "① 受付開始：十二月一日"}},
		{file: "jp-newsletter-sjis.eml", opt: Options{OutputCharset: "iso-2022-jp"}, charset: "utf-8",
			subject: "①新製品のご案内（髙橋様）", sentences: []string{"㈱サンプル商事の新製品のご案内です。"}},
		{file: "jp-newsletter-eucjp.eml", subject: "市民講座のご案内",
			sentences: []string{"市民講座のご案内", "十二月五日 | 防災入門", "- 参加費は無料です。", "こちらのフォーム <https://apply.example.jp/form?id=12>"},
			absent:    []string{"隠しテキスト", "alert", "<table"}},
		{file: "jp-newsletter-eucjp.eml", opt: Options{DefangLinks: true}, subject: "市民講座のご案内",
			sentences: []string{"hxxps://apply[.]example[.]jp/form?id=12"}},
		{file: "jp-newsletter-utf8-qp.eml", subject: "定例会議のお知らせ",
			sentences: []string{"来週の定例会議は会議室Ｂで行います。\n資料は前日までにお送りします。"}},
		{file: "gmail-alternative-pdf.eml", subject: "お見積りの件（再送）",
			sentences: []string{"見積書を添付いたします。", "・見積書.pdf（PDF 文書）: 作成者などの情報を取り除きました\n", "・本文 (HTML): HTML 版を削除しました"}},
		{file: "apple-mail-related.eml", subject: "資料の送付",
			sentences: []string{"添付の資料をご確認ください。", "・logo.jpg（画像）: 削除しました。理由: 本文に埋め込まれた画像は届けません\n"}},
		{file: "outlook-related-tnef.eml", subject: "会議の写真",
			sentences: []string{"会議の写真と資料を送ります。", "・winmail.dat（Outlook 形式の添付ファイル）: 中の添付ファイル 2 件を取り出しました", "・image001.png（画像）: 削除しました"},
			atts:      []string{"議事録.txt", "写真.png"}},
		{file: "forward-nested-3.eml", subject: "Fwd: Fwd: Fwd: 元の報告", sentences: []string{"転送します。"},
			atts: []string{"memo.txt", "level1.eml"}},
		{file: "forward-nested-3.eml", opt: Options{NestedMessages: "flatten"}, subject: "Fwd: Fwd: Fwd: 元の報告",
			sentences: []string{"転送します。", "一段目の本文です。", "二段目の本文です。", "三段目の本文です。", "Subject: 元の報告"},
			atts:      []string{"memo.txt", "report.zip", "a.png"}},
		{file: "calendar-invite.eml", subject: "予算打合せ",
			sentences: []string{"予算打合せへのご招待です。", "件名 / Summary: 予算打合せ", "場所 / Location: 第二会議室", "開始 / Start: 20261201T140000 (Tokyo Standard Time)"}},
		{file: "attachment-names-jp.eml", subject: "ファイル名のテスト", sentences: []string{"filename test"},
			atts: []string{"令和八年度_予算要求資料_最終版.txt", "議事録.txt", "①名簿.txt", "集計表.csv", "報告書.txt"}},
		{file: "uuencode-binhex-body.eml", subject: "files in the body",
			sentences: []string{"Here is the invoice:", "[添付ファイル invoice.pdf は本文から取り出されました", "bye"},
			absent:    []string{"begin 644", "M)5!$1BTQ", ":$f*TEQKPH"}},
		{file: "exe-as-text.eml", subject: "invoice", sentences: []string{"see below", "削除しました"}, absent: []string{"MZ"}},
		{file: "repair-raw-8bit-subject.eml", subject: "【重要】会議室の変更", sentences: []string{"room changed"}},
		{file: "repair-nul-in-body.eml", subject: "ambiguity", sentences: []string{"visiblehidden after NUL"}},
		{file: "plain-utf8-clean.eml", subject: "明日の予定", sentences: []string{"明日は午前十時に出発します。\n"}, absent: []string{noticeBegin}},
	}
	for _, tc := range tests {
		t.Run(tc.file+"/"+tc.opt.OutputCharset+tc.opt.NestedMessages+fmt.Sprint(tc.opt.DefangLinks), func(t *testing.T) {
			_, s := testEngine(t, tc.opt)
			out, _, err := run(t, s, readCorpus(t, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			p, err := parseIndependent(out)
			if err != nil {
				t.Fatalf("output does not parse: %v\n%s", err, out)
			}
			if p.subject != tc.subject {
				t.Errorf("subject = %q, want %q", p.subject, tc.subject)
			}
			for _, want := range tc.sentences {
				if !strings.Contains(p.text, want) {
					t.Errorf("text lacks %q; text:\n%s", want, p.text)
				}
			}
			for _, no := range tc.absent {
				if strings.Contains(p.text, no) {
					t.Errorf("text contains %q", no)
				}
			}
			var names []string
			for _, a := range p.atts {
				names = append(names, a.name)
				if h := hostile(a); h != "" {
					t.Errorf("attachment %q is hostile: %s", a.name, h)
				}
			}
			if tc.atts != nil && strings.Join(names, "|") != strings.Join(tc.atts, "|") {
				t.Errorf("attachments = %q, want %q", names, tc.atts)
			}
			cs := tc.charset
			if cs == "" {
				cs = "utf-8"
			}
			if !strings.Contains(p.header.Get("Content-Type")+partCharsets(out), "charset="+cs) {
				t.Errorf("text charset is not %s", cs)
			}
		})
	}
}

// partCharsets finds the text part's charset parameter in a multipart output.
func partCharsets(out []byte) string {
	i := bytes.Index(out, []byte("Content-Type: text/plain; charset="))
	if i < 0 {
		return ""
	}
	end := bytes.IndexByte(out[i:], '\r')
	return string(out[i : i+end])
}

// TestCorpusOutputsSafe checks every non-bad corpus message: the output parses
// independently and carries no hostile attachment, at any nesting level.
func TestCorpusOutputsSafe(t *testing.T) {
	_, s := testEngine(t, Options{})
	for _, f := range corpusFiles(t) {
		name := filepath.Base(f)
		if isBad(name) {
			continue
		}
		t.Run(name, func(t *testing.T) {
			out, _, err := run(t, s, readCorpus(t, name))
			if err != nil {
				t.Fatal(err)
			}
			p, err := parseIndependent(out)
			if err != nil {
				t.Fatalf("output does not parse: %v", err)
			}
			var check func(p *parsed)
			check = func(p *parsed) {
				for _, a := range p.atts {
					if h := hostile(a); h != "" {
						t.Errorf("attachment %q is hostile: %s", a.name, h)
					}
					if a.nested != nil {
						check(a.nested)
					}
				}
			}
			check(p)
			if got := p.header["X-Sekisho-Status"]; len(got) != 1 || got[0] != "clean" && got[0] != "sanitized" {
				t.Errorf("X-Sekisho-Status = %q, want exactly one, ours", got)
			}
			if got := p.header["Received"]; len(got) != 1 || !strings.HasPrefix(got[0], "by sekisho ") {
				t.Errorf("Received = %q, want exactly one, ours", got)
			}
			for k := range p.header {
				if !allowedOut[k] {
					t.Errorf("output has header %s, which is not on the copy list", k)
				}
			}
		})
	}
}

// allowedOut are the headers an output may carry with the default options.
var allowedOut = map[string]bool{"Received": true, "From": true, "To": true, "Cc": true, "Reply-To": true,
	"Subject": true, "Date": true, "Message-Id": true, "In-Reply-To": true, "References": true,
	"Mime-Version": true, "Content-Type": true, "Content-Transfer-Encoding": true,
	"X-Sekisho-Status": true, "X-Sekisho-Actions": true}

func TestExtraHeaders(t *testing.T) {
	_, s := testEngine(t, Options{ExtraHeaders: []string{"x-mailer", "Content-Type", "X-Sekisho-Status", "received"}})
	out, _, err := run(t, s, readCorpus(t, "jp-newsletter-sjis.eml"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := parseIndependent(out)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.header.Get("X-Mailer"); got != "WinBiff 2.51" {
		t.Errorf("X-Mailer = %q, want the copied value", got)
	}
	if got := p.header["X-Sekisho-Status"]; len(got) != 1 || got[0] != "sanitized" {
		t.Errorf("X-Sekisho-Status = %q: an extra header must not bring the incoming one back", got)
	}
	if got := p.header["Received"]; len(got) != 1 {
		t.Errorf("Received = %q: trace headers are never copied", got)
	}
}
