package mail

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// sanitizeParsed sanitizes a corpus message and reads the output with the independent
// parser.
func sanitizeParsed(t *testing.T, s *Sanitizer, name string) (*parsed, sanitize.Result) {
	t.Helper()
	out, res, err := run(t, s, readCorpus(t, name))
	if err != nil {
		t.Fatal(err)
	}
	p, err := parseIndependent(out)
	if err != nil {
		t.Fatal(err)
	}
	return p, res
}

// noticeOf returns the Japanese and English halves of the notice in a parsed output.
func noticeOf(t *testing.T, text string) (ja, en []string) {
	t.Helper()
	i := strings.Index(text, noticeBegin+"\n")
	k := strings.Index(text, "\n"+noticeEnd+"\n")
	if i < 0 || k < i {
		return nil, nil
	}
	block := text[i+len(noticeBegin)+1 : k]
	halves := strings.SplitN(block, "\n\n", 2)
	if len(halves) != 2 {
		t.Fatalf("notice is not two halves:\n%s", block)
	}
	return strings.Split(halves[0], "\n"), strings.Split(halves[1], "\n")
}

// Words a Japanese line may carry in Latin letters: product and format names, as Japanese
// writes them. Everything else Latin in a Japanese line is a file name or a leak.
var latinOK = regexp.MustCompile(`sekisho|PDF|HTML|Word|Excel|PowerPoint|Office|OpenDocument|Outlook|JavaScript|ActiveX|DDE|SVG|Macintosh|yEnc|U\+[0-9A-F]{4}|Q[0-9]{8}-[0-9A-F]+`)

// checkJapanese fails on a Japanese notice line that shows an English word, a report code
// or a part path outside the file names it lists.
func checkJapanese(t *testing.T, where string, lines []string) {
	t.Helper()
	latin := regexp.MustCompile(`[A-Za-z]{2,}`)
	for _, l := range lines[1:] {
		rest := l
		switch {
		case strings.HasPrefix(l, "・"):
			// "・NAME（TYPE）: ..." or "・NAME: ...": the name is the sender's.
			if i := strings.Index(l, "（"); i >= 0 && i < strings.Index(l, ": ") {
				rest = l[i:]
			} else if i := strings.Index(l, ": "); i >= 0 {
				rest = l[i:]
			}
		case strings.HasPrefix(l, "　　- "):
			if i := strings.Index(l, ": "); i >= 0 {
				rest = l[i:]
			}
		}
		rest = regexp.MustCompile(`「[^」]*」|https?://\S+`).ReplaceAllString(rest, "")
		for _, bad := range []string{"attachment[", "item/", "part[", "removed-", "quarantined", "limits.", "reason"} {
			if strings.Contains(rest, bad) {
				t.Errorf("%s: Japanese line shows %q: %s", where, bad, l)
			}
		}
		if w := latin.FindString(latinOK.ReplaceAllString(rest, "")); w != "" {
			t.Errorf("%s: Japanese line has the Latin word %q: %s", where, w, l)
		}
	}
}

// TestNoticeLanguages: across the corpus, every Japanese line of every notice is Japanese
// (file names aside), and every English line has no Japanese outside file names.
func TestNoticeLanguages(t *testing.T) {
	_, s := testEngine(t, Options{})
	seen := 0
	for _, f := range corpusFiles(t) {
		name := filepath.Base(f)
		if isBad(name) {
			continue
		}
		out, _, err := run(t, s, readCorpus(t, name))
		if err != nil {
			t.Fatal(err)
		}
		p, err := parseIndependent(out)
		if err != nil {
			t.Fatal(err)
		}
		ja, en := noticeOf(t, p.text)
		if ja == nil {
			continue
		}
		seen++
		checkJapanese(t, name, ja)
		for _, l := range en {
			if strings.Contains(l, "理由") || strings.Contains(l, "しました") {
				t.Errorf("%s: English line in Japanese: %s", name, l)
			}
		}
	}
	if seen < 20 {
		t.Errorf("only %d corpus messages have a notice, want at least 20", seen)
	}
}

// TestNoticeArchiveEntries: the files removed from inside an archive are named, with
// their reason, under the archive's line.
func TestNoticeArchiveEntries(t *testing.T) {
	_, s := testEngine(t, Options{})
	p, _ := sanitizeParsed(t, s, "archive-with-exe.eml")
	for _, want := range []string{
		"・tools.zip（圧縮ファイル）: ",
		"　　- setup.exe: 削除しました。理由: 実行できる形式の名前が付いています\n",
		"　　- docs/run.bat: 削除しました。理由: 実行できる形式の名前が付いています\n",
		"    - setup.exe: removed: the file name is that of a program or script\n",
	} {
		if !strings.Contains(p.text, want) {
			t.Errorf("notice lacks %q:\n%s", want, p.text)
		}
	}
	if len(p.atts) != 1 || p.atts[0].name != "tools.zip" {
		t.Fatalf("attachments = %+v, want the rebuilt tools.zip", p.atts)
	}
	if bytes.Contains(p.atts[0].data, []byte("setup.exe")) {
		t.Error("the rebuilt zip still names setup.exe")
	}
}

