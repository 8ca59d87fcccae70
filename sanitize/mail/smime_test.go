package mail

import (
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// TestSignedAndEncrypted: multipart/signed is delivered with its content and without the
// signature, which a notice line and a result note explain; encrypted (S/MIME enveloped,
// PGP/MIME) and opaque-signed S/MIME content is not delivered, the original is held, and
// the notice says why. The messages are real OpenSSL and GnuPG output (smime.sh).
func TestSignedAndEncrypted(t *testing.T) {
	tests := []struct {
		file    string
		text    string   // in the delivered text
		atts    []string // delivered attachments
		notice  string   // in the notice
		note    string   // in Result.Notes
		holdsIt bool
	}{
		{"smime-signed.eml", "署名付きのメールです。請求書を添付します。", []string{"invoice.pdf"},
			"・smime.p7s（電子署名）: 削除しました。理由: メールを作り直したため、署名を付けたままにはできません", "the signature was removed", false},
		{"hold-smime-encrypted.eml", "", nil, "・元のメッセージ: 保管の対象です (この処理では保管していません)。理由: 暗号化されていて内容を確認できません", "", true},
		{"hold-pgp-encrypted.eml", "", nil, "・元のメッセージ: 保管の対象です (この処理では保管していません)。理由: 暗号化されていて内容を確認できません", "", true},
		{"hold-smime-opaque-signed.eml", "", nil, "・元のメッセージ: 保管の対象です (この処理では保管していません)。理由: 電子署名の中に包まれた内容は確認できません", "", true},
	}
	_, s := testEngine(t, Options{})
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			p, res := sanitizeParsed(t, s, tc.file)
			if !strings.Contains(p.text, tc.text) || !strings.Contains(p.text, tc.notice) {
				t.Errorf("text lacks %q or %q:\n%s", tc.text, tc.notice, p.text)
			}
			var names []string
			for _, a := range p.atts {
				names = append(names, a.name)
			}
			if strings.Join(names, "|") != strings.Join(tc.atts, "|") {
				t.Errorf("attachments = %q, want %q", names, tc.atts)
			}
			if tc.note != "" && (len(res.Notes) != 1 || !strings.Contains(res.Notes[0], tc.note)) {
				t.Errorf("Notes = %q, want one saying %q", res.Notes, tc.note)
			}
			held := false
			for _, a := range res.Actions {
				held = held || a.Kind == sanitize.ActQuarantined && a.Path == "item/original"
			}
			if held != tc.holdsIt {
				t.Errorf("original held = %v, want %v", held, tc.holdsIt)
			}
			if res.Verdict != sanitize.Sanitized {
				t.Errorf("verdict = %s, want sanitized (delivered)", res.Verdict)
			}
		})
	}
}
