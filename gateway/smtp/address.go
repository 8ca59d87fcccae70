package smtp

import (
	"strings"
)

// go-smtp hands over addresses with a quoted local part unquoted: RCPT
// TO:<"victim@evil.example"@lgwan.example> arrives as victim@evil.example@lgwan.example. Two
// things follow. A local part that carries routing (@, the percent hack's %, UUCP's !)
// would be read as a route by a next hop (Postfix relays the percent hack by default), so it
// is refused unless the operator allows it. And an address is put back in the form it was
// written in before it is stored or forwarded: the local part unquoted when it is a
// dot-atom, else quoted with only '"' and '\' escaped, which is the form RFC 5321 §4.1.2
// asks senders to use. A next hop therefore receives the address it would have received
// from the sender, byte for byte, for every address written that way; a needless quote or
// escape (RFC 5322 §3.4.1: the two forms are the same address) is not reproduced, because
// go-smtp does not keep it.

// splitAddress splits an address at its last '@'; the domain is "" when there is none.
func splitAddress(addr string) (local, domain string) {
	i := strings.LastIndexByte(addr, '@')
	if i < 0 {
		return addr, ""
	}
	return addr[:i], addr[i+1:]
}

// routesInLocalPart reports a local part that a mail system could read as a route.
func routesInLocalPart(local string) bool { return strings.ContainsAny(local, "@%!") }

// badLocalPart reports control characters, which no form of an address may carry.
func badLocalPart(local string) bool {
	for i := 0; i < len(local); i++ {
		if c := local[i]; c < 0x20 || c == 0x7f {
			return true
		}
	}
	return false
}

// wireAddress writes local@domain with the local part quoted only when it is not a
// dot-atom. The null path stays empty.
func wireAddress(local, domain string) string {
	if local == "" && domain == "" {
		return ""
	}
	if !isDotAtom(local) {
		local = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(local) + `"`
	}
	return local + "@" + domain
}

// isDotAtom: atext runs separated by single dots (RFC 5322 §3.2.3), with UTF-8 allowed in
// atext (RFC 6531, SMTPUTF8).
func isDotAtom(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c >= 0x80, c == '.':
		case strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// sameAddress compares two addresses as mail systems must: the local part exactly (it is
// case-sensitive, RFC 5321 §2.4), the domain without regard to case.
func sameAddress(a, b string) bool {
	la, da := splitAddress(a)
	lb, db := splitAddress(b)
	return la == lb && strings.EqualFold(da, db)
}
