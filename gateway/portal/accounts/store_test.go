package accounts

import (
	"context"
	"database/sql"
	"errors"
	"net/netip"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// clock is a settable time source for timeouts and lockouts.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// openTest opens a store on a fresh database: SQLite, or PostgreSQL under TestOnPostgres.
func openTest(t *testing.T) (*Store, *clock, *sql.DB) {
	t.Helper()
	if openOther != nil {
		return openOther(t)
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "portal.db")+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	c := &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	st, err := Open(context.Background(), db, c.now)
	if err != nil {
		t.Fatal(err)
	}
	return st, c, db
}

func TestStoreUsers(t *testing.T) {
	ctx := context.Background()
	st, _, db := openTest(t)
	h, _ := HashPassword("pw", testHash)
	if err := st.CreateUser(ctx, User{Name: "Tanaka@City.LG.JP", Roles: Roles{Staff}}, h); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateUser(ctx, User{Name: "tanaka@city.lg.jp", Roles: Roles{Staff}}, h); !errors.Is(err, ErrExists) {
		t.Fatalf("duplicate: %v", err)
	}
	for _, bad := range []string{"", "a b", "../x", "<script>", strings.Repeat("a", 129)} {
		if err := st.CreateUser(ctx, User{Name: bad, Roles: Roles{Staff}}, h); err == nil {
			t.Errorf("name %q accepted", bad)
		}
	}
	u, err := st.User(ctx, "TANAKA@city.lg.jp")
	if err != nil || u.Email != "tanaka@city.lg.jp" || u.Source != Local || !u.Roles.Has(Staff) || u.Roles.Has(Operator) {
		t.Fatalf("%+v %v", u, err)
	}
	if _, err := st.User(ctx, "nobody"); !errors.Is(err, ErrNoUser) {
		t.Fatal(err)
	}
	// Re-opening keeps the data and does not re-run migrations.
	if _, err := Open(ctx, db, nil); err != nil {
		t.Fatal(err)
	}
	if us, _ := st.Users(ctx); len(us) != 1 {
		t.Fatalf("users %d", len(us))
	}
	s1, _ := st.Secret(ctx, "csrf", 32)
	s2, _ := st.Secret(ctx, "csrf", 32)
	if len(s1) != 32 || string(s1) != string(s2) {
		t.Fatal("secret not stable")
	}
}

func TestSessions(t *testing.T) {
	ctx := context.Background()
	st, clk, db := openTest(t)
	tm := SessionTimeouts{Idle: 30 * time.Minute, Absolute: 2 * time.Hour, Pending: 5 * time.Minute}
	tok, s, err := st.NewSession(ctx, "op", Roles{Operator}, Full, "127.0.0.1", "ja")
	if err != nil {
		t.Fatal(err)
	}
	var n int
	db.QueryRow(`SELECT count(*) FROM portal_sessions WHERE token_hash = $1`, tok).Scan(&n)
	if n != 0 || len(tok) < 40 || strings.Contains(tok, s.ID) {
		t.Fatal("the token itself is stored, or too short")
	}
	got, err := st.Session(ctx, tok, tm)
	if err != nil || got.User != "op" || !got.Roles.Has(Operator) || got.Stage != Full {
		t.Fatalf("%+v %v", got, err)
	}
	if _, err := st.Session(ctx, tok+"x", tm); !errors.Is(err, ErrNoSession) {
		t.Fatal("a modified token opened a session")
	}
	// Kept alive by use until the absolute timeout.
	for range 4 {
		clk.add(25 * time.Minute)
		if _, err := st.Session(ctx, tok, tm); err != nil {
			t.Fatalf("active session ended early: %v", err)
		}
	}
	clk.add(25 * time.Minute) // 125 min since login
	if _, err := st.Session(ctx, tok, tm); !errors.Is(err, ErrNoSession) {
		t.Fatal("absolute timeout not enforced")
	}
	// Idle timeout.
	tok2, _, _ := st.NewSession(ctx, "op", Roles{Operator}, Full, "127.0.0.1", "ja")
	clk.add(31 * time.Minute)
	if _, err := st.Session(ctx, tok2, tm); !errors.Is(err, ErrNoSession) {
		t.Fatal("idle timeout not enforced")
	}
	// A pending-TOTP session lives 5 minutes.
	tok3, _, _ := st.NewSession(ctx, "op", Roles{Operator}, PendingTOTP, "127.0.0.1", "ja")
	clk.add(6 * time.Minute)
	if _, err := st.Session(ctx, tok3, tm); !errors.Is(err, ErrNoSession) {
		t.Fatal("pending timeout not enforced")
	}
	// Changing the password ends every session of the user.
	h, _ := HashPassword("pw", testHash)
	st.CreateUser(ctx, User{Name: "op", Roles: Roles{Operator}}, h)
	tok4, _, _ := st.NewSession(ctx, "op", Roles{Operator}, Full, "127.0.0.1", "ja")
	st.SetPasswordHash(ctx, "op", h)
	if _, err := st.Session(ctx, tok4, tm); !errors.Is(err, ErrNoSession) {
		t.Fatal("session survived a password change")
	}
	tok5, _, _ := st.NewSession(ctx, "op", Roles{Operator}, Full, "127.0.0.1", "ja")
	st.SetDisabled(ctx, "op", true)
	if _, err := st.Session(ctx, tok5, tm); !errors.Is(err, ErrNoSession) {
		t.Fatal("session survived disabling")
	}
	st.NewSession(ctx, "x", Roles{Staff}, Full, "127.0.0.1", "ja")
	clk.add(time.Hour)
	if n, err := st.PurgeSessions(ctx, tm); err != nil || n != 1 {
		t.Fatalf("purge %d %v", n, err)
	}
}

func newAuth(t *testing.T, st *Store, o AuthOptions) *Authenticator {
	t.Helper()
	o.Hash = testHash
	a, err := NewAuthenticator(st, o)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

var (
	loopback = netip.MustParseAddr("127.0.0.1")
	remote   = netip.MustParseAddr("192.0.2.10")
)

func TestLockout(t *testing.T) {
	ctx := context.Background()
	st, clk, _ := openTest(t)
	a := newAuth(t, st, AuthOptions{MaxFailures: 5, LockFor: time.Hour, RatePerIP: 1000})
	h, _ := a.Hash("right")
	st.CreateUser(ctx, User{Name: "staff1", Roles: Roles{Staff}}, h)
	for i := range 4 {
		if _, err := a.Password(ctx, "staff1", "wrong", remote); !errors.Is(err, ErrInvalid) {
			t.Fatalf("try %d: %v", i, err)
		}
	}
	if _, err := a.Password(ctx, "staff1", "wrong", remote); !errors.Is(err, ErrLocked) {
		t.Fatalf("5th failure: %v, want ErrLocked", err)
	}
	if _, err := a.Password(ctx, "staff1", "right", remote); !errors.Is(err, ErrLocked) {
		t.Fatalf("right password while locked: %v", err)
	}
	clk.add(61 * time.Minute)
	l, err := a.Password(ctx, "staff1", "right", remote)
	if err != nil || l.NeedTOTP || !l.Roles.Has(Staff) {
		t.Fatalf("after the lock: %+v %v", l, err)
	}
	if u, _ := st.User(ctx, "staff1"); u.Failed != 0 {
		t.Fatal("failures not reset by a success")
	}
	// Unknown users and disabled users read the same as a wrong password.
	if _, err := a.Password(ctx, "ghost", "x", remote); !errors.Is(err, ErrInvalid) {
		t.Fatal(err)
	}
	st.SetDisabled(ctx, "staff1", true)
	if _, err := a.Password(ctx, "staff1", "right", remote); !errors.Is(err, ErrInvalid) {
		t.Fatalf("disabled: %v", err)
	}
}

func TestRateLimit(t *testing.T) {
	ctx := context.Background()
	st, clk, _ := openTest(t)
	a := newAuth(t, st, AuthOptions{RatePerIP: 3, MaxFailures: 100})
	for i := range 3 {
		if _, err := a.Password(ctx, "u"+string(rune('a'+i)), "x", remote); !errors.Is(err, ErrInvalid) {
			t.Fatal(err)
		}
	}
	if _, err := a.Password(ctx, "other", "x", remote); !errors.Is(err, ErrRateLimited) {
		t.Fatalf("4th attempt in a minute: %v", err)
	}
	if _, err := a.Password(ctx, "other", "x", loopback); !errors.Is(err, ErrInvalid) {
		t.Fatal("another address was limited too")
	}
	clk.add(time.Minute)
	if _, err := a.Password(ctx, "other", "x", remote); !errors.Is(err, ErrInvalid) {
		t.Fatal("limit did not reset")
	}
}

func TestPrivilegedLogin(t *testing.T) {
	ctx := context.Background()
	st, clk, _ := openTest(t)
	a := newAuth(t, st, AuthOptions{AdminNetworks: []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16")}, RatePerIP: 1000})
	h, _ := a.Hash("pw")
	st.CreateUser(ctx, User{Name: "op", Roles: Roles{Operator}}, h)
	st.CreateUser(ctx, User{Name: "mixed", Roles: Roles{Staff, Operator}}, h)
	admin := netip.MustParseAddr("10.1.2.3")
	if _, err := a.Password(ctx, "op", "pw", admin); !errors.Is(err, ErrTOTPNotEnabled) {
		t.Fatalf("operator without TOTP: %v", err)
	}
	sec, _ := NewTOTPSecret()
	st.SetTOTP(ctx, "op", sec)
	l, err := a.Password(ctx, "op", "pw", admin)
	if err != nil || !l.NeedTOTP || !l.Roles.Has(Operator) {
		t.Fatalf("%+v %v", l, err)
	}
	if _, err := a.Password(ctx, "op", "pw", remote); !errors.Is(err, ErrAddress) {
		t.Fatalf("operator from outside admin_networks: %v", err)
	}
	if _, err := a.Password(ctx, "op", "pw", netip.MustParseAddr("::ffff:10.1.2.3")); err != nil {
		t.Fatalf("IPv4-mapped admin address: %v", err)
	}
	// A user with staff and operator roles keeps staff from elsewhere, without TOTP.
	l, err = a.Password(ctx, "mixed", "pw", remote)
	if err != nil || l.Roles.Has(Operator) || !l.Roles.Has(Staff) || l.NeedTOTP {
		t.Fatalf("mixed from outside: %+v %v", l, err)
	}
	code := TOTP{Secret: sec}.At(TOTP{}.Counter(clk.now()))
	if err := a.CheckTOTP(ctx, "op", "000000", admin); !errors.Is(err, ErrInvalid) && code != "000000" {
		t.Fatal(err)
	}
	if err := a.CheckTOTP(ctx, "op", code, admin); err != nil {
		t.Fatalf("right code: %v", err)
	}
	if err := a.CheckTOTP(ctx, "op", code, admin); !errors.Is(err, ErrInvalid) {
		t.Fatalf("replayed code: %v", err)
	}
}
