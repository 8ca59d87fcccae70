package main

import (
	"context"
	"errors"
	"net/netip"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/config"
	"github.com/sekisho/sekisho/gateway/portal/accounts"
	"github.com/sekisho/sekisho/internal/assemble"
)

// TestUserCommand bootstraps an admin from the command line and checks, through the
// portal's own authenticator, that the account logs in with the password and TOTP code.
func TestUserCommand(t *testing.T) {
	dir := t.TempDir()
	pw := []byte("correct horse battery\n")
	for _, tc := range []struct {
		args  []string
		stdin []byte
		code  int
		out   string
	}{
		{[]string{"user", "add", "admin@city.lg.jp", "--role", "admin"}, pw, 0, "user admin@city.lg.jp added with roles admin"},
		{[]string{"user", "add", "ADMIN@city.lg.jp", "--role", "staff"}, pw, 2, "user exists"},
		{[]string{"user", "add", "tanaka", "--role", "staff"}, []byte("short\n"), 2, "password too short"},
		{[]string{"user", "add", "tanaka", "--role", "boss"}, pw, 2, "unknown role"},
		{[]string{"user", "add", "../etc", "--role", "staff"}, pw, 2, "user name"},
		{[]string{"user", "add", "tanaka", "--role", "staff,approver", "--email", "tanaka@city.lg.jp"}, pw, 0, "staff,approver"},
		{[]string{"user", "passwd", "nobody"}, pw, 2, "no such user"},
		{[]string{"user", "disable", "tanaka"}, nil, 0, "user tanaka disabled"},
		{[]string{"user", "list"}, nil, 0, "disabled"},
		{[]string{"user", "disable", "tanaka", "--enable"}, nil, 0, "user tanaka enabled"},
		{[]string{"user", "frobnicate", "x"}, nil, 2, "unknown subcommand"},
	} {
		r := sekisho(t, dir, tc.stdin, tc.args...)
		if r.code != tc.code || !strings.Contains(r.stdout+r.stderr, tc.out) {
			t.Errorf("%v: exit %d, out %q %q; want %d and %q", tc.args, r.code, r.stdout, r.stderr, tc.code, tc.out)
		}
	}
	r := sekisho(t, dir, nil, "user", "totp", "admin@city.lg.jp")
	m := regexp.MustCompile(`secret: ([A-Z2-7]+)`).FindStringSubmatch(r.stdout)
	if r.code != 0 || m == nil || !strings.Contains(r.stdout, "otpauth://totp/sekisho:admin@city.lg.jp?") {
		t.Fatalf("totp: %d %q", r.code, r.stdout)
	}
	sec, _ := accounts.DecodeSecret(m[1])

	cfg := config.Default()
	cfg.DataDir = filepath.Join(dir, "sekisho-data")
	ctx := context.Background()
	svc, err := assemble.OpenQuarantine(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	acc, err := assemble.OpenAccounts(ctx, cfg, svc)
	if err != nil {
		t.Fatal(err)
	}
	// Every change is in the audit log, and the chain holds.
	if n, err := svc.Verify(ctx); err != nil || n != 5 { // two adds, disable, enable, totp
		t.Fatalf("audit chain: %d records, %v", n, err)
	}
	lo := loopback()
	l, err := acc.Auth.Password(ctx, "admin@city.lg.jp", "correct horse battery", lo)
	if err != nil || !l.NeedTOTP || !l.Roles.Has(accounts.Admin) {
		t.Fatalf("login: %+v %v", l, err)
	}
	code := accounts.TOTP{Secret: sec}.At(accounts.TOTP{}.Counter(time.Now()))
	if err := acc.Auth.CheckTOTP(ctx, "admin@city.lg.jp", code, lo); err != nil {
		t.Fatalf("totp login: %v", err)
	}
	u, _ := acc.Store.User(ctx, "tanaka")
	if u.Email != "tanaka@city.lg.jp" || !u.Roles.Has(accounts.Approver) || u.Disabled {
		t.Fatalf("tanaka: %+v", u)
	}
	if _, err := acc.Auth.Password(ctx, "admin@city.lg.jp", "wrong password", lo); !errors.Is(err, accounts.ErrInvalid) {
		t.Fatalf("wrong password: %v", err)
	}
}

func loopback() netip.Addr { return netip.MustParseAddr("127.0.0.1") }
