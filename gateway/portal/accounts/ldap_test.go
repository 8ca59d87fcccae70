package accounts

import (
	"context"
	"errors"
	"testing"

	"github.com/sekisho/sekisho/gateway/portal/accounts/slapdtest"
)

func TestDirectorySlapd(t *testing.T) {
	srv := slapdtest.Start(t, []slapdtest.Person{
		{UID: "suzuki", Password: "dir-pass-1", Mail: "suzuki@city.lg.jp", Display: "鈴木 一郎"},
		{UID: "sato", Password: "dir-pass-2", Mail: "sato@city.lg.jp", Display: "佐藤 花子"},
		{UID: "star*", Password: "p", Mail: "x@city.lg.jp", Display: "x"},
	}, []slapdtest.Group{{CN: "approvers", Members: []string{"sato"}}})
	ctx := context.Background()
	d, err := NewDirectory(DirectoryOptions{URL: srv.URL, BindDN: srv.BindDN, BindPassword: srv.BindPassword,
		BaseDN: srv.PeopleDN, GroupBaseDN: srv.GroupsDN, GroupRoles: map[string]Role{srv.GroupDN("approvers"): Approver}})
	if err != nil {
		t.Fatal(err)
	}
	id, err := d.Authenticate(ctx, "suzuki", "dir-pass-1")
	if err != nil || id.Mail != "suzuki@city.lg.jp" || id.Display != "鈴木 一郎" || id.Roles.String() != "staff" {
		t.Fatalf("%+v %v", id, err)
	}
	id, err = d.Authenticate(ctx, "sato", "dir-pass-2")
	if err != nil || !id.Roles.Has(Approver) {
		t.Fatalf("group role: %+v %v", id, err)
	}
	for _, tc := range []struct{ user, pw string }{
		{"suzuki", "wrong"},
		{"suzuki", ""}, // an unauthenticated bind would succeed: never sent
		{"nobody", "x"},
		{"*", "dir-pass-1"}, // filter injection: escaped, matches nothing
		{"suzuki)(uid=*", "dir-pass-1"},
		{"star*", "wrong"},
	} {
		if _, err := d.Authenticate(ctx, tc.user, tc.pw); !errors.Is(err, ErrInvalid) {
			t.Errorf("%q/%q: %v, want ErrInvalid", tc.user, tc.pw, err)
		}
	}
	// The escaped literal name still works.
	if _, err := d.Authenticate(ctx, "star*", "p"); err != nil {
		t.Errorf("literal star: %v", err)
	}

	// Through the authenticator: a directory user becomes a staff account on first login,
	// and failures there count towards the lockout too.
	st, _, _ := openTest(t)
	a := newAuth(t, st, AuthOptions{Directory: d, RatePerIP: 1000, MaxFailures: 3})
	l, err := a.Password(ctx, "Suzuki", "dir-pass-1", remote)
	if err != nil || l.User.Source != LDAP || l.User.Email != "suzuki@city.lg.jp" || l.NeedTOTP {
		t.Fatalf("%+v %v", l, err)
	}
	for range 2 {
		a.Password(ctx, "suzuki", "bad", remote)
	}
	if _, err := a.Password(ctx, "suzuki", "bad", remote); !errors.Is(err, ErrLocked) {
		t.Fatalf("directory lockout: %v", err)
	}
	if _, err := a.Password(ctx, "suzuki", "dir-pass-1", remote); !errors.Is(err, ErrLocked) {
		t.Fatalf("right password while locked: %v", err)
	}
	// A local account of the same name is never shadowed by the directory.
	h, _ := a.Hash("local-pw")
	st.CreateUser(ctx, User{Name: "sato", Roles: Roles{Staff}}, h)
	if _, err := a.Password(ctx, "sato", "dir-pass-2", remote); !errors.Is(err, ErrInvalid) {
		t.Fatalf("directory password for a local account: %v", err)
	}

	// An unreachable directory is an error, not a wrong password.
	bad, _ := NewDirectory(DirectoryOptions{URL: "ldap://127.0.0.1:1", BaseDN: srv.PeopleDN})
	if _, err := bad.Authenticate(ctx, "suzuki", "x"); err == nil || errors.Is(err, ErrInvalid) {
		t.Fatalf("unreachable: %v", err)
	}
}
