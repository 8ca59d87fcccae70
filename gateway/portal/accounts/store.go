package accounts

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/sekisho/sekisho/quarantine"
)

// ErrNoUser is returned for an unknown user name.
var ErrNoUser = errors.New("accounts: no such user")

// ErrExists is returned when creating a user whose name is taken.
var ErrExists = errors.New("accounts: user exists")

// Source says where a user's password is checked.
type Source string

const (
	Local Source = "local"
	LDAP  Source = "ldap"
)

// User is one portal account.
type User struct {
	Name        string // login name, lower case
	Display     string // shown in the header and the audit log
	Email       string // the address items are held for ("held for me")
	Roles       Roles
	Source      Source
	Disabled    bool
	HasTOTP     bool
	Failed      int       // consecutive failed logins
	LockedUntil time.Time // zero when not locked
	Created     time.Time
	Updated     time.Time

	hash       string
	totpSecret []byte
	totpLast   int64
}

// Store is the users, sessions and meta tables on one database.
type Store struct {
	db  *sql.DB
	now func() time.Time
}

// Schema is the accounts tables per dialect, one entry per version: entry i takes the
// tables from version i to i+1. Entries are append-only once shipped. The store applies
// them under the name "accounts" (quarantine.Tables); Open applies the SQLite ones itself.
var Schema = quarantine.Schema{
	SQLite: []string{
		// 1
		`CREATE TABLE IF NOT EXISTS portal_meta (k TEXT PRIMARY KEY, v BLOB NOT NULL);
		CREATE TABLE IF NOT EXISTS portal_users (
			name TEXT PRIMARY KEY, display TEXT NOT NULL, email TEXT NOT NULL, roles TEXT NOT NULL,
			source TEXT NOT NULL, password_hash TEXT NOT NULL, totp_secret BLOB, totp_last INTEGER NOT NULL,
			disabled INTEGER NOT NULL, failed INTEGER NOT NULL, locked_until INTEGER NOT NULL,
			created INTEGER NOT NULL, updated INTEGER NOT NULL);
		CREATE INDEX IF NOT EXISTS portal_users_email ON portal_users(email);
		CREATE TABLE IF NOT EXISTS portal_sessions (
			token_hash TEXT PRIMARY KEY, user_name TEXT NOT NULL, roles TEXT NOT NULL, stage TEXT NOT NULL,
			created INTEGER NOT NULL, last_seen INTEGER NOT NULL, ip TEXT NOT NULL, lang TEXT NOT NULL);
		CREATE INDEX IF NOT EXISTS portal_sessions_user ON portal_sessions(user_name);`,
	},
	Postgres: []string{
		// 1
		`CREATE TABLE portal_meta (k TEXT PRIMARY KEY, v BYTEA NOT NULL);
		CREATE TABLE portal_users (
			name TEXT PRIMARY KEY, display TEXT NOT NULL, email TEXT NOT NULL, roles TEXT NOT NULL,
			source TEXT NOT NULL, password_hash TEXT NOT NULL, totp_secret BYTEA, totp_last BIGINT NOT NULL,
			disabled INTEGER NOT NULL, failed INTEGER NOT NULL, locked_until BIGINT NOT NULL,
			created BIGINT NOT NULL, updated BIGINT NOT NULL);
		CREATE INDEX portal_users_email ON portal_users (email);
		CREATE TABLE portal_sessions (
			token_hash TEXT PRIMARY KEY, user_name TEXT NOT NULL, roles TEXT NOT NULL, stage TEXT NOT NULL,
			created BIGINT NOT NULL, last_seen BIGINT NOT NULL, ip TEXT NOT NULL, lang TEXT NOT NULL);
		CREATE INDEX portal_sessions_user ON portal_sessions (user_name);`,
	},
}

// New returns a store on db, whose tables are at the current Schema version.
func New(db *sql.DB, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{db: db, now: now}
}

