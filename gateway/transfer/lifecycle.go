package transfer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
)

// maxText bounds the free text of a transfer (subject, message, what a partner says
// about themselves).
const maxText = 2000

func cleanText(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
	return truncate(strings.TrimSpace(s), n)
}

// OpenInbound starts an inbound transfer that user uploads for themselves (staff on the
// Internet-side terminal). It returns the transfer and its upload key.
func (s *Service) OpenInbound(ctx context.Context, user, note, ip string) (Transfer, string, error) {
	now := s.now().UTC()
	t := Transfer{ID: newID("T"), Direction: Inbound, State: Open, Owner: user, Department: s.Department(user).Name,
		Sender: user, Message: cleanText(note, maxText), Created: now, Updated: now, Expires: now.Add(s.o.Retention)}
	key, err := s.insertOpen(ctx, t)
	if err != nil {
		return t, "", err
	}
	return t, key, s.audit(ctx, "transfer-open", t.ID, user, ip, "inbound")
}

// OpenViaLink starts an inbound transfer through an upload link, for its owner. A
// one-time link is used up by this; an unusable link is ErrLinkUsed, an unknown token
// ErrNotFound.
func (s *Service) OpenViaLink(ctx context.Context, token, senderInfo, ip string) (Transfer, string, error) {
	l, err := s.UploadLinkByToken(ctx, token)
	if err != nil {
		return Transfer{}, "", err
	}
	now := s.now().UTC()
	if !l.Usable(now) {
		return Transfer{}, "", ErrLinkUsed
	}
	// Taking a use is one conditional update: two partners racing on a one-time link
	// cannot both get it.
	res, err := s.o.DB.ExecContext(ctx, `UPDATE transfer_upload_links SET uses = uses + 1 WHERE id = $1 AND revoked = 0
		AND expires > $2 AND (one_time = 0 OR uses = 0)`, l.ID, ns(now))
	if err != nil {
		return Transfer{}, "", err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Transfer{}, "", ErrLinkUsed
	}
	actor := "link:" + l.ID
	t := Transfer{ID: newID("T"), Direction: Inbound, State: Open, Owner: l.Owner, Department: s.Department(l.Owner).Name,
		Sender: actor, SenderInfo: cleanText(senderInfo, 200), LinkID: l.ID, Subject: l.Label,
		Created: now, Updated: now, Expires: now.Add(s.o.Retention)}
	key, err := s.insertOpen(ctx, t)
	if err != nil {
		return t, "", err
	}
	return t, key, s.audit(ctx, "transfer-open", t.ID, actor, ip, fmt.Sprintf("inbound; link=%s; for=%s", l.ID, l.Owner))
}

// OutboundRequest is what a sender says about an outbound transfer.
type OutboundRequest struct {
	Recipients   []string
	Subject      string
	Message      string
	Expiry       time.Duration // 0: transfer.link_expiry
	MaxDownloads int           // 0: transfer.max_downloads
	AccessCode   bool          // forced on by access_code: required, off by off
}

