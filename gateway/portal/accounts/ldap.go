package accounts

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-ldap/ldap/v3"
)

// DirectoryOptions configure LDAP / Active Directory logins for staff.
type DirectoryOptions struct {
	URL      string // ldap://host:389 or ldaps://host:636
	StartTLS bool   // upgrade ldap:// with StartTLS before binding
	// InsecureSkipVerify accepts any server certificate (test directories only).
	InsecureSkipVerify bool
	ServerName         string
	// BindDN and BindPassword are the service account that searches for users; empty
	// means an anonymous search.
	BindDN, BindPassword string
	BaseDN               string // where users are searched
	// UserFilter finds the user; {user} is replaced by the escaped login name. Default
	// (uid={user}); for Active Directory (sAMAccountName={user}).
	UserFilter  string
	MailAttr    string // default mail
	DisplayAttr string // default displayName, then cn
	// GroupBaseDN and GroupFilter find the user's groups; {dn} is the escaped user DN.
	// Default filter (|(member={dn})(uniqueMember={dn})). Empty GroupBaseDN: no groups.
	GroupBaseDN string
	GroupFilter string
	// GroupRoles grant roles to members of a group (DN, compared case-insensitively).
	// Every directory user is staff.
	GroupRoles map[string]Role
	Timeout    time.Duration // per operation; default 10s
}

// Directory authenticates against LDAP.
type Directory struct{ o DirectoryOptions }

// NewDirectory returns a directory client; it connects per login.
func NewDirectory(o DirectoryOptions) (*Directory, error) {
	if o.URL == "" || o.BaseDN == "" {
		return nil, errors.New("accounts: directory needs url and base_dn")
	}
	if o.UserFilter == "" {
		o.UserFilter = "(uid={user})"
	}
	if !strings.Contains(o.UserFilter, "{user}") {
		return nil, errors.New("accounts: directory user_filter must contain {user}")
	}
	if o.MailAttr == "" {
		o.MailAttr = "mail"
	}
	if o.DisplayAttr == "" {
		o.DisplayAttr = "displayName"
	}
	if o.GroupFilter == "" {
		o.GroupFilter = "(|(member={dn})(uniqueMember={dn}))"
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	return &Directory{o: o}, nil
}

// Identity is what the directory says about a user who bound successfully.
type Identity struct {
	DN, Mail, Display string
	Roles             Roles
}

// Authenticate binds as the user found for name with password. A wrong password, an
// unknown or ambiguous name are ErrInvalid; an unreachable directory is another error.
func (d *Directory) Authenticate(ctx context.Context, name, password string) (Identity, error) {
	// An empty password makes an LDAP simple bind "unauthenticated" and succeed
	// (RFC 4513 5.1.2); never send one.
	if password == "" {
		return Identity{}, ErrInvalid
	}
	c, err := d.dial(ctx)
	if err != nil {
		return Identity{}, err
	}
	defer c.Close()
	if err := d.serviceBind(c); err != nil {
		return Identity{}, err
	}
	filter := strings.ReplaceAll(d.o.UserFilter, "{user}", ldap.EscapeFilter(name))
	res, err := c.Search(ldap.NewSearchRequest(d.o.BaseDN, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 2,
		int(d.o.Timeout/time.Second), false, filter, []string{d.o.MailAttr, d.o.DisplayAttr, "cn"}, nil))
	if err != nil {
		if ldap.IsErrorWithCode(err, ldap.LDAPResultSizeLimitExceeded) {
			return Identity{}, ErrInvalid
		}
		return Identity{}, fmt.Errorf("accounts: directory search: %w", err)
	}
	if len(res.Entries) != 1 {
		return Identity{}, ErrInvalid
	}
	e := res.Entries[0]
	if err := c.Bind(e.DN, password); err != nil {
		if ldap.IsErrorWithCode(err, ldap.LDAPResultInvalidCredentials) {
			return Identity{}, ErrInvalid
		}
		return Identity{}, fmt.Errorf("accounts: directory bind: %w", err)
	}
	id := Identity{DN: e.DN, Mail: e.GetAttributeValue(d.o.MailAttr), Display: e.GetAttributeValue(d.o.DisplayAttr), Roles: Roles{Staff}}
	if id.Display == "" {
		id.Display = e.GetAttributeValue("cn")
	}
	if d.o.GroupBaseDN == "" || len(d.o.GroupRoles) == 0 {
		return id, nil
	}
	if err := d.serviceBind(c); err != nil {
		return Identity{}, err
	}
	gf := strings.ReplaceAll(d.o.GroupFilter, "{dn}", ldap.EscapeFilter(e.DN))
	gres, err := c.Search(ldap.NewSearchRequest(d.o.GroupBaseDN, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 1000,
		int(d.o.Timeout/time.Second), false, gf, []string{"dn"}, nil))
	if err != nil {
		return Identity{}, fmt.Errorf("accounts: directory group search: %w", err)
	}
	for _, g := range gres.Entries {
		for dn, r := range d.o.GroupRoles {
			if strings.EqualFold(normDN(dn), normDN(g.DN)) {
				id.Roles = id.Roles.With(r)
			}
		}
	}
	return id, nil
}

func normDN(s string) string {
	if dn, err := ldap.ParseDN(s); err == nil {
		return dn.String()
	}
	return s
}

func (d *Directory) serviceBind(c *ldap.Conn) error {
	var err error
	if d.o.BindDN == "" {
		err = c.UnauthenticatedBind("")
	} else {
		err = c.Bind(d.o.BindDN, d.o.BindPassword)
	}
	if err != nil {
		return fmt.Errorf("accounts: directory service bind: %w", err)
	}
	return nil
}

func (d *Directory) dial(ctx context.Context) (*ldap.Conn, error) {
	tc := &tls.Config{InsecureSkipVerify: d.o.InsecureSkipVerify, ServerName: d.o.ServerName, MinVersion: tls.VersionTLS12}
	dl := ldap.DialWithDialer(dialer(ctx, d.o.Timeout))
	c, err := ldap.DialURL(d.o.URL, dl, ldap.DialWithTLSConfig(tc))
	if err != nil {
		return nil, fmt.Errorf("accounts: directory: %w", err)
	}
	c.SetTimeout(d.o.Timeout)
	if d.o.StartTLS {
		if err := c.StartTLS(tc); err != nil {
			c.Close()
			return nil, fmt.Errorf("accounts: directory StartTLS: %w", err)
		}
	}
	return c, nil
}
