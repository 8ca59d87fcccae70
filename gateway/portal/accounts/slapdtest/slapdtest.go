// Package slapdtest starts a real OpenLDAP slapd for tests: its own configuration and
// database in a temporary directory, a free loopback port, and the entries the test asks
// for. Under CI a missing slapd fails the test (internal/testtool).
package slapdtest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/sekisho/sekisho/internal/testtool"
)

// Base is the suffix of the test directory.
const Base = "dc=example,dc=jp"

// Person is a user entry under ou=people.
type Person struct {
	UID, Password, Mail, Display string
}

// Group is a groupOfNames under ou=groups whose members are the given uids.
type Group struct {
	CN      string
	Members []string
}

// Server is a running slapd.
type Server struct {
	URL                  string
	BindDN, BindPassword string // the service account (may search, may not write)
	PeopleDN, GroupsDN   string
}

// UserDN is the DN of a Person's entry.
func (s *Server) UserDN(uid string) string { return "uid=" + uid + ",ou=people," + Base }

// GroupDN is the DN of a Group's entry.
func (s *Server) GroupDN(cn string) string { return "cn=" + cn + ",ou=groups," + Base }

const conf = `include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile %[1]s/slapd.pid
access to attrs=userPassword by anonymous auth by * none
access to * by * read
database mdb
maxsize 10485760
suffix "%[2]s"
rootdn "cn=admin,%[2]s"
rootpw admin-secret
directory %[1]s/db
`

// Start runs slapd until the test ends.
func Start(t testing.TB, people []Person, groups []Group) *Server {
	t.Helper()
	bin := testtool.Need(t, "slapd")
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "db"), 0o700)
	if err := os.WriteFile(filepath.Join(dir, "slapd.conf"), fmt.Appendf(nil, conf, dir, Base), 0o600); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	url := "ldap://" + addr
	cmd := exec.Command(bin, "-d", "0", "-h", url+"/", "-f", filepath.Join(dir, "slapd.conf"))
	out, _ := os.Create(filepath.Join(dir, "slapd.log"))
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-done
		out.Close()
	})
	var c *ldap.Conn
	for deadline := time.Now().Add(15 * time.Second); ; {
		if c, err = ldap.DialURL(url); err == nil {
			break
		}
		select {
		case <-done:
			b, _ := os.ReadFile(filepath.Join(dir, "slapd.log"))
			t.Fatalf("slapd exited: %s", b)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("slapd did not listen on %s: %v", addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	defer c.Close()
	if err := c.Bind("cn=admin,"+Base, "admin-secret"); err != nil {
		t.Fatal(err)
	}
	s := &Server{URL: url, BindDN: "cn=search," + Base, BindPassword: "search-secret",
		PeopleDN: "ou=people," + Base, GroupsDN: "ou=groups," + Base}
	add := func(dn string, attrs map[string][]string) {
		r := ldap.NewAddRequest(dn, nil)
		for k, v := range attrs {
			if len(v) > 0 && v[0] != "" {
				r.Attribute(k, v)
			}
		}
		if err := c.Add(r); err != nil {
			t.Fatalf("add %s: %v", dn, err)
		}
	}
	add(Base, map[string][]string{"objectClass": {"dcObject", "organization"}, "dc": {"example"}, "o": {"Example City"}})
	add(s.BindDN, map[string][]string{"objectClass": {"person"}, "cn": {"search"}, "sn": {"search"}, "userPassword": {s.BindPassword}})
	add(s.PeopleDN, map[string][]string{"objectClass": {"organizationalUnit"}, "ou": {"people"}})
	add(s.GroupsDN, map[string][]string{"objectClass": {"organizationalUnit"}, "ou": {"groups"}})
	for _, p := range people {
		add(s.UserDN(p.UID), map[string][]string{"objectClass": {"inetOrgPerson"}, "uid": {p.UID}, "cn": {p.UID},
			"sn": {p.UID}, "displayName": {p.Display}, "mail": {p.Mail}, "userPassword": {p.Password}})
	}
	for _, g := range groups {
		var m []string
		for _, u := range g.Members {
			m = append(m, s.UserDN(u))
		}
		add(s.GroupDN(g.CN), map[string][]string{"objectClass": {"groupOfNames"}, "cn": {g.CN}, "member": m})
	}
	return s
}
