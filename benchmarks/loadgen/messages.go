package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"mime"
	"strings"
	"time"

	"golang.org/x/text/encoding/japanese"
)

// Message kinds the generator makes, each with distinct bytes per message (a unique ID,
// unique text in every body and attachment), so that nothing could be served from a
// cache keyed by content:
//
//	text     about 4 KiB of plain text (issue 14 case a)
//	html-ja  about 10 KiB of Japanese HTML with a plain-text alternative, every other
//	         message in ISO-2022-JP, the others in UTF-8 (case b)
//	mixed    about 50 KiB: Japanese HTML body, a 2-page PDF and a DOCX (case c)
//	large    about 500 KiB: HTML body, a PDF with three photographs and an XLSX (case d)
var kinds = map[string]func(g *gen, i int) []byte{
	"text":    (*gen).text,
	"html-ja": (*gen).htmlJA,
	"mixed":   (*gen).mixed,
	"large":   (*gen).large,
}

// gen makes messages for one run; run makes Message-IDs unique across runs.
type gen struct {
	run  string
	from string
	to   string
	tpl  *templates
}

// jaSentences are the building blocks of the Japanese bodies and documents.
var jaSentences = []string{
	"インターネットから受け取ったファイルは、無害化してから庁内のネットワークに取り込みます。",
	"住民票の写しの交付申請は、窓口または郵送で受け付けています。",
	"申請書には氏名、住所、生年月日を記入してください。",
	"手数料は一通につき三百円です。",
	"本人確認書類として運転免許証、マイナンバーカード、旅券のいずれかを提示してください。",
	"電子メールに添付された文書は、安全な形式に作り直してから職員に届けます。",
	"ご不明な点は、総務課情報政策係までお問い合わせください。",
	"令和八年度の予算編成に関する資料を送付いたします。",
	"会議は第三会議室で午後二時から開催します。",
	"見積書の有効期限は発行日から三十日間です。",
}

var enWords = strings.Fields("the quick brown fox jumps over a lazy dog while municipal staff review invoices " +
	"budget reports meeting minutes and the quarterly schedule for every department office")

func (g *gen) msgID(i int) string { return fmt.Sprintf("lg-%s-%d@bench.test", g.run, i) }

// header writes the top-level header; subject is already encoded when needed.
func (g *gen) header(b *bytes.Buffer, i int, subject, contentType string) {
	fmt.Fprintf(b, "From: =?UTF-8?B?%s?= <%s>\r\n", base64.StdEncoding.EncodeToString([]byte("送信者 太郎")), g.from)
	fmt.Fprintf(b, "To: <%s>\r\n", g.to)
	fmt.Fprintf(b, "Subject: %s\r\n", subject)
	fmt.Fprintf(b, "Date: %s\r\n", time.Now().Format(time.RFC1123Z))
	fmt.Fprintf(b, "Message-ID: <%s>\r\n", g.msgID(i))
	b.WriteString("MIME-Version: 1.0\r\n")
	fmt.Fprintf(b, "Content-Type: %s\r\n\r\n", contentType)
}

func jaSubject(i int) string {
	return mime.BEncoding.Encode("UTF-8", fmt.Sprintf("【連絡】資料送付のご案内 第%d号", i))
}

// jaText is n bytes (about) of Japanese sentences, with the message number in it.
func jaText(r *rand.Rand, i, n int) []string {
	var out []string
	size := 0
	for p := 0; size < n; p++ {
		var s strings.Builder
		fmt.Fprintf(&s, "第%d段落（通番 %d-%d）", p+1, i, r.IntN(1000000))
		for k := 0; k < 3; k++ {
			s.WriteString(jaSentences[r.IntN(len(jaSentences))])
		}
		out = append(out, s.String())
		size += s.Len()
	}
	return out
}

