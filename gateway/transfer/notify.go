package transfer

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"

	gomail "github.com/emersion/go-message/mail"
)

// Notices are plain text, Japanese then English, built from sekisho's own data; the only
// text from outside (file names, a partner's note, a subject) is one line each and made
// safe by SafeName and cleanText.

// fileLine says what happened to a file, for notices.
func fileLine(f File) string {
	switch f.State {
	case Available:
		return fmt.Sprintf("- %s (%s): 無害化済み / sanitized", f.OutName, sizeText(f.OutSize))
	case Held:
		return fmt.Sprintf("- %s: 隔離 / held (%s) %s", f.Name, f.QuarantineID, oneLine(f.Reason))
	case Refused:
		return fmt.Sprintf("- %s: 拒否 / refused: %s", f.Name, oneLine(f.Reason))
	case Failed:
		return fmt.Sprintf("- %s: 処理できませんでした / failed: %s", f.Name, oneLine(f.Reason))
	}
	return ""
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// email is a user's address ("" when unknown).
func (s *Service) email(ctx context.Context, user string) string {
	if s.o.Accounts == nil {
		return ""
	}
	u, err := s.o.Accounts.User(ctx, user)
	if err != nil || u.Disabled {
		return ""
	}
	if u.Email != "" {
		return u.Email
	}
	if strings.Contains(u.Name, "@") {
		return u.Name
	}
	return ""
}

func (s *Service) display(ctx context.Context, user string) string {
	if s.o.Accounts != nil {
		if u, err := s.o.Accounts.User(ctx, user); err == nil && u.Display != "" {
			return u.Display
		}
	}
	return user
}

// send queues one notice and records it in the audit log.
func (s *Service) send(ctx context.Context, object string, to []string, subject, body string) {
	var rcpts []string
	for _, a := range to {
		if a != "" && !containsFold(rcpts, a) {
			rcpts = append(rcpts, a)
		}
	}
	if len(rcpts) == 0 {
		s.log.Info("transfer notice not sent: no recipient address", "object", object, "subject", subject)
		return
	}
	var h gomail.Header
	h.SetAddressList("From", []*gomail.Address{{Name: "sekisho", Address: "postmaster@" + s.o.Hostname}})
	var addrs []*gomail.Address
	for _, a := range rcpts {
		addrs = append(addrs, &gomail.Address{Address: a})
	}
	h.SetAddressList("To", addrs)
	h.SetSubject(subject)
	h.SetDate(s.now())
	var rnd [8]byte
	rand.Read(rnd[:])
	h.SetMessageID("transfer." + hex.EncodeToString(rnd[:]) + "@" + s.o.Hostname)
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Auto-Submitted", "auto-generated")
	var buf bytes.Buffer
	w, err := gomail.CreateSingleInlineWriter(&buf, h)
	if err == nil {
		_, err = w.Write([]byte(strings.ReplaceAll(body, "\n", "\r\n")))
		if cerr := w.Close(); err == nil {
			err = cerr
		}
	}
	var qid string
	if err == nil {
		if s.o.Outbox != nil {
			qid, err = s.o.Outbox.Send(ctx, rcpts, buf.Bytes())
		} else {
			qid, err = s.storeNotice(ctx, rcpts, buf.Bytes())
		}
	}
	if err != nil {
		s.log.Error("transfer notice not queued", "object", object, "err", err)
		return
	}
	if err := s.audit(ctx, "transfer-notify", object, "sekisho", "", fmt.Sprintf("to=%s; queue_id=%s; subject=%s",
		strings.Join(rcpts, ","), qid, oneLine(subject))); err != nil {
		s.log.Error("transfer notice not audited", "object", object, "err", err)
	}
}

func (s *Service) portalLink(t Transfer) string {
	if s.o.PortalURL == "" {
		return ""
	}
	return strings.TrimRight(s.o.PortalURL, "/") + "/transfers/" + t.ID
}

// notifyInbound tells the recipient of an inbound transfer that its files are processed.
func (s *Service) notifyInbound(ctx context.Context, t Transfer, fs []File) {
	var b strings.Builder
	from := t.Sender
	if t.SenderInfo != "" {
		from = t.SenderInfo + " (" + t.Sender + ")"
	}
	fmt.Fprintf(&b, "インターネット側からファイルが届きました。無害化したファイルはポータルからダウンロードできます。\n")
	fmt.Fprintf(&b, "Files arrived from the Internet side. Download the sanitized files from the portal.\n\n")
	fmt.Fprintf(&b, "送信者 / from: %s\n", oneLine(from))
	if t.Subject != "" {
		fmt.Fprintf(&b, "受取依頼 / request: %s\n", oneLine(t.Subject))
	}
	if t.Message != "" {
		fmt.Fprintf(&b, "メモ / note: %s\n", oneLine(t.Message))
	}
	b.WriteString("\n")
	for _, f := range fs {
		if l := fileLine(f); l != "" {
			b.WriteString(l + "\n")
		}
	}
	if u := s.portalLink(t); u != "" {
		fmt.Fprintf(&b, "\n%s\n", u)
	}
	fmt.Fprintf(&b, "\n保存期限 / available until: %s\n", t.Expires.Local().Format("2006-01-02 15:04"))
	s.send(ctx, t.ID, []string{s.email(ctx, t.Owner)}, "[sekisho] ファイルが届きました / files arrived "+t.ID, b.String())
}

// notifyApprovers asks the approvers to decide (pre) or review (post).
func (s *Service) notifyApprovers(ctx context.Context, t Transfer, fs []File) {
	var to []string
	for _, n := range s.approverNames(ctx, t.Owner) {
		to = append(to, s.email(ctx, n))
	}
	what, whatEN := "承認をお願いします (事前承認)", "approval needed before the links are sent"
	if t.State == Sent {
		what, whatEN = "送信済みです。確認をお願いします (事後確認)", "sent; please review"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s さんの外部送信: %s\n%s's outbound transfer: %s\n\n", s.display(ctx, t.Owner), what, s.display(ctx, t.Owner), whatEN)
	fmt.Fprintf(&b, "宛先 / to: %s\n", strings.Join(t.Recipients, ", "))
	if t.Subject != "" {
		fmt.Fprintf(&b, "件名 / subject: %s\n", oneLine(t.Subject))
	}
	b.WriteString("\n")
	for _, f := range fs {
		if l := fileLine(f); l != "" {
			b.WriteString(l + "\n")
		}
	}
	if u := s.portalLink(t); u != "" {
		fmt.Fprintf(&b, "\n%s\n", u)
	}
	s.send(ctx, t.ID, to, "[sekisho] 外部送信の承認 / transfer approval "+t.ID, b.String())
}

// notifyOwner tells the sender of an outbound transfer what was decided.
func (s *Service) notifyOwner(ctx context.Context, t Transfer, fs []File) {
	var ja, en string
	switch {
	case t.State == Withdrawn:
		ja, en = "送信できるファイルがありませんでした", "nothing could be sent"
	case t.Approval == ApprovalRejected:
		ja, en = "承認されませんでした (リンクは無効です)", "rejected (the links no longer work)"
	case t.Approval == ApprovalApproved:
		ja, en = "承認されました", "approved"
	default:
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "外部送信 %s: %s\nOutbound transfer %s: %s\n", t.ID, ja, t.ID, en)
	if t.DecisionReason != "" {
		fmt.Fprintf(&b, "理由 / reason: %s\n", oneLine(t.DecisionReason))
	}
	if t.Approver != "" {
		fmt.Fprintf(&b, "承認者 / by: %s\n", s.display(ctx, t.Approver))
	}
	for _, f := range fs {
		if l := fileLine(f); l != "" {
			b.WriteString(l + "\n")
		}
	}
	if u := s.portalLink(t); u != "" {
		fmt.Fprintf(&b, "\n%s\n", u)
	}
	s.send(ctx, t.ID, []string{s.email(ctx, t.Owner)}, "[sekisho] 外部送信 / outbound transfer "+t.ID+": "+en, b.String())
}

// InternetURL is the Internet-side listener's address as links in mail name it.
func (s *Service) InternetURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.TrimRight(s.o.InternetURL, "/")
}

// mailLink sends a recipient their download link, and the access code in a second,
// separate message.
func (s *Service) mailLink(ctx context.Context, t Transfer, fs []File, l Link, token, code string) {
	sender := s.display(ctx, t.Owner)
	var b strings.Builder
	fmt.Fprintf(&b, "%s さんからファイルが送られました。\n%s has sent you files.\n\n", sender, sender)
	if t.Subject != "" {
		fmt.Fprintf(&b, "件名 / subject: %s\n", oneLine(t.Subject))
	}
	if t.Message != "" {
		fmt.Fprintf(&b, "\n%s\n", t.Message)
	}
	b.WriteString("\n")
	for _, f := range fs {
		if f.State == Available {
			fmt.Fprintf(&b, "- %s (%s)\n", f.OutName, sizeText(f.OutSize))
		}
	}
	fmt.Fprintf(&b, "\n%s/d/%s\n\n", s.InternetURL(), token)
	fmt.Fprintf(&b, "有効期限 / expires: %s\n", l.Expires.Local().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(&b, "ダウンロード回数 / downloads per file: %d\n", l.MaxDownloads)
	if code != "" {
		b.WriteString("アクセスコードは別のメールでお送りします。 / The access code follows in a separate message.\n")
	}
	s.send(ctx, l.ID, []string{l.Recipient}, "[sekisho] ファイル送付のお知らせ / files for you from "+sender, b.String())
	if code != "" {
		body := fmt.Sprintf("%s さんからのファイル送付のアクセスコード:\nAccess code for the files from %s:\n\n%s\n\n有効期限 / expires: %s\n",
			sender, sender, code, l.Expires.Local().Format("2006-01-02 15:04 MST"))
		s.send(ctx, l.ID, []string{l.Recipient}, "[sekisho] アクセスコード / access code", body)
	}
}

// mailUploadLink sends a partner the upload link a staff member made for them.
func (s *Service) mailUploadLink(ctx context.Context, l UploadLink, token string) {
	owner := s.display(ctx, l.Owner)
	var b strings.Builder
	fmt.Fprintf(&b, "%s さんがファイルの送付を依頼しています。次のページからアップロードしてください。\n", owner)
	fmt.Fprintf(&b, "%s asks you to send files. Upload them on this page:\n\n", owner)
	if l.Label != "" {
		fmt.Fprintf(&b, "%s\n\n", oneLine(l.Label))
	}
	fmt.Fprintf(&b, "%s/u/%s\n\n", s.InternetURL(), token)
	fmt.Fprintf(&b, "有効期限 / expires: %s\n", l.Expires.Local().Format("2006-01-02 15:04 MST"))
	if l.OneTime {
		b.WriteString("このリンクは1回だけ使えます。 / This link can be used once.\n")
	}
	s.send(ctx, l.ID, []string{l.Partner}, "[sekisho] ファイル送付のお願い / please send files to "+owner, b.String())
}
