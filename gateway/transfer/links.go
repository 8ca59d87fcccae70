package transfer

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"time"
)

// maxCodeFailures wrong access codes revoke an outbound link.
const maxCodeFailures = 10

// ErrCode is a wrong access code; ErrDownloads a file downloaded as often as the link
// allows.
var (
	ErrCode      = errors.New("transfer: wrong access code")
	ErrDownloads = errors.New("transfer: download limit reached")
)

// UploadLinkRequest is what a staff member sets on a new upload link.
type UploadLinkRequest struct {
	Label    string        // shown to the partner
	Partner  string        // mailed the link when set
	Expiry   time.Duration // 0: transfer.link_expiry; at most transfer.max_link_expiry
	MaxBytes int64         // per transfer; 0: transfer.max_transfer_size
	OneTime  bool
}

// CreateUploadLink makes an upload link (受取依頼) for owner and returns it with its
// token, which is shown once (only its hash is stored). With a partner address the link
// is mailed to it.
func (s *Service) CreateUploadLink(ctx context.Context, owner string, r UploadLinkRequest, ip string) (UploadLink, string, error) {
	if r.Expiry <= 0 {
		r.Expiry = s.o.LinkExpiry
	}
	if s.o.MaxLinkExpiry > 0 && r.Expiry > s.o.MaxLinkExpiry {
		r.Expiry = s.o.MaxLinkExpiry
	}
	if r.MaxBytes <= 0 || r.MaxBytes > s.o.Limits.MaxTransferSize {
		r.MaxBytes = s.o.Limits.MaxTransferSize
	}
	if r.Partner != "" {
		rs, err := ParseRecipients(r.Partner)
		if err != nil || len(rs) != 1 {
			return UploadLink{}, "", fmt.Errorf("transfer: partner: %q is not one e-mail address", truncate(r.Partner, 100))
		}
		r.Partner = rs[0]
	}
	now := s.now().UTC()
	l := UploadLink{ID: newID("L"), Owner: owner, Label: cleanText(r.Label, 200), Partner: r.Partner, Created: now,
		Expires: now.Add(r.Expiry), MaxBytes: r.MaxBytes, OneTime: r.OneTime}
	token, h := newToken()
	if _, err := s.o.DB.ExecContext(ctx, `INSERT INTO transfer_upload_links (id, token_hash, owner, label, partner, created,
		expires, max_bytes, one_time, uses, revoked) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,0,0)`,
		l.ID, h, l.Owner, l.Label, l.Partner, ns(l.Created), ns(l.Expires), l.MaxBytes, b2i(l.OneTime)); err != nil {
		return l, "", err
	}
	if err := s.audit(ctx, "transfer-link-create", l.ID, owner, ip, fmt.Sprintf("one_time=%v; expires=%s; max_bytes=%d; partner=%s",
		l.OneTime, l.Expires.Format(time.RFC3339), l.MaxBytes, l.Partner)); err != nil {
		return l, "", err
	}
	if l.Partner != "" {
		s.mailUploadLink(ctx, l, token)
	}
	return l, token, nil
}

const uploadLinkCols = `id, owner, label, partner, created, expires, max_bytes, one_time, uses, revoked`

func scanUploadLink(sc interface{ Scan(...any) error }) (UploadLink, error) {
	var l UploadLink
	var created, expires int64
	var one, revoked int
	err := sc.Scan(&l.ID, &l.Owner, &l.Label, &l.Partner, &created, &expires, &l.MaxBytes, &one, &l.Uses, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return l, ErrNotFound
	}
	l.Created, l.Expires, l.OneTime, l.Revoked = fromNS(created), fromNS(expires), one != 0, revoked != 0
	return l, err
}

func (s *Service) uploadLink(ctx context.Context, id string) (UploadLink, error) {
	return scanUploadLink(s.o.DB.QueryRowContext(ctx, `SELECT `+uploadLinkCols+` FROM transfer_upload_links WHERE id = $1`, id))
}

