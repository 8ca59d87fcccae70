package mail

import (
	"bytes"
	"mime"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/sanitize"
)

// TestQuarantineNotice: the notice to the recipients of a message quarantined whole is a
// message every reader parses, in Japanese then English, with the ID, sender, subject and
// reason in words, sent as an automatic message; the sender's text cannot add a header.
func TestQuarantineNotice(t *testing.T) {
	received := time.Date(2026, 11, 16, 0, 30, 0, 0, time.UTC)
	tests := []struct {
		name string
		q    QuarantinedMessage
		want []string // lines of the decoded body
	}{
		{"limit, contact", QuarantinedMessage{ID: "Q20261116-0123456789AB", From: "a@example.com", Subject: "請求書の送付",
			Reason: "limit exceeded: mail.max_parts (max 1000, got 1001)", Verdict: sanitize.Quarantined, Received: received,
			Rcpts: []string{"staff@example.lg.jp", "boss@example.lg.jp"}, ReleaseContact: "情報政策課 (内線 1234)"},
			[]string{"　保管番号: Q20261116-0123456789AB", "　差出人: a@example.com", "　件名: 請求書の送付",
				"　受信日時: 2026年11月16日 09時30分", "　理由: サイズや件数の上限を超えています",
				"受け取りを希望する場合は、情報政策課 (内線 1234)に保管番号をお伝えください。",
				"  Reason: it exceeds a size or count limit", "To receive it, give the quarantine ID to 情報政策課 (内線 1234).",
				"This notice was sent automatically; the sender was not told."}},
		{"not a message, null sender, portal", QuarantinedMessage{ID: "Q20261116-00000000000F", Reason: "malformed: no header fields: not a mail message",
			Verdict: sanitize.Quarantined, Rcpts: []string{"staff@example.lg.jp"}, ReleaseURL: "https://portal.example.lg.jp/r/Q20261116-00000000000F"},
			[]string{"　差出人: <>", "　理由: メールとして読める形式ではありません", "https://portal.example.lg.jp/r/Q20261116-00000000000F",
				"To receive it, ask for its release at https://portal.example.lg.jp/r/Q20261116-00000000000F"}},
		{"hostile subject", QuarantinedMessage{ID: "Q1", From: "x@example.com\r\nBcc: all@example.lg.jp", Subject: "invoice\u202efdp.exe\r\nBcc: all@example.lg.jp",
			Reason: "file name extension .exe is executable", Verdict: sanitize.Blocked, Rcpts: []string{"staff@example.lg.jp"}},
			[]string{"　件名: invoice[U+202E]fdp.exe Bcc: all@example.lg.jp", "　差出人: x@example.com Bcc: all@example.lg.jp", "　理由: 実行できる形式の名前が付いています"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.q.Hostname = "gw.example.lg.jp"
			tc.q.Now = received
			var out bytes.Buffer
			if err := WriteQuarantineNotice(&out, tc.q); err != nil {
				t.Fatal(err)
			}
			msg, err := netmail.ReadMessage(bytes.NewReader(out.Bytes()))
			if err != nil {
				t.Fatalf("the notice does not parse: %v\n%s", err, out.Bytes())
			}
			for _, k := range []string{"From", "To", "Subject", "Date", "Message-Id", "Auto-Submitted", "X-Sekisho-Quarantined", "Mime-Version", "Content-Type", "Content-Transfer-Encoding"} {
				if len(msg.Header[k]) != 1 {
					t.Errorf("header %s = %q, want exactly one", k, msg.Header[k])
				}
			}
			if len(msg.Header) != 10 {
				t.Errorf("headers = %v, want only the ten sekisho writes", msg.Header)
			}
			if got := msg.Header.Get("From"); got != "sekisho <postmaster@gw.example.lg.jp>" {
				t.Errorf("From = %q", got)
			}
			if got := msg.Header.Get("Auto-Submitted"); got != "auto-generated" {
				t.Errorf("Auto-Submitted = %q", got)
			}
			to, err := msg.Header.AddressList("To")
			if err != nil || len(to) != len(tc.q.Rcpts) {
				t.Errorf("To = %v (%v), want the %d recipients", to, err, len(tc.q.Rcpts))
			}
			subj, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
			if err != nil || !strings.HasPrefix(subj, "[sekisho] メールを保管しました / A message was held") || strings.ContainsAny(subj, "\r\n\u202e") {
				t.Errorf("Subject = %q, %v", subj, err)
			}
			body, err := decodeText(msg.Body, msg.Header.Get("Content-Transfer-Encoding"), "utf-8")
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range tc.want {
				if !strings.Contains(body, want) {
					t.Errorf("body lacks %q:\n%s", want, body)
				}
			}
			ja, _, _ := strings.Cut(body, "\n\nThe message below")
			for _, l := range strings.Split(ja, "\n") {
				if strings.Contains(l, "reason") || strings.Contains(l, "limit exceeded") || strings.Contains(l, "malformed") {
					t.Errorf("Japanese line with English words: %s", l)
				}
			}
		})
	}
}

// TestReasonWords: the reasons families give, and the engine's own, come out as words.
func TestReasonWords(t *testing.T) {
	tests := []struct {
		v          sanitize.Verdict
		reason, ja string
	}{
		{sanitize.Blocked, "file name extension .exe is executable", "実行できる形式の名前が付いています"},
		{sanitize.Blocked, "file name contains invisible control character U+202E", "ファイル名に見えない制御文字が含まれています"},
		{sanitize.Quarantined, `message/attachment[1]/資料.zip: encrypted archive (ZipCrypto, entry "minutes.txt")`, "暗号化 (パスワード保護) されていて内容を確認できません"},
		{sanitize.Quarantined, "limit exceeded: limits.max_pixels (max 50000000, got 90000000)", "画像が大きすぎます"},
		{sanitize.Quarantined, "policy quarantines unknown type (application/octet-stream)", "形式を判別できません"},
		{sanitize.Quarantined, "policy quarantines svg (image/svg+xml)", "この形式は保管する設定になっています"},
		{sanitize.Quarantined, "malformed: pdf: no %%EOF marker (truncated file)", "ファイルが壊れているか、正しくない形式です"},
		{sanitize.Quarantined, "一太郎文書 (.jtd) は無害化できないため保留しました。送信者に PDF または Word (docx) 形式での再送を依頼してください / Ichitaro document (.jtd) held: it cannot be sanitized; ask the sender for PDF or docx",
			"一太郎文書 (.jtd) は無害化できないため保留しました。送信者に PDF または Word (docx) 形式での再送を依頼してください"},
		{sanitize.Quarantined, "something no table knows", "安全に無害化できませんでした"},
		{sanitize.Blocked, "something no table knows", "安全でない形式です"},
	}
	for _, tc := range tests {
		ja, en := ReasonWords(tc.v, tc.reason)
		if ja != tc.ja || en == "" || strings.ContainsAny(en, "ぁあいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをん") {
			t.Errorf("ReasonWords(%s, %q) = %q, %q, want %q and English", tc.v, tc.reason, ja, en, tc.ja)
		}
	}
}
