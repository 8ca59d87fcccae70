package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"time"
)

// Stage is how far a session got through login.
type Stage string

const (
	// PendingTOTP: the password was right, the second factor is still owed. Such a
	// session opens only the TOTP form.
	PendingTOTP Stage = "totp"
	// Full: logged in.
	Full Stage = "full"
)

// ErrNoSession means the token is unknown, expired or ended.
var ErrNoSession = errors.New("accounts: no session")

// Session is a server-side login. The token itself is only in the cookie; the table
// holds its SHA-256.
type Session struct {
	ID       string // a short, non-secret handle (prefix of the token hash) for logs and audit
	User     string
	Roles    Roles // the effective roles: privileged ones only from allowed addresses
	Stage    Stage
	Created  time.Time
	LastSeen time.Time
	IP       string
	Lang     string
}

// SessionTimeouts bound a session's life.
type SessionTimeouts struct {
	Idle     time.Duration // since the last request; default 30m
	Absolute time.Duration // since login; default 12h
	Pending  time.Duration // to enter the TOTP code; default 5m
}

func (t SessionTimeouts) withDefaults() SessionTimeouts {
	if t.Idle <= 0 {
		t.Idle = 30 * time.Minute
	}
	if t.Absolute <= 0 {
		t.Absolute = 12 * time.Hour
	}
	if t.Pending <= 0 {
		t.Pending = 5 * time.Minute
	}
	return t
}

func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// NewSession creates a session and returns its token (32 random bytes, base64url). The
// caller sets it as the cookie; it is never stored.
func (s *Store) NewSession(ctx context.Context, user string, roles Roles, stage Stage, ip, lang string) (string, Session, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", Session{}, err
	}
	token := base64.RawURLEncoding.EncodeToString(b[:])
	now := s.now()
	h := tokenHash(token)
	_, err := s.db.ExecContext(ctx, `INSERT INTO portal_sessions (token_hash, user_name, roles, stage, created, last_seen, ip, lang)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`, h, user, roles.String(), string(stage), now.UnixNano(), now.UnixNano(), ip, lang)
	if err != nil {
		return "", Session{}, err
	}
	return token, Session{ID: h[:12], User: user, Roles: roles, Stage: stage, Created: now, LastSeen: now, IP: ip, Lang: lang}, nil
}

// Session returns the live session of token and marks it used. An expired session is
// removed and reported as ErrNoSession.
func (s *Store) Session(ctx context.Context, token string, t SessionTimeouts) (Session, error) {
	t = t.withDefaults()
	if token == "" || len(token) > 100 {
		return Session{}, ErrNoSession
	}
	h := tokenHash(token)
	var ss Session
	var roles, stage string
	var created, seen int64
	err := s.db.QueryRowContext(ctx, `SELECT user_name, roles, stage, created, last_seen, ip, lang FROM portal_sessions
		WHERE token_hash = $1`, h).Scan(&ss.User, &roles, &stage, &created, &seen, &ss.IP, &ss.Lang)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, ErrNoSession
	}
	if err != nil {
		return Session{}, err
	}
	ss.ID, ss.Stage = h[:12], Stage(stage)
	ss.Roles, _ = ParseRoles(roles)
	ss.Created, ss.LastSeen = time.Unix(0, created), time.Unix(0, seen)
	now := s.now()
	idle, abs := t.Idle, t.Absolute
	if ss.Stage == PendingTOTP {
		idle, abs = t.Pending, t.Pending
	}
	if now.Sub(ss.LastSeen) > idle || now.Sub(ss.Created) > abs {
		s.db.ExecContext(ctx, `DELETE FROM portal_sessions WHERE token_hash = $1`, h)
		return Session{}, ErrNoSession
	}
	// Writing on every request would make each page view a database write; a minute of
	// slack on a 30-minute idle timeout is not worth that.
	if now.Sub(ss.LastSeen) > time.Minute {
		s.db.ExecContext(ctx, `UPDATE portal_sessions SET last_seen = $1 WHERE token_hash = $2`, now.UnixNano(), h)
		ss.LastSeen = now
	}
	return ss, nil
}

// SetSessionLang records the language chosen during a session.
func (s *Store) SetSessionLang(ctx context.Context, token, lang string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE portal_sessions SET lang = $1 WHERE token_hash = $2`, lang, tokenHash(token))
	return err
}

// EndSession removes a session (logout, or rotation).
func (s *Store) EndSession(ctx context.Context, token string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM portal_sessions WHERE token_hash = $1`, tokenHash(token))
	return err
}

func (s *Store) endSessions(ctx context.Context, user string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM portal_sessions WHERE user_name = $1`, user)
	return err
}

// PurgeSessions removes sessions past their timeouts and returns how many.
func (s *Store) PurgeSessions(ctx context.Context, t SessionTimeouts) (int64, error) {
	t = t.withDefaults()
	now := s.now()
	res, err := s.db.ExecContext(ctx, `DELETE FROM portal_sessions WHERE last_seen < $1 OR created < $2
		OR (stage = $3 AND created < $4)`, now.Add(-t.Idle).UnixNano(), now.Add(-t.Absolute).UnixNano(),
		string(PendingTOTP), now.Add(-t.Pending).UnixNano())
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
