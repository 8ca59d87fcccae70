package mail

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/sekisho/sekisho/sanitize"
)

// The notice speaks to the recipient: a Japanese line entirely in Japanese and an English
// one, with reasons in words, never the report's codes or part paths. These tables turn
// the report into those words; the report itself (actions, Reason) is unchanged.

// typeWords names a detected type for people.
func typeWords(t sanitize.Type, declared string) (ja, en string) {
	en = typeName(t, declared)
	switch t.Name {
	case "docx", "docm", "dotx", "dotm":
		return "Word 文書", en
	case "xlsx", "xlsm", "xltx", "xltm", "xlsb":
		return "Excel ブック", en
	case "pptx", "pptm", "ppsx", "ppsm", "potx", "potm":
		return "PowerPoint 資料", en
	case "csv", "tsv":
		return "表形式のテキスト", en
	case "html":
		return "HTML 文書", en
	case "ichitaro":
		return "一太郎文書", en
	case "empty":
		return "空のファイル", en
	case "com":
		return "実行ファイル", en
	case "ole":
		// A compound file the detector could not name further is, in mail, mostly an
		// encrypted Word or Excel file (MS-OFFCRYPTO wraps the package in one): not "old".
		return "Office 文書", en
	}
	switch t.Class {
	case sanitize.ClassPDF:
		return "PDF 文書", en
	case sanitize.ClassImage:
		return "画像", en
	case sanitize.ClassSVG:
		return "SVG 画像", en
	case sanitize.ClassText:
		return "テキスト", en
	case sanitize.ClassRTF:
		return "リッチテキスト文書", en
	case sanitize.ClassOOXML:
		return "Office 文書", en
	case sanitize.ClassODF:
		return "OpenDocument 文書", en
	case sanitize.ClassOLE:
		return "旧形式の Office 文書", en
	case sanitize.ClassArchive:
		return "圧縮ファイル", en
	case sanitize.ClassMessage:
		return "メール", en
	case sanitize.ClassExecutable:
		return "実行ファイル", en
	case sanitize.ClassScript:
		return "スクリプト", en
	case sanitize.ClassMedia:
		return "音声・動画", en
	}
	switch {
	case strings.HasPrefix(declared, "text/html"):
		return "HTML", en
	case strings.HasPrefix(declared, "image/"):
		return "画像", en
	case strings.HasPrefix(declared, "text/"):
		return "テキスト", en
	}
	return "不明な形式", en
}

// removedWords names what a family removed or changed, by action kind: the words after
// "removed" in a sanitized attachment's line. Kinds that change nothing a recipient can
// see (rebuilt, re-encoded) are not listed.
var removedWords = []struct {
	kind   sanitize.ActionKind
	ja, en string
}{
	{sanitize.ActRemovedMacros, "マクロ", "macros"},
	{sanitize.ActRemovedJavaScript, "JavaScript", "JavaScript"},
	{sanitize.ActRemovedAction, "自動で動く処理", "automatic actions"},
	{sanitize.ActRemovedActiveX, "ActiveX コントロール", "ActiveX controls"},
	{sanitize.ActRemovedOLE, "埋め込みオブジェクト", "embedded objects"},
	{sanitize.ActRemovedEmbeddedFile, "埋め込みファイル", "embedded files"},
	{sanitize.ActRemovedDDE, "DDE (外部プログラムとの連携)", "DDE links to other programs"},
	{sanitize.ActRemovedExternalLink, "外部への参照", "references to outside resources"},
	{sanitize.ActRemovedLink, "リンク", "links"},
	{sanitize.ActRemovedForm, "入力フォーム", "forms"},
	{sanitize.ActRemovedRichMedia, "動画・音声などの埋め込み", "embedded media"},
	{sanitize.ActNeutralizedFormula, "危険な数式", "dangerous formulas"},
	{sanitize.ActRemovedMetadata, "作成者などの情報", "author and other metadata"},
	{sanitize.ActRemovedTrailingData, "余分なデータ (ファイルの前後に付いたもの)", "extra data (before or after the file)"},
	{sanitize.ActRemovedControlChars, "制御文字", "control characters"},
	{sanitize.ActRemovedPart, "一部の要素", "some parts"},
	{sanitize.ActRemovedFont, "埋め込みフォント (代替フォントで表示されます)", "embedded fonts (text shows in a substitute font)"},
	{sanitize.ActRemovedUnknown, "用途が確認できない要素", "elements of no known use"},
}

// removedList lists, in both languages, what the actions of one attachment removed.
func removedList(r sanitize.Result) (ja, en string) {
	kinds := map[sanitize.ActionKind]bool{}
	for _, a := range r.Actions {
		kinds[a.Kind] = true
	}
	var js, es []string
	for _, w := range removedWords {
		if kinds[w.kind] {
			js = append(js, w.ja)
			es = append(es, w.en)
		}
	}
	return strings.Join(js, "、"), strings.Join(es, ", ")
}

