// Package webtest has the pieces tests of web applications need: an accounts store on a
// temporary SQLite file, users (with TOTP for privileged roles), a self-signed TLS
// certificate, an auditor that records events, a running server on a free loopback
// port, and an HTTP client that logs in and carries CSRF tokens like a browser.
package webtest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"database/sql"
	"math/big"
	"net"
	"net/netip"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/sekisho/sekisho/gateway/portal/accounts"
	"github.com/sekisho/sekisho/gateway/portal/web"
)

// FastHash makes password hashing cheap in tests (never use outside them).
var FastHash = accounts.HashParams{Memory: 1 << 10, Time: 1, Threads: 1}

// Accounts opens an accounts store on a fresh SQLite file with an authenticator whose
// admin networks are loopback.
func Accounts(t testing.TB, o accounts.AuthOptions) (*accounts.Store, *accounts.Authenticator, *sql.DB) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "portal.db")+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	st, err := accounts.Open(context.Background(), db, nil)
	if err != nil {
		t.Fatal(err)
	}
	if o.Hash == (accounts.HashParams{}) {
		o.Hash = FastHash
	}
	if o.RatePerIP == 0 {
		o.RatePerIP = 10000 // tests log in often from one address
	}
	a, err := accounts.NewAuthenticator(st, o)
	if err != nil {
		t.Fatal(err)
	}
	return st, a, db
}

// AddUser creates a local user; privileged users get a TOTP secret, returned.
func AddUser(t testing.TB, st *accounts.Store, a *accounts.Authenticator, name, password string, roles ...accounts.Role) []byte {
	t.Helper()
	h, err := a.Hash(password)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := st.CreateUser(ctx, accounts.User{Name: name, Display: name, Roles: roles}, h); err != nil {
		t.Fatal(err)
	}
	if !accounts.Roles(roles).Privileged() {
		return nil
	}
	sec, _ := accounts.NewTOTPSecret()
	if err := st.SetTOTP(ctx, name, sec); err != nil {
		t.Fatal(err)
	}
	return sec
}

var (
	codeMu   sync.Mutex
	codeLast = map[string]int64{}
)

// Code returns a TOTP code for secret that the server has not seen yet: the server
// refuses a step it already accepted, and tests log in more often than every 30 s. The
// previous step is used only while it stays valid for a while yet (the server accepts
// one step either side): a loaded machine may take seconds from here to the submit.
func Code(secret []byte) string {
	codeMu.Lock()
	defer codeMu.Unlock()
	tt := accounts.TOTP{Secret: secret}
	for {
		now := time.Now()
		c := tt.Counter(now)
		steps := []int64{c - 1, c, c + 1}
		if tt.Counter(now.Add(10*time.Second)) != c {
			steps = steps[1:]
		}
		for _, s := range steps {
			if s > codeLast[string(secret)] {
				codeLast[string(secret)] = s
				return tt.At(s)
			}
		}
		time.Sleep(time.Second)
	}
}

// TLSConfig is a server configuration with a fresh self-signed certificate for
// 127.0.0.1 and localhost.
func TLSConfig(t testing.TB) *tls.Config {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "sekisho test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}, MinVersion: tls.VersionTLS12}
}

// Recorder is an Auditor that keeps events in memory.
type Recorder struct {
	mu     sync.Mutex
	events []web.Event
	Fail   error // when set, Audit returns it (tests of fail-closed auditing)
}

// Audit records e.
func (r *Recorder) Audit(_ context.Context, e web.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Fail != nil {
		return r.Fail
	}
	r.events = append(r.events, e)
	return nil
}

// Events returns a copy of what was recorded.
func (r *Recorder) Events() []web.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]web.Event(nil), r.events...)
}

// Find returns the recorded events with the action.
func (r *Recorder) Find(action string) []web.Event {
	var out []web.Event
	for _, e := range r.Events() {
		if e.Action == action {
			out = append(out, e)
		}
	}
	return out
}

// Server is what Serve runs.
type Server interface {
	Serve(net.Listener) error
	Shutdown(context.Context) error
}

// Serve runs s on a free loopback port until the test ends and returns its base URL.
func Serve(t testing.TB, s Server, useTLS bool) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { s.Serve(ln); close(done) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s.Shutdown(ctx)
		<-done
	})
	if useTLS {
		return "https://" + ln.Addr().String()
	}
	return "http://" + ln.Addr().String()
}

// Loopback is the address tests connect from.
var Loopback = netip.MustParseAddr("127.0.0.1")
