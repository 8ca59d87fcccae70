package web

import (
	"strings"

	"github.com/valyala/fasthttp"
)

// baseMessages are the foundation's texts; applications add theirs in Options.Messages.
var baseMessages = Messages{
	"app.title":          {"sekisho 無害化ゲートウェイ", "sekisho sanitizing gateway"},
	"nav.logout":         {"ログアウト", "Log out"},
	"nav.lang":           {"English", "日本語"},
	"login.title":        {"ログイン", "Log in"},
	"login.user":         {"ユーザー名", "User name"},
	"login.password":     {"パスワード", "Password"},
	"login.submit":       {"ログイン", "Log in"},
	"login.invalid":      {"ユーザー名またはパスワードが正しくありません。", "The user name or password is incorrect."},
	"login.locked":       {"失敗が続いたため、このアカウントは一時的にロックされています。しばらくしてから再度お試しください。", "Too many failed attempts: this account is locked for a while. Try again later."},
	"login.rate":         {"この端末からのログイン試行が多すぎます。1分ほど待ってから再度お試しください。", "Too many login attempts from this address. Wait a minute and try again."},
	"login.address":      {"このアカウントはこの端末からはログインできません。", "This account may not log in from this address."},
	"login.totp_missing": {"運用者・管理者のアカウントには二要素認証 (TOTP) の登録が必要です。管理者に連絡してください。", "Operator and admin accounts need two-factor authentication (TOTP). Contact your administrator."},
	"login.unavailable":  {"認証サーバーに接続できません。しばらくしてから再度お試しください。", "The directory cannot be reached. Try again later."},
	"totp.title":         {"確認コード", "Verification code"},
	"totp.help":          {"認証アプリに表示されている6桁のコードを入力してください。", "Enter the 6-digit code shown in your authenticator app."},
	"totp.code":          {"確認コード", "Code"},
	"totp.submit":        {"確認", "Verify"},
	"totp.invalid":       {"コードが正しくありません。", "The code is incorrect."},
	"logout.done":        {"ログアウトしました。", "You have logged out."},
	"error.title":        {"エラー", "Error"},
	"error.internal":     {"内部エラーが発生しました。管理者にエラーIDをお伝えください。", "An internal error occurred. Give the error ID to your administrator."},
	"error.csrf":         {"フォームの有効期限が切れたか、別のサイトから送信されました。ページを開き直してください。", "The form expired or was sent from another site. Reload the page and try again."},
	"error.session":      {"セッションの有効期限が切れました。再度ログインしてください。", "Your session has expired. Log in again."},
	"error.id":           {"エラーID", "Error ID"},
	"error.back":         {"トップへ戻る", "Back to the start page"},
	"forbidden":          {"このページを表示する権限がありません。", "You may not open this page."},
	"not found":          {"ページが見つかりません。", "Page not found."},
	"bad path":           {"不正なパスです。", "Bad path."},
	"bad request":        {"リクエストが不正です。", "Bad request."},
	"method not allowed": {"この操作はできません。", "Method not allowed."},
	"role.staff":         {"職員", "Staff"},
	"role.approver":      {"承認者", "Approver"},
	"role.operator":      {"運用者", "Operator"},
	"role.auditor":       {"監査者", "Auditor"},
	"role.admin":         {"管理者", "Admin"},
}

// langFromRequest picks the language for a request without a choice yet: Japanese unless
// the browser prefers English over Japanese.
func langFromRequest(ctx *fasthttp.RequestCtx) string {
	al := strings.ToLower(string(ctx.Request.Header.Peek("Accept-Language")))
	en, ja := strings.Index(al, "en"), strings.Index(al, "ja")
	if en >= 0 && (ja < 0 || en < ja) {
		return "en"
	}
	return "ja"
}

// BaseMessages are the foundation's texts (tests check that pages use only known keys).
func BaseMessages() Messages { return baseMessages }