// reasonWords translates why an item was blocked, held or removed: the sentinel and the
// dotted limit key the families put in their reasons, then the engine's own phrases.
// First match wins; the verdict decides the rest.
var reasonWords = []struct {
	has    string
	ja, en string
}{
	{"file name contains invisible", "ファイル名に見えない制御文字が含まれています", "the file name contains invisible control characters"},
	{"shell class ID", "ファイル名が実行形式を隠す形をしています", "the file name hides an executable type"},
	{"file name extension", "実行できる形式の名前が付いています", "the file name is that of a program or script"},
	{"also named", "別の名前では実行できる形式になっています", "its other name is that of a program or script"},
	{"declared type", "実行できる形式として送られています", "it was sent as a program"},
	{"policy blocks", "実行ファイルやスクリプトは受け取れません", "programs and scripts are not accepted"},
	{"policy strips", "この形式は受け取らない設定です", "this type is not accepted here"},
	{"limits.max_depth", "圧縮や転送の入れ子が深すぎます", "it is nested too deeply"},
	{"limits.timeout", "処理に時間がかかりすぎました", "it took too long to check"},
	{"limits.max_pixels", "画像が大きすぎます", "the image is too large"},
	{"limits.max_pages", "ページ数が多すぎます", "it has too many pages"},
	{"limits.max_ratio", "圧縮率が異常に高くなっています", "it expands far beyond its size"},
	{"limits.", "サイズや件数の上限を超えています", "it exceeds a size or count limit"},
	{"mail.max_", "サイズや件数の上限を超えています", "it exceeds a size or count limit"},
	{"max_message_size", "サイズの上限を超えています", "it exceeds the size limit"},
	{"not a mail message", "メールとして読める形式ではありません", "it cannot be read as mail"},
	{"encrypted", "暗号化 (パスワード保護) されていて内容を確認できません", "it is encrypted and cannot be checked"},
	{"password", "暗号化 (パスワード保護) されていて内容を確認できません", "it is encrypted and cannot be checked"},
	{"Content-Transfer-Encoding", "符号化の方式が不明で内容を読み出せません", "its transfer encoding is unknown"},
	{"uuencoded block", "符号化されたファイルを読み出せません", "the encoded file does not decode"},
	{"BinHex", "Macintosh 形式の符号化ファイルは取り出せません", "BinHex files cannot be unpacked here"},
	{"fragmented or external", "分割または外部参照のメールは確認できません", "split or external message bodies cannot be checked"},
	{"no entry could be made safe", "中のファイルをどれも安全にできませんでした", "none of its files could be made safe"},
	{"renderer unavailable", "画像に変換する機能が使えません", "the converter to images is not available"},
	{"malformed", "ファイルが壊れているか、正しくない形式です", "the file is damaged or not of its type"},
	{"sanitizer crashed", "ファイルが壊れているか、正しくない形式です", "the file is damaged or not of its type"},
	{"policy quarantines unknown", "形式を判別できません", "its type could not be identified"},
	{"policy quarantines", "この形式は保管する設定になっています", "this type is held by the gateway's policy"},
	{"unsupported", "この形式は安全に無害化できません", "this type cannot be made safe"},
	{"no sanitizer", "この形式は安全に無害化できません", "this type cannot be made safe"},
}

// reasonText returns the words for why r was not delivered. A reason that is bilingual
// already ("日本語 / English", as the Ichitaro refusal is) is split at " / ".
func reasonText(r sanitize.Result) (ja, en string) {
	if i := strings.Index(r.Reason, " / "); i > 0 && hasJapanese(r.Reason[:i]) && !hasJapanese(r.Reason[i+3:]) {
		return r.Reason[:i], r.Reason[i+3:]
	}
	for _, w := range reasonWords {
		if strings.Contains(r.Reason, w.has) {
			return w.ja, w.en
		}
	}
	switch r.Verdict {
	case sanitize.Blocked:
		return "安全でない形式です", "it is not safe to deliver"
	case sanitize.Stripped:
		return "この形式は受け取らない設定です", "this type is not accepted here"
	}
	return "安全に無害化できませんでした", "it could not be made safe"
}

func hasJapanese(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) {
			return true
		}
	}
	return false
}

// visibleName shows a name as a mail client would not: every control or invisible format
// character (RLO and the other bidirectional controls, zero-width characters) becomes a
// visible [U+XXXX] marker, so "invoice\u202efdp.exe" can never read as "invoiceexe.pdf".
func visibleName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029' {
			fmt.Fprintf(&b, "[U+%04X]", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ReasonWords turns the reason a result gives for not delivering an item into the words
// a recipient reads, in Japanese and in English, for notices other packages write about
// held items (a release, a digest): never the report's codes or part paths.
func ReasonWords(v sanitize.Verdict, reason string) (ja, en string) {
	return reasonText(sanitize.Result{Verdict: v, Reason: reason})
}
