package text

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"

	"github.com/sekisho/sekisho/sanitize/mailto"
)

// linkURL returns the URL of an href worth showing to a reader, normalized, and the form to
// write (defanged when asked), or "" for anything that is not http(s), mailto: or tel:.
// Browsers ignore tabs and newlines inside URLs, so "java\nscript:" is javascript: and is
// dropped like it.
func linkURL(href string, defang bool) (norm, show string) {
	href = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, href)
	href = strings.TrimFunc(href, func(r rune) bool { return r <= ' ' || unicode.IsSpace(r) })
	colon := strings.IndexByte(href, ':')
	if colon <= 0 {
		return "", "" // relative: there is no base to resolve it against in a text part
	}
	scheme := strings.ToLower(href[:colon])
	switch scheme {
	case "http", "https":
		u, err := url.Parse(href)
		if err != nil || u.Host == "" {
			return "", ""
		}
		// "https://www.bank.example@evil.example/" goes to evil.example: show only where
		// the link goes.
		u.User = nil
		u.Scheme = scheme
		host, ok := displayHost(u.Host)
		if !ok {
			return "", ""
		}
		// url.String would percent-encode a Japanese host; put the readable one back.
		u.Host = "host.invalid"
		norm = escapeURL(strings.Replace(u.String(), "//host.invalid", "//"+host, 1))
		if !defang {
			return norm, norm
		}
		host = escapeURL(host)
		rest := strings.TrimPrefix(norm, scheme+"://"+host)
		if len(rest) == len(norm) {
			return norm, "hxxp" + strings.TrimPrefix(norm, "http")
		}
		return norm, "hxxp" + strings.TrimPrefix(scheme, "http") + "://" + strings.ReplaceAll(host, ".", "[.]") + rest
	case "mailto", "tel":
		if !mailto.Safe(href) {
			return "", "" // a mail link that asks a client to attach a file, see package mailto
		}
		norm = scheme + ":" + escapeURL(href[colon+1:])
		if len(norm) == len(scheme)+1 {
			return "", ""
		}
		return norm, norm
	}
	return "", ""
}

// displayHost keeps an internationalized host readable when it is written in Japanese
// scripts and shows every other non-ASCII host in its xn-- form, as browsers do against
// homographs ("аpple.com" with a Cyrillic а, or a full-width solidus that fakes a path).
func displayHost(host string) (string, bool) {
	plain := true
	for _, r := range host {
		if r >= utf8.RuneSelf && !unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) && r != 'ー' {
			plain = false
			break
		}
	}
	if plain {
		return host, true
	}
	a, err := idna.Lookup.ToASCII(host)
	if err != nil {
		return "", false
	}
	return a, true
}

// escapeURL percent-encodes what would make a URL ambiguous or deceptive in text: spaces,
// controls, angle brackets and quotes (which delimit it), and invisible format characters
// such as the right-to-left override used to disguise file names and hosts.
func escapeURL(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		bad := r <= ' ' || r == 0x7f || r == '<' || r == '>' || r == '"' || r == '`' ||
			r == utf8.RuneError || r >= 0x80 && (unicode.IsSpace(r) || unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp))
		if bad {
			for _, c := range []byte(s[i : i+size]) {
				b.WriteByte('%')
				b.WriteByte("0123456789ABCDEF"[c>>4])
				b.WriteByte("0123456789ABCDEF"[c&15])
			}
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// sameAsURL reports whether a link's visible text is its URL, give or take the scheme, a
// trailing slash, "www." and case: then writing the URL again would only add noise.
func sameAsURL(text, u string) bool {
	t := canonURL(strings.TrimSpace(text))
	return t != "" && t == canonURL(u)
}

func canonURL(s string) string {
	s = strings.ToLower(s)
	for _, p := range []string{"https://", "http://", "mailto:", "tel:"} {
		if strings.HasPrefix(s, p) {
			s = s[len(p):]
			break
		}
	}
	s = strings.TrimPrefix(s, "www.")
	s = strings.TrimRight(s, "/")
	if u, err := url.PathUnescape(s); err == nil {
		s = u
	}
	return s
}
