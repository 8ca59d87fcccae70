package assemble

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/sekisho/sekisho/config"
	"github.com/sekisho/sekisho/gateway/portal"
	"github.com/sekisho/sekisho/gateway/portal/accounts"
	"github.com/sekisho/sekisho/gateway/transfer"
	"github.com/sekisho/sekisho/quarantine"
)

// Accounts is the portal's account store and authenticator, built from the portal section
// on the quarantine's store.
type Accounts struct {
	Store *accounts.Store
	Auth  *accounts.Authenticator
}

// MigrateComponent brings a component's tables in the quarantine's store to the version
// of s. Components keep their data next to the quarantine's, so one store (one shared
// database with PostgreSQL) holds everything.
func MigrateComponent(ctx context.Context, svc *quarantine.Service, component string, s quarantine.Schema) error {
	t, err := Tables(svc)
	if err != nil {
		return err
	}
	return t.MigrateSchema(ctx, component, s)
}

// OpenAccounts opens the portal's users and sessions in the quarantine's store.
func OpenAccounts(ctx context.Context, cfg *config.Config, svc *quarantine.Service) (*Accounts, error) {
	if err := MigrateComponent(ctx, svc, "accounts", accounts.Schema); err != nil {
		return nil, err
	}
	o, err := AuthOptions(cfg)
	if err != nil {
		return nil, err
	}
	t, err := Tables(svc)
	if err != nil {
		return nil, err
	}
	st := accounts.New(t.DB(), nil)
	auth, err := accounts.NewAuthenticator(st, o)
	if err != nil {
		return nil, err
	}
	return &Accounts{Store: st, Auth: auth}, nil
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

// ComponentSchemas is the tables of every component that keeps them in the store, by the
// component name they are migrated under (`sekisho store migrate` moves them all).
func ComponentSchemas() map[string]quarantine.Schema {
	return map[string]quarantine.Schema{"accounts": accounts.Schema, "portal": portal.Schema,
		"transfer": transfer.Schema}
}
