package accounts

import (
	"fmt"
	"slices"
	"strings"
)

// Role is what a user may do in the portal. A user has one or more.
type Role string

const (
	Staff    Role = "staff"    // sees items held for them, requests release, opens PPAP items
	Approver Role = "approver" // approves release requests and outbound transfers
	Operator Role = "operator" // runs the quarantine: search, preview, release, delete
	Auditor  Role = "auditor"  // reads the audit log and dashboards, changes nothing
	Admin    Role = "admin"    // everything, including the original of a held item
)

// AllRoles lists the roles in order of privilege.
var AllRoles = []Role{Staff, Approver, Auditor, Operator, Admin}

// Privileged reports whether the role needs TOTP and an allowed source address.
func (r Role) Privileged() bool { return r == Operator || r == Admin }

// ParseRole accepts a role name.
func ParseRole(s string) (Role, error) {
	r := Role(strings.TrimSpace(strings.ToLower(s)))
	if slices.Contains(AllRoles, r) {
		return r, nil
	}
	return "", fmt.Errorf("unknown role %q (want staff, approver, auditor, operator or admin)", s)
}

// Roles is a set of roles, kept sorted by privilege.
type Roles []Role

// ParseRoles reads a comma-separated list.
func ParseRoles(s string) (Roles, error) {
	var out Roles
	for _, p := range strings.Split(s, ",") {
		if strings.TrimSpace(p) == "" {
			continue
		}
		r, err := ParseRole(p)
		if err != nil {
			return nil, err
		}
		out = out.With(r)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no role given")
	}
	return out, nil
}

// Has reports whether the set holds r. Admin holds every role.
func (rs Roles) Has(r Role) bool {
	return slices.Contains(rs, r) || slices.Contains(rs, Admin)
}

// Any reports whether the set holds one of want.
func (rs Roles) Any(want ...Role) bool {
	return slices.ContainsFunc(want, rs.Has)
}

// With returns the set plus r.
func (rs Roles) With(r Role) Roles {
	if slices.Contains(rs, r) {
		return rs
	}
	out := append(slices.Clone(rs), r)
	slices.SortFunc(out, func(a, b Role) int { return slices.Index(AllRoles, a) - slices.Index(AllRoles, b) })
	return out
}

// Privileged reports whether any role in the set is privileged.
func (rs Roles) Privileged() bool { return slices.ContainsFunc(rs, Role.Privileged) }

// Unprivileged returns the set without privileged roles.
func (rs Roles) Unprivileged() Roles {
	var out Roles
	for _, r := range rs {
		if !r.Privileged() {
			out = append(out, r)
		}
	}
	return out
}

func (rs Roles) String() string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, ",")
}
