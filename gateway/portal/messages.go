package portal

import (
	"strings"

	"github.com/sekisho/sekisho/gateway/portal/web"
)

var messages = web.Messages{
	"nav.dashboard": {"ダッシュボード", "Dashboard"},
	"nav.items":     {"隔離一覧", "Quarantine"},
	"nav.my":        {"自分宛の保留", "Held for me"},
	"nav.audit":     {"監査ログ", "Audit log"},
	"nav.account":   {"アカウント", "Account"},

	"dash.title":      {"ダッシュボード", "Dashboard"},
	"dash.today":      {"本日", "Today"},
	"dash.month":      {"過去30日", "Last 30 days"},
	"dash.delivered":  {"配送", "Delivered"},
	"dash.sanitized":  {"無害化", "Sanitized"},
	"dash.held":       {"隔離", "Held"},
	"dash.blocked":    {"ブロック", "Blocked"},
	"dash.held_now":   {"現在隔離中", "Held now"},
	"dash.pending":    {"解放申請 (承認待ち)", "Release requests waiting"},
	"dash.queue":      {"配送キュー", "Mail queue"},
	"dash.by_type":    {"種類別 (隔離・ブロック、30日)", "By type (held and blocked, 30 days)"},
	"dash.by_reason":  {"理由別 (隔離・ブロック、30日)", "By reason (held and blocked, 30 days)"},
	"dash.chart":      {"日別 (配送・隔離)", "Per day (delivered, held)"},
	"dash.none":       {"記録はまだありません。", "Nothing recorded yet."},
	"dash.type":       {"種類", "Type"},
	"dash.reason":     {"理由", "Reason"},
	"dash.count":      {"件数", "Count"},
	"list.title":      {"隔離一覧", "Quarantine"},
	"list.search":     {"検索", "Search"},
	"list.text":       {"キーワード", "Keyword"},
	"list.sender":     {"差出人", "Sender"},
	"list.rcpt":       {"宛先", "Recipient"},
	"list.subject":    {"件名", "Subject"},
	"list.file":       {"ファイル名", "File name"},
	"list.reason":     {"理由 (日本語/英語)", "Reason (JA/EN)"},
	"list.type":       {"形式", "Type"},
	"list.status":     {"状態", "Status"},
	"list.kind":       {"区分", "Kind"},
	"list.since":      {"開始日", "From"},
	"list.until":      {"終了日", "To"},
	"list.all":        {"すべて", "All"},
	"list.time":       {"日時", "Time"},
	"list.size":       {"サイズ", "Size"},
	"list.empty":      {"該当する項目はありません。", "No items match."},
	"list.count":      {"%d 件中 %d–%d 件", "%[2]d–%[3]d of %[1]d"},
	"list.count_more": {"%d 件以上中 %d–%d 件", "%[2]d–%[3]d of more than %[1]d"},
	"list.prev":       {"前へ", "Previous"},
	"list.next":       {"次へ", "Next"},
	"list.bad_query":  {"検索条件が正しくありません。", "The search is not valid."},
	"list.bad_date":   {"日付は 2026-12-01 の形式で入力してください。", "Enter dates as 2026-12-01."},
	"list.bulk":       {"選択した項目を", "Selected items:"},
	"list.bulk_go":    {"実行", "Apply"},
	"list.select_all": {"すべて選択", "Select all"},
	"kind.message":    {"メール全体", "Whole message"},
	"kind.attachment": {"添付ファイル", "Attachment"},
	"kind.file":       {"ファイル", "File"},

	"status.held":              {"隔離中", "Held"},
	"status.release-requested": {"解放申請中", "Release requested"},
	"status.released":          {"解放済み", "Released"},
	"status.deleted":           {"削除済み", "Deleted"},
	"status.expired":           {"期限切れ", "Expired"},

	"item.title":        {"隔離項目", "Held item"},
	"item.not_found":    {"項目が見つかりません。", "No such item."},
	"item.id":           {"ID", "ID"},
	"item.time":         {"受信日時", "Received"},
	"item.direction":    {"方向", "Direction"},
	"item.from":         {"差出人", "From"},
	"item.to":           {"宛先", "To"},
	"item.subject":      {"件名", "Subject"},
	"item.file":         {"ファイル名", "File name"},
	"item.types":        {"形式 (申告 / 判定)", "Type (declared / detected)"},
	"item.size":         {"サイズ", "Size"},
	"item.sha256":       {"SHA-256", "SHA-256"},
	"item.reason":       {"隔離理由", "Reason"},
	"item.status":       {"状態", "Status"},
	"item.history":      {"履歴", "History"},
	"item.preview":      {"安全なプレビュー", "Safe preview"},
	"item.preview_help": {"プレビューは sekisho が元のファイルから作り直した文字と画像です。元のファイルはブラウザーに送られません。", "The preview is text and images that sekisho rebuilt from the original; the original is never sent to the browser."},
	"item.entries":      {"含まれるファイル", "Contents"},
	"item.encrypted":    {"暗号化", "encrypted"},
	"item.actions":      {"操作", "Actions"},
	"item.reason_label": {"理由 (必須、監査ログに記録されます)", "Reason (required, recorded in the audit log)"},
	"item.release":      {"解放", "Release"},
	"item.release_q":    {"この項目を宛先に配送します。よろしいですか?", "Deliver this item to its recipients?"},
	"item.approve":      {"承認して解放", "Approve and release"},
	"item.reject":       {"申請を却下", "Reject the request"},
	"item.delete":       {"削除", "Delete"},
	"item.delete_q":     {"元のファイルを削除します。元に戻せません。よろしいですか?", "Delete the original? This cannot be undone."},
	"item.original":     {"元のファイルをダウンロード (管理者)", "Download the original (admin)"},
	"item.request":      {"運用者に解放を申請", "Ask the operators to release it"},
	"item.ppap":         {"パスワードを入力して開く", "Open with the password"},
	"item.ppap_help":    {"パスワード付きファイルです。別のメールで届いたパスワードを入力すると、sekisho が中身を無害化してメールでお届けします。", "This file is password-protected. Enter the password you received in another mail: sekisho sanitizes the contents and mails them to you."},

	"preview.none":          {"この形式はプレビューできません。", "No preview for this type."},
	"preview.no_renderer":   {"画像化エンジンが使えないため、プレビューできません。", "The renderer is not available, so there is no preview."},
	"preview.render_failed": {"画像化できませんでした (暗号化や破損の可能性があります)。", "It could not be rendered (encrypted or damaged?)."},
	"preview.more_pages":    {"最初のページのみ表示しています。", "Only the first pages are shown."},
	"preview.encrypted":     {"暗号化されたファイルを含みます。", "Contains encrypted files."},
	"preview.busy":          {"プレビューを作成中です。", "The preview is being built."},
	"preview.truncated":     {"長いため途中までの表示です。", "Cut at the size limit."},

	"action.released":        {"解放しました。まもなく配送されます。", "Released: it will be delivered shortly."},
	"action.requested":       {"解放を申請しました。別の担当者の承認を待っています。", "Release requested: waiting for a second person's approval."},
	"action.rejected":        {"申請を却下しました。", "The request was rejected."},
	"action.deleted":         {"削除しました。", "Deleted."},
	"action.reason_required": {"理由を入力してください。", "Enter a reason."},
	"action.wrong_state":     {"この項目の状態ではその操作はできません。", "That does not apply to the item's status."},
	"action.needs_second":    {"申請者とは別の担当者の承認が必要です。", "A person other than the requester must approve."},
	"action.bulk_incomplete": {"項目、操作、理由を指定してください。", "Choose items, an action and a reason."},

	"orig.title":   {"元のファイルのダウンロード", "Download the original"},
	"orig.warning": {"このファイルは無害化されていません。マルウェアの可能性があります。隔離された解析環境以外で開かないでください。ダウンロードは監査ログに記録されます。", "This file is NOT sanitized and may be malware. Open it only in an isolated analysis environment. The download is recorded in the audit log."},
	"orig.confirm": {"危険を理解しました", "I understand the risk"},
	"orig.submit":  {"ダウンロード", "Download"},

	"my.title":     {"自分宛の保留", "Held for me"},
	"my.help":      {"あなた宛てのメールで、sekisho が安全にできずに保留しているものです。", "Mail to you that sekisho held because it could not make it safe."},
	"my.no_email":  {"アカウントにメールアドレスが登録されていません。管理者に連絡してください。", "Your account has no e-mail address. Contact your administrator."},
	"my.empty":     {"保留中の項目はありません。", "Nothing is held for you."},
	"my.open":      {"開く", "Open"},
	"ppap.title":   {"パスワード付きファイルを開く", "Open a password-protected file"},
	"ppap.help":    {"別のメールで届いたパスワードを入力してください。パスワードは保存も記録もされません。", "Enter the password you received in another mail. It is neither stored nor logged."},
	"ppap.pw":      {"パスワード", "Password"},
	"ppap.submit":  {"開いて無害化", "Open and sanitize"},
	"ppap.left":    {"残り %d 回まで試せます。", "%d tries left."},
	"ppap.locked":  {"パスワードの誤りが続いたため、%s までロックされています。", "Locked until %s after too many wrong passwords."},
	"ppap.wrong":   {"パスワードが違います。", "Wrong password."},
	"ppap.empty":   {"パスワードを入力してください。", "Enter the password."},
	"ppap.cannot":  {"このファイルは開けません", "This file cannot be opened"},
	"ppap.refused": {"中身を安全にできなかったため、保留のままにします", "The contents could not be made safe; the item stays held"},
	"ppap.done":    {"無害化した中身をメールでお送りしました (キューID %s)。", "The sanitized contents were mailed to you (queue ID %s)."},

	"ppap.cannot_open": {"このファイルは開けません", "This file cannot be opened"},

	"audit.title":    {"監査ログ", "Audit log"},
	"audit.ok":       {"ハッシュチェーンを検証しました: %d 件、改ざんはありません。", "Hash chain verified: %d records, intact."},
	"audit.broken":   {"ハッシュチェーンの検証に失敗しました", "Hash chain verification FAILED"},
	"audit.actor":    {"実行者", "Actor"},
	"audit.action":   {"操作", "Action"},
	"audit.item":     {"項目ID", "Item ID"},
	"audit.detail":   {"詳細", "Detail"},
	"audit.seq":      {"番号", "Seq"},
	"audit.filter":   {"絞り込み", "Filter"},
	"audit.older":    {"さらに古い記録", "Older records"},
	"account.title":  {"アカウント", "Account"},
	"account.name":   {"ユーザー名", "User name"},
	"account.email":  {"メールアドレス", "E-mail"},
	"account.roles":  {"役割", "Roles"},
	"account.source": {"認証", "Authentication"},
	"account.totp":   {"二要素認証", "Two-factor"},
	"account.change": {"パスワードの変更", "Change password"},
	"account.cur":    {"現在のパスワード", "Current password"},
	"account.new":    {"新しいパスワード (10文字以上)", "New password (10 characters or more)"},
	"account.again":  {"新しいパスワード (確認)", "New password (again)"},
	"account.submit": {"変更", "Change"},
	"account.ldap":   {"ディレクトリ (LDAP/AD) のアカウントです。パスワードはディレクトリで変更してください。", "A directory (LDAP/AD) account: change the password in the directory."},

	"account.wrong_current": {"現在のパスワードが正しくありません。", "The current password is wrong."},
	"account.mismatch":      {"新しいパスワードが一致しません。", "The new passwords differ."},
	"account.too_short":     {"パスワードは10文字以上にしてください。", "Use at least 10 characters."},
	"yes":                   {"あり", "yes"},
	"no":                    {"なし", "no"},
}

