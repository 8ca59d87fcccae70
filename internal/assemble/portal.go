package assemble

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/sekisho/sekisho/config"
	"github.com/sekisho/sekisho/gateway/portal/accounts"
)

// Accounts is the portal's account store and authenticator, built from the portal section.
type Accounts struct {
	Store *accounts.Store
	Auth  *accounts.Authenticator
	db    *sql.DB
}

// Close releases the database.
func (a *Accounts) Close() error { return a.db.Close() }

// OpenAccounts opens the portal's users and sessions under data_dir/portal.
func OpenAccounts(cfg *config.Config) (*Accounts, error) {
	dir := filepath.Join(cfg.DataDir, "portal")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("data_dir: %w", err)
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "accounts.db")+
		"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(FULL)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	st, err := accounts.Open(context.Background(), db, nil)
	if err != nil {
		db.Close()
		return nil, err
	}
	o, err := AuthOptions(cfg)
	if err != nil {
		db.Close()
		return nil, err
	}
	auth, err := accounts.NewAuthenticator(st, o)
	if err != nil {
		db.Close()
		return nil, err
	}
	return &Accounts{Store: st, Auth: auth, db: db}, nil
}

// AuthOptions maps the portal section to the authenticator's options; errors name the key.
func AuthOptions(cfg *config.Config) (accounts.AuthOptions, error) {
	p := cfg.Portal
	nets, err := config.Prefixes(p.AdminNetworks)
	if err != nil {
		return accounts.AuthOptions{}, fmt.Errorf("portal.admin_networks: %w", err)
	}
	o := accounts.AuthOptions{MaxFailures: p.MaxFailures, LockFor: p.Lockout.Std(), RatePerIP: p.LoginRatePerIP, AdminNetworks: nets}
	if p.LDAP.URL == "" {
		return o, nil
	}
	l := p.LDAP
	do := accounts.DirectoryOptions{URL: l.URL, StartTLS: l.StartTLS, InsecureSkipVerify: l.InsecureSkipVerify,
		BindDN: l.BindDN, BaseDN: l.BaseDN, UserFilter: l.UserFilter, MailAttr: l.MailAttr, DisplayAttr: l.DisplayAttr,
		GroupBaseDN: l.GroupBaseDN, GroupFilter: l.GroupFilter, GroupRoles: map[string]accounts.Role{}}
	if l.BindPasswordFile != "" {
		b, err := os.ReadFile(l.BindPasswordFile)
		if err != nil {
			return o, fmt.Errorf("portal.ldap.bind_password_file: %w", err)
		}
		do.BindPassword = strings.TrimRight(string(b), "\r\n")
	}
	for dn, r := range l.GroupRoles {
		role, err := accounts.ParseRole(r)
		if err != nil {
			return o, fmt.Errorf("portal.ldap.group_roles.%s: %w", dn, err)
		}
		do.GroupRoles[dn] = role
	}
	if o.Directory, err = accounts.NewDirectory(do); err != nil {
		return o, fmt.Errorf("portal.ldap: %w", err)
	}
	return o, nil
}