func (g *gen) text(i int) []byte {
	r := rand.New(rand.NewPCG(uint64(i), 1))
	var b bytes.Buffer
	g.header(&b, i, fmt.Sprintf("load test %d", i), "text/plain; charset=utf-8")
	for line := 0; b.Len() < 4096; line++ {
		fmt.Fprintf(&b, "%d.%d", i, line)
		for w := 0; w < 10; w++ {
			b.WriteString(" " + enWords[r.IntN(len(enWords))])
		}
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

// htmlPage is a Japanese HTML page of about n bytes of text, with a table and links.
func htmlPage(r *rand.Rand, i, n int) (html, plain string) {
	paras := jaText(r, i, n)
	var h, p strings.Builder
	h.WriteString("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html\"><title>お知らせ</title></head><body>\r\n")
	fmt.Fprintf(&h, "<h2>お知らせ 第%d号</h2>\r\n", i)
	for k, s := range paras {
		fmt.Fprintf(&h, "<p style=\"margin:0 0 1em\">%s</p>\r\n", s)
		p.WriteString(s + "\r\n\r\n")
		if k == 1 {
			h.WriteString("<table border=\"1\"><tr><th>項目</th><th>金額</th></tr>")
			for row := 0; row < 4; row++ {
				fmt.Fprintf(&h, "<tr><td>費目%d</td><td>%d円</td></tr>", row+1, r.IntN(100000))
			}
			h.WriteString("</table>\r\n")
		}
	}
	h.WriteString("<p><a href=\"https://www.city.example.lg.jp/info\">市のホームページ</a></p></body></html>\r\n")
	return h.String(), p.String()
}

// alternative writes a multipart/alternative text + HTML body in charset cs
// ("utf-8": base64; "iso-2022-jp": 7bit), as Japanese mailers send them.
func alternative(b *bytes.Buffer, boundary, cs, html, plain string) {
	enc := func(s string) (string, string) {
		if cs == "iso-2022-jp" {
			out, err := japanese.ISO2022JP.NewEncoder().String(strings.ReplaceAll(s, "\r\n", "\n"))
			if err != nil {
				panic(err)
			}
			return "7bit", strings.ReplaceAll(out, "\n", "\r\n")
		}
		return "base64", wrap76(base64.StdEncoding.EncodeToString([]byte(s)))
	}
	for _, part := range []struct{ ct, body string }{{"text/plain", plain}, {"text/html", html}} {
		cte, body := enc(part.body)
		fmt.Fprintf(b, "--%s\r\nContent-Type: %s; charset=%s\r\nContent-Transfer-Encoding: %s\r\n\r\n%s\r\n", boundary, part.ct, cs, cte, body)
	}
	fmt.Fprintf(b, "--%s--\r\n", boundary)
}

func (g *gen) htmlJA(i int) []byte {
	r := rand.New(rand.NewPCG(uint64(i), 2))
	cs, n := "utf-8", 3300
	if i%2 == 0 {
		cs, n = "iso-2022-jp", 5000
	}
	html, plain := htmlPage(r, i, n)
	var b bytes.Buffer
	bd := fmt.Sprintf("alt-%s-%d", g.run, i)
	g.header(&b, i, jaSubject(i), "multipart/alternative; boundary=\""+bd+"\"")
	alternative(&b, bd, cs, html, plain)
	return b.Bytes()
}

// attach writes a base64 attachment part.
func attach(b *bytes.Buffer, boundary, ct, name string, data []byte) {
	fn := mime.BEncoding.Encode("UTF-8", name)
	fmt.Fprintf(b, "--%s\r\nContent-Type: %s; name=\"%s\"\r\nContent-Disposition: attachment; filename=\"%s\"\r\nContent-Transfer-Encoding: base64\r\n\r\n", boundary, ct, fn, fn)
	b.WriteString(wrap76(base64.StdEncoding.EncodeToString(data)))
}

// wrap76 breaks base64 into lines of 76 characters, each ending in CRLF.
func wrap76(enc string) string {
	var b strings.Builder
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return b.String()
}

func (g *gen) withAttachments(i int, htmlBytes int, files []attachment) []byte {
	r := rand.New(rand.NewPCG(uint64(i), 3))
	html, plain := htmlPage(r, i, htmlBytes)
	var b bytes.Buffer
	mixed, alt := fmt.Sprintf("mix-%s-%d", g.run, i), fmt.Sprintf("alt-%s-%d", g.run, i)
	g.header(&b, i, jaSubject(i), "multipart/mixed; boundary=\""+mixed+"\"")
	fmt.Fprintf(&b, "--%s\r\nContent-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n", mixed, alt)
	alternative(&b, alt, "utf-8", html, plain)
	for _, f := range files {
		attach(&b, mixed, f.ct, f.name, f.data)
	}
	fmt.Fprintf(&b, "--%s--\r\n", mixed)
	return b.Bytes()
}

type attachment struct {
	ct, name string
	data     []byte
}

func (g *gen) mixed(i int) []byte {
	r := rand.New(rand.NewPCG(uint64(i), 4))
	pdf := textPDF(r, i, 2, 3800, g.tpl.logo)
	docx := g.tpl.docx.vary(fmt.Sprintf("文書番号 %s-%d：", g.run, i))
	return g.withAttachments(i, 4000, []attachment{
		{"application/pdf", fmt.Sprintf("見積書_%d.pdf", i), pdf},
		{"application/vnd.openxmlformats-officedocument.wordprocessingml.document", fmt.Sprintf("報告書_%d.docx", i), docx},
	})
}

func (g *gen) large(i int) []byte {
	r := rand.New(rand.NewPCG(uint64(i), 5))
	pdf := photoPDF(r, i, 3)
	xlsx := g.tpl.xlsx.vary(fmt.Sprintf("台帳 %s-%d ", g.run, i))
	return g.withAttachments(i, 3000, []attachment{
		{"application/pdf", fmt.Sprintf("現場写真_%d.pdf", i), pdf},
		{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", fmt.Sprintf("台帳_%d.xlsx", i), xlsx},
	})
}