// UploadLinkByToken returns the upload link a token opens (usable or not).
func (s *Service) UploadLinkByToken(ctx context.Context, token string) (UploadLink, error) {
	if !validToken(token) {
		return UploadLink{}, ErrNotFound
	}
	return scanUploadLink(s.o.DB.QueryRowContext(ctx, `SELECT `+uploadLinkCols+` FROM transfer_upload_links WHERE token_hash = $1`, hashToken(token)))
}

// UploadLinks lists owner's upload links, newest first.
func (s *Service) UploadLinks(ctx context.Context, owner string) ([]UploadLink, error) {
	rows, err := s.o.DB.QueryContext(ctx, `SELECT `+uploadLinkCols+` FROM transfer_upload_links WHERE owner = $1 ORDER BY created DESC LIMIT 200`, owner)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []UploadLink
	for rows.Next() {
		l, err := scanUploadLink(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// RevokeUploadLink stops owner's link from accepting new transfers.
func (s *Service) RevokeUploadLink(ctx context.Context, owner, id, ip string) error {
	res, err := s.o.DB.ExecContext(ctx, `UPDATE transfer_upload_links SET revoked = 1 WHERE id = $1 AND owner = $2`, id, owner)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return s.audit(ctx, "transfer-link-revoke", id, owner, ip, "")
}

// codeAlphabet has no characters that read alike (0/O, 1/l/I).
const codeAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

func newCode() string {
	b := make([]byte, 10)
	for i := range b {
		n, _ := rand.Int(rand.Reader, big.NewInt(int64(len(codeAlphabet))))
		b[i] = codeAlphabet[n.Int64()]
	}
	return string(b)
}

func hashCode(linkID, code string) string {
	m := hmac.New(sha256.New, []byte("sekisho-transfer-code\x00"+linkID))
	m.Write([]byte(code))
	return hex.EncodeToString(m.Sum(nil))
}

// sendLinks makes one download link per recipient and mails it (and, separately, its
// access code).
func (s *Service) sendLinks(ctx context.Context, t Transfer, fs []File) error {
	now := s.now().UTC()
	for _, rcpt := range t.Recipients {
		l := Link{ID: newID("D"), TransferID: t.ID, Recipient: rcpt, Created: now, Expires: now.Add(t.LinkExpiry),
			MaxDownloads: t.MaxDownloads, HasCode: t.AccessCode, Sent: now}
		token, h := newToken()
		var code, codeHash string
		if t.AccessCode {
			code = newCode()
			codeHash = hashCode(l.ID, code)
		}
		if _, err := s.o.DB.ExecContext(ctx, `INSERT INTO transfer_links (id, token_hash, transfer_id, recipient, code_hash,
			code_failures, created, expires, max_downloads, revoked, sent) VALUES ($1,$2,$3,$4,$5,0,$6,$7,$8,0,$9)`,
			l.ID, h, l.TransferID, l.Recipient, codeHash, ns(l.Created), ns(l.Expires), l.MaxDownloads, ns(l.Sent)); err != nil {
			return err
		}
		s.mailLink(ctx, t, fs, l, token, code)
	}
	return nil
}

// revokeLinks stops every download link of a transfer.
func (s *Service) revokeLinks(ctx context.Context, id string) error {
	_, err := s.o.DB.ExecContext(ctx, `UPDATE transfer_links SET revoked = 1 WHERE transfer_id = $1`, id)
	return err
}

const linkCols = `id, transfer_id, recipient, code_hash, code_failures, created, expires, max_downloads, revoked, sent`

func scanLink(sc interface{ Scan(...any) error }) (Link, string, error) {
	var l Link
	var codeHash string
	var created, expires, sent int64
	var revoked int
	err := sc.Scan(&l.ID, &l.TransferID, &l.Recipient, &codeHash, &l.CodeFailures, &created, &expires, &l.MaxDownloads, &revoked, &sent)
	if errors.Is(err, sql.ErrNoRows) {
		return l, "", ErrNotFound
	}
	l.Created, l.Expires, l.Sent, l.Revoked, l.HasCode = fromNS(created), fromNS(expires), fromNS(sent), revoked != 0, codeHash != ""
	return l, codeHash, err
}

// Links lists the download links of a transfer.
func (s *Service) Links(ctx context.Context, transferID string) ([]Link, error) {
	rows, err := s.o.DB.QueryContext(ctx, `SELECT `+linkCols+` FROM transfer_links WHERE transfer_id = $1 ORDER BY recipient`, transferID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Link
	for rows.Next() {
		l, _, err := scanLink(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// Downloads counts the downloads of each file through each of a transfer's links
// (link ID → file ID → count).
func (s *Service) Downloads(ctx context.Context, transferID string) (map[string]map[string]int, error) {
	rows, err := s.o.DB.QueryContext(ctx, `SELECT d.link_id, d.file_id, d.n FROM transfer_downloads d
		JOIN transfer_links l ON l.id = d.link_id WHERE l.transfer_id = $1`, transferID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]map[string]int{}
	for rows.Next() {
		var l, f string
		var n int
		if err := rows.Scan(&l, &f, &n); err != nil {
			return nil, err
		}
		if out[l] == nil {
			out[l] = map[string]int{}
		}
		out[l][f] = n
	}
	return out, rows.Err()
}

// OpenLink returns the usable download link a token opens, with its transfer. An expired,
// revoked or unknown link, or one whose transfer is no longer sent, is ErrNotFound.
func (s *Service) OpenLink(ctx context.Context, token string) (Link, Transfer, error) {
	if !validToken(token) {
		return Link{}, Transfer{}, ErrNotFound
	}
	l, _, err := scanLink(s.o.DB.QueryRowContext(ctx, `SELECT `+linkCols+` FROM transfer_links WHERE token_hash = $1`, hashToken(token)))
	if err != nil {
		return l, Transfer{}, err
	}
	if l.Revoked || !s.now().Before(l.Expires) {
		return l, Transfer{}, ErrLinkUsed
	}
	t, err := s.st.transfer(ctx, l.TransferID)
	if err != nil {
		return l, t, err
	}
	if t.State != Sent {
		return l, t, ErrLinkUsed
	}
	return l, t, nil
}

// CheckCode compares an access code; too many wrong ones revoke the link.
func (s *Service) CheckCode(ctx context.Context, l Link, code, ip string) error {
	_, stored, err := scanLink(s.o.DB.QueryRowContext(ctx, `SELECT `+linkCols+` FROM transfer_links WHERE id = $1`, l.ID))
	if err != nil {
		return err
	}
	if stored == "" {
		return nil
	}
	if hmac.Equal([]byte(stored), []byte(hashCode(l.ID, normalizeCode(code)))) {
		return nil
	}
	if _, err := s.o.DB.ExecContext(ctx, `UPDATE transfer_links SET code_failures = code_failures + 1,
		revoked = CASE WHEN code_failures + 1 >= $1 THEN 1 ELSE revoked END WHERE id = $2`, maxCodeFailures, l.ID); err != nil {
		return err
	}
	s.audit(ctx, "transfer-code-failed", l.ID, "recipient:"+l.Recipient, ip, fmt.Sprintf("transfer=%s; failures=%d", l.TransferID, l.CodeFailures+1))
	return ErrCode
}

func normalizeCode(c string) string {
	out := make([]byte, 0, len(c))
	for i := 0; i < len(c); i++ {
		b := c[i]
		if b >= 'a' && b <= 'z' {
			b -= 'a' - 'A'
		}
		if b != ' ' && b != '-' {
			out = append(out, b)
		}
	}
	return string(out)
}

// countDownload takes one download of file through link, unless the link's limit is
// reached (ErrDownloads).
func (s *Service) countDownload(ctx context.Context, l Link, fileID string, bytes int64) error {
	res, err := s.o.DB.ExecContext(ctx, `INSERT INTO transfer_downloads (link_id, file_id, n, bytes) VALUES ($1, $2, 1, $3)
		ON CONFLICT(link_id, file_id) DO UPDATE SET n = transfer_downloads.n + 1,
		bytes = transfer_downloads.bytes + excluded.bytes WHERE transfer_downloads.n < $4`,
		l.ID, fileID, bytes, l.MaxDownloads)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrDownloads
	}
	return nil
}