// reasonsJA translates the engine's reasons (English, stable phrases) for the console.
var reasonsJA = []struct{ en, ja string }{
	{"encrypted", "暗号化されています (パスワード付き)"},
	{"password", "パスワードで保護されています"},
	{"macro", "マクロを含みます"},
	{"executable", "実行ファイルです"},
	{"script", "スクリプトです"},
	{"policy blocks", "ポリシーによりブロック"},
	{"policy quarantines", "ポリシーにより隔離"},
	{"policy strips", "ポリシーにより削除"},
	{"limit exceeded", "上限を超えています"},
	{"unknown", "不明な形式です"},
	{"renderer unavailable", "画像化できません"},
	{"timeout", "時間内に処理できませんでした"},
	{"deadline", "時間内に処理できませんでした"},
	{"panic", "処理中に内部エラーが発生しました"},
	{"malformed", "形式が壊れています"},
	{"ambiguous", "解釈が分かれる構造です"},
	{"embedded", "埋め込みオブジェクトを含みます"},
}

// reasonJA is the Japanese reading of a reason, or "" when none is known.
func reasonJA(reason string) string {
	l := strings.ToLower(reason)
	for _, r := range reasonsJA {
		if strings.Contains(l, r.en) {
			return r.ja
		}
	}
	return ""
}

// reasonQuery lets an operator search reasons in Japanese: a Japanese label becomes the
// English phrase stored in the records.
func reasonQuery(q string) string {
	q = strings.TrimSpace(q)
	if q == "" {
		return q
	}
	for _, r := range reasonsJA {
		if strings.Contains(r.ja, q) {
			return r.en
		}
	}
	return q
}
