package mail

import (
	"strings"

	"github.com/sekisho/sekisho/sanitize"
)

// holdCause says, for the notice and the report, why the original message is held.
type holdCause struct{ ja, en, detail string }

var (
	causeReading = holdCause{ja: "他のメールソフトでは、ここに届いた内容と異なる添付ファイルが見える形式です",
		en: "other mail programs would show attachments this delivery does not"}
	causeEncoding = holdCause{ja: "添付ファイルの符号化に誤りがあり、メールソフトによって異なる内容に読めます",
		en: "an attachment is encoded with errors that mail programs read differently"}
	causeEncrypted = holdCause{ja: "暗号化されていて内容を確認できません", en: "it is encrypted and cannot be checked"}
	causeWrapped   = holdCause{ja: "電子署名の中に包まれた内容は確認できません", en: "its content is wrapped inside a signature and cannot be checked"}
	causeYEnc      = holdCause{ja: "本文に、ここでは取り出せない形式 (yEnc) で符号化されたファイルがあります",
		en: "its text carries a file in an encoding (yEnc) that is not decoded here"}
)

// hold asks for the original to be held, for one more cause.
func (j *job) hold(c holdCause, detail string) {
	c.detail = detail
	j.holds = append(j.holds, c)
}

// holdOriginal keeps the whole original message as one more held item, listed first in
// the notice.
func (j *job) holdOriginal(in *sanitize.Item) error {
	if len(j.holds) == 0 {
		return nil
	}
	item := &sanitize.Item{Body: in.Body, Path: sanitize.JoinPath(in.Path, "original"), Name: "original.eml",
		DeclaredType: "message/rfc822", Detected: sanitize.Type{Name: "eml", Class: sanitize.ClassMessage, MIME: "message/rfc822", Ext: ".eml"},
		Origin: j.origin}
	var details, ja, en []string
	for _, c := range j.holds {
		details = append(details, c.detail)
		if !containsName(ja, c.ja) {
			ja, en = append(ja, c.ja), append(en, c.en)
		}
	}
	r := refusal(item, sanitize.Quarantined, "original kept: "+strings.Join(details, "; "))
	n := len(j.entries)
	if err := j.record(item, r, nil); err != nil {
		return err
	}
	e := j.entries[n]
	e.original = true
	e.Name, e.NameJA, e.NameEN, e.TypeJA, e.TypeEN = "元のメッセージ / original message", "元のメッセージ", "original message", "", ""
	e.ReasonJA, e.ReasonEN = strings.Join(ja, "。"), strings.Join(en, "; ")
	copy(j.entries[1:], j.entries[:n])
	j.entries[0] = e
	return nil
}

// encrypted holds the original of a message with encrypted content (S/MIME enveloped
// data, PGP/MIME): nothing inside can be checked, and only the original can be decrypted.
func (j *job) encrypted(p *part, what string) error {
	j.res.Add(sanitize.ActRemovedPart, j.bodyPath("encrypted"), what+" encrypted content cannot be checked: the original is held")
	j.hold(causeEncrypted, what+" encrypted content cannot be checked")
	return nil
}

// smime handles an application/pkcs7-mime part (RFC 8551): enveloped data is encrypted;
// opaque signed data wraps its content inside the signature, which is not unpacked here;
// a certificate bundle carries no content and goes like a signature.
func (j *job) smime(p *part) error {
	switch strings.ToLower(p.ctype.params["smime-type"]) {
	case "certs-only":
		j.drop(p, dropSignature)
		return nil
	case "signed-data":
		j.res.Add(sanitize.ActRemovedPart, j.bodyPath("signed"), "S/MIME opaque-signed content cannot be checked: the original is held")
		j.hold(causeWrapped, "S/MIME opaque-signed content cannot be checked")
		return nil
	}
	return j.encrypted(p, "S/MIME")
}

func isPKCS7Mime(p *part) bool {
	switch p.ctype.value {
	case "application/pkcs7-mime", "application/x-pkcs7-mime":
		return true
	}
	return extOf(p.name) == ".p7m"
}

func isSignature(p *part) bool {
	switch p.ctype.value {
	case "application/pkcs7-signature", "application/x-pkcs7-signature", "application/pgp-signature":
		return true
	}
	return extOf(p.name) == ".p7s"
}