// TestNoticeCustomTemplates: configured templates render with every documented field, in
// both halves, around the fixed marker lines.
func TestNoticeCustomTemplates(t *testing.T) {
	ja := `【お知らせ】{{range .Entries}}[{{.NameJA}}|{{.TypeJA}}|{{.ActionJA}}|{{.ReasonJA}}|{{.QID}}|{{.Held}}|{{.ReleaseURL}}{{range .Parts}}<{{.Name}}:{{.ReasonJA}}>{{end}}{{.More}}]{{end}}連絡先={{.ContactJA}}`
	en := `NOTICE {{range .Entries}}[{{.Name}}|{{.NameEN}}|{{.Type}}|{{.TypeEN}}|{{.ActionEN}}|{{.ReasonEN}}|{{.Reason}}{{range .Parts}}<{{.Name}}:{{.ActionEN}}>{{end}}]{{end}} contact={{.ContactEN}}`
	_, s := testEngine(t, Options{NoticeTemplateJA: ja, NoticeTemplateEN: en, ReleaseContact: "内線 1234"})
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	p, _ := sanitizeParsed(t, s, "archive-with-exe.eml")
	for _, want := range []string{
		noticeBegin + "\n【お知らせ】[tools.zip|圧縮ファイル|中のファイル 2 件を削除しました|||false|<setup.exe:実行できる形式の名前が付いています><docs/run.bat:実行できる形式の名前が付いています>0]連絡先=内線 1234\n\n",
		"NOTICE [tools.zip|tools.zip|zip|zip|2 files inside removed||blocked<setup.exe:removed><docs/run.bat:removed>] contact=内線 1234\n" + noticeEnd + "\n",
	} {
		if !strings.Contains(p.text, want) {
			t.Errorf("output lacks %q:\n%s", want, p.text)
		}
	}
	if strings.Contains(p.text, "このメールは sekisho により") {
		t.Error("the built-in text was rendered beside the custom template")
	}
	// A template that fails when run (not when parsed) fails the message, not silently.
	_, bad := testEngine(t, Options{NoticeTemplateJA: `{{range .Entries}}{{.Nope}}{{end}}`})
	if _, _, err := run(t, bad, readCorpus(t, "archive-with-exe.eml")); err == nil || !strings.Contains(err.Error(), "notice template") {
		t.Errorf("Sanitize with a template naming a missing field: error = %v, want a notice template error", err)
	}
}