// Open applies Schema to db, keeping its version in portal_meta, and returns the store:
// for a database that nothing else versions (tests, a standalone file). now is the clock
// (nil: time.Now).
func Open(ctx context.Context, db *sql.DB, now func() time.Time) (*Store, error) {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS portal_meta (k TEXT PRIMARY KEY, v BLOB NOT NULL)`); err != nil {
		return nil, fmt.Errorf("accounts: schema: %w", err)
	}
	var v int
	var raw []byte
	err := db.QueryRowContext(ctx, `SELECT v FROM portal_meta WHERE k = 'schema'`).Scan(&raw)
	if err == nil {
		fmt.Sscan(string(raw), &v)
	} else if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("accounts: schema: %w", err)
	}
	if v > len(Schema.SQLite) {
		return nil, fmt.Errorf("accounts: database schema %d is newer than this program (%d)", v, len(Schema.SQLite))
	}
	for ; v < len(Schema.SQLite); v++ {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, Schema.SQLite[v]); err != nil {
			tx.Rollback()
			return nil, fmt.Errorf("accounts: migration %d: %w", v+1, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO portal_meta (k, v) VALUES ('schema', $1)
			ON CONFLICT(k) DO UPDATE SET v = excluded.v`, fmt.Sprint(v+1)); err != nil {
			tx.Rollback()
			return nil, err
		}
		if err := tx.Commit(); err != nil {
			return nil, err
		}
	}
	return New(db, now), nil
}

// Secret returns the named server secret of n random bytes, creating it on first use.
// Every node sharing the database gets the same one.
func (s *Store) Secret(ctx context.Context, name string, n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO portal_meta (k, v) VALUES ($1, $2) ON CONFLICT(k) DO NOTHING`, "secret:"+name, b); err != nil {
		return nil, err
	}
	var got []byte
	err := s.db.QueryRowContext(ctx, `SELECT v FROM portal_meta WHERE k = $1`, "secret:"+name).Scan(&got)
	return got, err
}

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._@+-]{0,127}$`)

// NormalizeName lower-cases a login name and checks its characters.
func NormalizeName(name string) (string, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	if !nameRE.MatchString(n) {
		return "", fmt.Errorf("user name %q: use 1-128 of a-z 0-9 . _ @ + -", name)
	}
	return n, nil
}

const userCols = `name, display, email, roles, source, password_hash, totp_secret, totp_last, disabled,
	failed, locked_until, created, updated`

func scanUser(sc interface{ Scan(...any) error }) (User, error) {
	var u User
	var roles, source string
	var disabled int
	var locked, created, updated int64
	if err := sc.Scan(&u.Name, &u.Display, &u.Email, &roles, &source, &u.hash, &u.totpSecret, &u.totpLast,
		&disabled, &u.Failed, &locked, &created, &updated); err != nil {
		return u, err
	}
	u.Roles, _ = ParseRoles(roles)
	u.Source, u.Disabled, u.HasTOTP = Source(source), disabled != 0, len(u.totpSecret) > 0
	if locked > 0 {
		u.LockedUntil = time.Unix(0, locked)
	}
	u.Created, u.Updated = time.Unix(0, created), time.Unix(0, updated)
	return u, nil
}

// User returns the user called name.
func (s *Store) User(ctx context.Context, name string) (User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userCols+` FROM portal_users WHERE name = $1`, strings.ToLower(name)))
	if errors.Is(err, sql.ErrNoRows) {
		return u, fmt.Errorf("%w: %s", ErrNoUser, name)
	}
	return u, err
}

// Users lists every user by name.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+userCols+` FROM portal_users ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// CreateUser adds a local user with the given password hash (see HashPassword).
func (s *Store) CreateUser(ctx context.Context, u User, hash string) error {
	name, err := NormalizeName(u.Name)
	if err != nil {
		return err
	}
	if len(u.Roles) == 0 {
		return errors.New("accounts: a user needs a role")
	}
	if u.Source == "" {
		u.Source = Local
	}
	if u.Email == "" && strings.Contains(name, "@") {
		u.Email = name
	}
	now := s.now().UnixNano()
	_, err = s.db.ExecContext(ctx, `INSERT INTO portal_users (`+userCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
		name, u.Display, strings.ToLower(u.Email), u.Roles.String(), string(u.Source), hash, nil, 0, 0, 0, 0, now, now)
	if err != nil && strings.Contains(strings.ToLower(err.Error()), "unique") {
		return fmt.Errorf("%w: %s", ErrExists, name)
	}
	return err
}