// ParseRecipients reads addresses separated by commas, semicolons or new lines; each
// must be a plain address.
func ParseRecipients(s string) ([]string, error) {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == '\r' }) {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		a, err := mail.ParseAddress(p)
		if err != nil || a.Name != "" || strings.ContainsAny(a.Address, " <>\"") || len(a.Address) > 254 {
			return nil, fmt.Errorf("%q is not an e-mail address", truncate(p, 100))
		}
		addr := strings.ToLower(a.Address)
		if !containsFold(out, addr) {
			out = append(out, addr)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no recipient")
	}
	if len(out) > 50 {
		return nil, fmt.Errorf("at most 50 recipients")
	}
	return out, nil
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// OpenOutbound starts an outbound transfer from user to external recipients. Files are
// uploaded with the key (UploadKey gives a fresh one to the sender's page).
func (s *Service) OpenOutbound(ctx context.Context, user string, r OutboundRequest, ip string) (Transfer, error) {
	if len(r.Recipients) == 0 {
		return Transfer{}, fmt.Errorf("transfer: no recipient")
	}
	if r.Expiry <= 0 {
		r.Expiry = s.o.LinkExpiry
	}
	if s.o.MaxLinkExpiry > 0 && r.Expiry > s.o.MaxLinkExpiry {
		r.Expiry = s.o.MaxLinkExpiry
	}
	if r.MaxDownloads <= 0 || r.MaxDownloads > 100 {
		r.MaxDownloads = s.o.MaxDownloads
	}
	switch s.o.AccessCode {
	case "required":
		r.AccessCode = true
	case "off":
		r.AccessCode = false
	}
	now := s.now().UTC()
	d := s.Department(user)
	t := Transfer{ID: newID("T"), Direction: Outbound, State: Open, Owner: user, Department: d.Name, Sender: user,
		Subject: cleanText(r.Subject, 200), Message: cleanText(r.Message, maxText), Recipients: r.Recipients,
		Created: now, Updated: now, Expires: now.Add(max(s.o.Retention, r.Expiry)), Mode: d.Mode,
		LinkExpiry: r.Expiry, MaxDownloads: r.MaxDownloads, AccessCode: r.AccessCode}
	if _, err := s.insertOpen(ctx, t); err != nil {
		return t, err
	}
	return t, s.audit(ctx, "transfer-open", t.ID, user, ip, fmt.Sprintf("outbound; to=%s", strings.Join(r.Recipients, ",")))
}

func (s *Service) insertOpen(ctx context.Context, t Transfer) (string, error) {
	key, h := newToken()
	return key, s.st.insertTransfer(ctx, t, h)
}

// UploadKey gives the owner's page a fresh upload key for an open transfer (an older key
// stops working).
func (s *Service) UploadKey(ctx context.Context, id, user string) (string, error) {
	t, err := s.st.transfer(ctx, id)
	if err != nil {
		return "", err
	}
	if t.Owner != user || t.Sender != user {
		return "", ErrNotFound
	}
	if t.State != Open || t.Done {
		return "", ErrState
	}
	key, h := newToken()
	return key, s.st.setKey(ctx, id, h)
}

// ByKey returns the transfer an upload key opens.
func (s *Service) ByKey(ctx context.Context, key string) (Transfer, error) {
	if !validToken(key) {
		return Transfer{}, ErrNotFound
	}
	return s.st.transferByKey(ctx, hashToken(key))
}

// Finish ends the uploads of a transfer: files still uploading are cancelled, and the
// transfer is processed (completed as soon as its last file is sanitized). A transfer
// without a complete file is withdrawn.
func (s *Service) Finish(ctx context.Context, t Transfer, actor, ip string) error {
	if t.State != Open {
		return ErrState
	}
	fs, err := s.st.files(ctx, t.ID)
	if err != nil {
		return err
	}
	var got int
	for _, f := range fs {
		if f.State == Uploading {
			if err := s.Cancel(ctx, t, f, actor, ip); err != nil {
				return fmt.Errorf("file %s still uploading: %w", f.Name, err)
			}
			continue
		}
		if f.State != Cancelled {
			got++
		}
	}
	cur, err := s.st.transfer(ctx, t.ID)
	if err != nil {
		return err
	}
	cur.Done, cur.Updated = true, s.now().UTC()
	cur.State = Processing
	if got == 0 {
		cur.State, cur.DecisionReason = Withdrawn, "no file was uploaded"
	}
	if err := s.st.updateTransfer(ctx, cur, Open); err != nil {
		return err
	}
	if err := s.audit(ctx, "transfer-finish", t.ID, actor, ip, fmt.Sprintf("files=%d; bytes=%d", got, cur.Bytes)); err != nil {
		return err
	}
	if cur.State == Processing {
		s.checkComplete(ctx, t.ID)
	}
	return nil
}

// Withdraw cancels a transfer: its links stop working and its files are removed by the
// next purge. The owner may withdraw their own; an operator any.
func (s *Service) Withdraw(ctx context.Context, id, actor, reason, ip string) error {
	t, err := s.st.transfer(ctx, id)
	if err != nil {
		return err
	}
	if !t.State.Live() {
		return ErrState
	}
	t.State, t.Updated, t.DecisionReason = Withdrawn, s.now().UTC(), cleanText(reason, 500)
	if t.Approval == ApprovalPending {
		t.Approval = ""
	}
	if err := s.st.updateTransfer(ctx, t, Open, Processing, Ready, Pending, Sent); err != nil {
		return err
	}
	if err := s.revokeLinks(ctx, id); err != nil {
		return err
	}
	s.removeFiles(ctx, id)
	return s.audit(ctx, "transfer-withdraw", id, actor, ip, "reason="+t.DecisionReason)
}

// resumable finds the interrupted upload of name through the upload link linkID: a file
// still uploading in an open transfer of that link.
func (s *Service) resumable(ctx context.Context, linkID, name string) (Transfer, File, bool, error) {
	var fid string
	err := s.o.DB.QueryRowContext(ctx, `SELECT f.id FROM transfer_files f JOIN transfer_transfers t ON t.id = f.transfer_id
		WHERE t.link_id = $1 AND t.state = $2 AND t.done = 0 AND f.raw_name = $3 AND f.state = $4 ORDER BY f.created DESC LIMIT 1`,
		linkID, Open, RawName(name), Uploading).Scan(&fid)
	if errors.Is(err, sql.ErrNoRows) {
		return Transfer{}, File{}, false, nil
	}
	if err != nil {
		return Transfer{}, File{}, false, err
	}
	f, err := s.st.file(ctx, fid)
	if err != nil {
		return Transfer{}, File{}, false, err
	}
	t, err := s.st.transfer(ctx, f.TransferID)
	return t, f, err == nil, err
}

// rekey gives an open transfer a new upload key (for an answer that names its status URL).
func (s *Service) rekey(ctx context.Context, t Transfer) (string, error) {
	key, h := newToken()
	return key, s.st.setKey(ctx, t.ID, h)
}