// TestNoticeRelease: a held item says where to ask for its release: the portal page when
// ReleaseURL is set, else the contact.
func TestNoticeRelease(t *testing.T) {
	store := newStore(t)
	_, s := testEngine(t, Options{Holder: storeHolder{store}, ReleaseContact: "情報政策課",
		ReleaseURL: func(id string) string { return "https://portal.example.lg.jp/release/" + id }})
	p, res := sanitizeParsed(t, s, "hold-smime-encrypted.eml")
	recs := held(t, store)
	if len(recs) != 1 {
		t.Fatalf("store holds %d items, want the original", len(recs))
	}
	rc, err := store.Open(context.Background(), recs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	held, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(held, readCorpus(t, "hold-smime-encrypted.eml")) {
		t.Error("the held original differs from the message")
	}
	id := recs[0].ID
	for _, want := range []string{
		"・元のメッセージ: 保管しました。理由: 暗号化されていて内容を確認できません\n",
		"　　保管番号 " + id + "。解除の申請: https://portal.example.lg.jp/release/" + id + "\n",
		"- original message: held in quarantine: it is encrypted and cannot be checked\n",
		"    Held as " + id + ". Ask for its release at https://portal.example.lg.jp/release/" + id + "\n",
	} {
		if !strings.Contains(p.text, want) {
			t.Errorf("notice lacks %q:\n%s", want, p.text)
		}
	}
	ja, _ := noticeOf(t, p.text)
	checkJapanese(t, "held original", ja)
	if len(p.atts) != 0 {
		t.Errorf("encrypted content delivered: %+v", p.atts)
	}
	if res.Verdict != sanitize.Sanitized {
		t.Errorf("verdict = %s, want sanitized: the message is delivered with the notice", res.Verdict)
	}
}

// TestNoticeInvisibleNames: a name that hides its extension behind a right-to-left
// override is shown with a visible marker and never with the control itself.
func TestNoticeInvisibleNames(t *testing.T) {
	_, s := testEngine(t, Options{})
	out, res, err := run(t, s, readCorpus(t, "bidi-filename.eml"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte("\u202e")) || bytes.Contains(out, []byte("\u200b")) {
		t.Fatal("the output carries an invisible format character")
	}
	p, err := parseIndependent(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"・invoice[U+202E]fdp.exe（PDF 文書）: 削除しました", "・報告[U+200B]書.pdf（PDF 文書）: "} {
		if !strings.Contains(p.text, want) {
			t.Errorf("notice lacks %q:\n%s", want, p.text)
		}
	}
	if len(p.atts) != 1 || p.atts[0].name != "報告書.pdf" {
		t.Errorf("attachments = %v, want only 報告書.pdf (its name cleaned)", p.atts)
	}
	removed := 0
	for _, a := range res.Actions {
		if strings.Contains(a.Detail, "control characters removed") {
			removed++
		}
	}
	if removed != 2 {
		t.Errorf("%d actions report removed control characters, want 2: %+v", removed, res.Actions)
	}
}

// TestNoticePPAP: a zip or PDF held because it is encrypted gets the portal's password
// page under its line; an encrypted Office file (a kind that page does not open) and a
// file held for another reason do not.
func TestNoticePPAP(t *testing.T) {
	store := newStore(t)
	_, s := testEnginePolicy(t, Options{Holder: storeHolder{store}, ReleaseContact: "情報政策課",
		PPAPURL: func(id string) string { return "https://portal.city.lg.jp/ppap/" + id }},
		map[string]sanitize.PolicyAction{"png": sanitize.Quarantine})
	var b strings.Builder
	b.WriteString("From: keiri@example.co.jp\r\nTo: tanaka@city.lg.jp\r\nSubject: =?UTF-8?B?6KaL56mN5pu4?=\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nパスワードは別メールで送ります。\r\n")
	files := []struct{ name, path string }{
		{"見積書.zip", "../../testdata/archive/bad-zipcrypto.zip"},
		{"仕様書.pdf", "../../testdata/pdf/bad-encrypted-userpw.pdf"},
		{"議事録.docx", "../../testdata/ole/gen-encrypted.docx"},
		{"red.png", corpusDir + "/assets/red.png"},
	}
	for _, f := range files {
		data, err := os.ReadFile(f.path)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename*=UTF-8''%s\r\n"+
			"Content-Transfer-Encoding: base64\r\n\r\n%s\r\n", url.PathEscape(f.name), base64.StdEncoding.EncodeToString(data))
	}
	b.WriteString("--b--\r\n")
	out, _, err := run(t, s, []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	p, err := parseIndependent(out)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for _, r := range held(t, store) {
		ids[r.FileName] = r.ID
	}
	if len(ids) != len(files) {
		t.Fatalf("held %v, want every attachment", ids)
	}
	for _, name := range []string{"見積書.zip", "仕様書.pdf"} {
		for _, want := range []string{
			"　　パスワードが分かる場合は、次のページで入力すると中身を無害化してお届けします: https://portal.city.lg.jp/ppap/" + ids[name] + "\n",
			"    If you know its password, type it at https://portal.city.lg.jp/ppap/" + ids[name] + " to receive the contents sanitized.\n",
			"　　保管番号 " + ids[name] + "。受け取りを希望する場合は、情報政策課に保管番号をお伝えください。\n",
		} {
			if !strings.Contains(p.text, want) {
				t.Errorf("%s: notice lacks %q:\n%s", name, want, p.text)
			}
		}
	}
	if want := "・議事録.docx（Office 文書）: 保管しました。理由: 暗号化 (パスワード保護) されていて内容を確認できません\n"; !strings.Contains(p.text, want) {
		t.Errorf("notice lacks %q:\n%s", want, p.text)
	}
	for _, name := range []string{"議事録.docx", "red.png"} {
		if strings.Contains(p.text, "/ppap/"+ids[name]) {
			t.Errorf("%s: notice offers the password page for a kind it cannot open:\n%s", name, p.text)
		}
	}
	if n := strings.Count(p.text, "/ppap/"); n != 4 {
		t.Errorf("%d password-page links, want 4 (two files, two languages):\n%s", n, p.text)
	}
	ja, _ := noticeOf(t, p.text)
	checkJapanese(t, "ppap", ja)
}