// update sets columns of one user: set numbers its placeholders from $1, one per arg.
func (s *Store) update(ctx context.Context, name, set string, args ...any) error {
	n := len(args)
	args = append(append(args, s.now().UnixNano()), strings.ToLower(name))
	res, err := s.db.ExecContext(ctx, `UPDATE portal_users SET `+set+`, updated = $`+strconv.Itoa(n+1)+` WHERE name = $`+strconv.Itoa(n+2), args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%w: %s", ErrNoUser, name)
	}
	return nil
}

// SetPasswordHash replaces a user's password, clears a lockout and ends their sessions.
func (s *Store) SetPasswordHash(ctx context.Context, name, hash string) error {
	if err := s.update(ctx, name, `password_hash = $1, failed = 0, locked_until = 0`, hash); err != nil {
		return err
	}
	return s.endSessions(ctx, name)
}

// SetTOTP enrols (secret) or removes (nil) a user's TOTP secret and ends their sessions.
func (s *Store) SetTOTP(ctx context.Context, name string, secret []byte) error {
	if err := s.update(ctx, name, `totp_secret = $1, totp_last = 0`, secret); err != nil {
		return err
	}
	return s.endSessions(ctx, name)
}

// SetDisabled disables or re-enables a user; disabling ends their sessions.
func (s *Store) SetDisabled(ctx context.Context, name string, disabled bool) error {
	d := 0
	if disabled {
		d = 1
	}
	if err := s.update(ctx, name, `disabled = $1, failed = 0, locked_until = 0`, d); err != nil {
		return err
	}
	if disabled {
		return s.endSessions(ctx, name)
	}
	return nil
}

// SetRoles replaces a user's roles and ends their sessions (which carry the old roles).
func (s *Store) SetRoles(ctx context.Context, name string, roles Roles) error {
	if len(roles) == 0 {
		return errors.New("accounts: a user needs a role")
	}
	if err := s.update(ctx, name, `roles = $1`, roles.String()); err != nil {
		return err
	}
	return s.endSessions(ctx, name)
}

// upsertDirectoryUser records a user the directory authenticated, with the directory's
// mail, display name and roles. A local account of the same name is left alone.
func (s *Store) upsertDirectoryUser(ctx context.Context, u User) error {
	now := s.now().UnixNano()
	_, err := s.db.ExecContext(ctx, `INSERT INTO portal_users (`+userCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)
		ON CONFLICT(name) DO UPDATE SET display = excluded.display, email = excluded.email,
		roles = excluded.roles, updated = excluded.updated WHERE portal_users.source = 'ldap'`,
		u.Name, u.Display, strings.ToLower(u.Email), u.Roles.String(), string(LDAP), "", nil, 0, 0, 0, 0, now, now)
	return err
}

// recordFailure counts a failed login and locks the account for lockFor once max
// consecutive failures are reached. It reports whether the account is now locked.
func (s *Store) recordFailure(ctx context.Context, name string, max int, lockFor time.Duration) (bool, error) {
	now := s.now()
	res, err := s.db.ExecContext(ctx, `UPDATE portal_users SET failed = failed + 1,
		locked_until = CASE WHEN failed + 1 >= $1 THEN $2 ELSE locked_until END WHERE name = $3`,
		max, now.Add(lockFor).UnixNano(), name)
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	u, err := s.User(ctx, name)
	return err == nil && u.LockedUntil.After(now), err
}

// Unlock clears a user's failed-login count and lockout.
func (s *Store) Unlock(ctx context.Context, name string) error {
	return s.update(ctx, name, `failed = 0, locked_until = 0`)
}

func (s *Store) resetFailures(ctx context.Context, name string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE portal_users SET failed = 0, locked_until = 0 WHERE name = $1`, name)
	return err
}

// useTOTPStep records step as the last one used, only if it is newer: two requests with
// the same code cannot both succeed.
func (s *Store) useTOTPStep(ctx context.Context, name string, step int64) (bool, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE portal_users SET totp_last = $1 WHERE name = $2 AND totp_last < $3`, step, name, step)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}
