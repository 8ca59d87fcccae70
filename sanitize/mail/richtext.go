package mail

import (
	"strings"
)

// calendarText renders an iCalendar object as the lines a recipient needs: what, when,
// where, who. Nothing in it is interpreted beyond unfolding and unescaping.
func calendarText(s string) string {
	lines := unfoldContentLines(s)
	var b strings.Builder
	labels := map[string]string{
		"SUMMARY":     "件名 / Summary",
		"DTSTART":     "開始 / Start",
		"DTEND":       "終了 / End",
		"LOCATION":    "場所 / Location",
		"ORGANIZER":   "主催者 / Organizer",
		"ATTENDEE":    "出席者 / Attendee",
		"DESCRIPTION": "説明 / Description",
	}
	inEvent := false
	for _, l := range lines {
		name, params, val := splitContentLine(l)
		switch {
		case name == "BEGIN" && strings.EqualFold(val, "VEVENT"):
			inEvent = true
			b.WriteString("[予定 / Event]\n")
			continue
		case name == "END" && strings.EqualFold(val, "VEVENT"):
			inEvent = false
			continue
		}
		if !inEvent {
			if name == "METHOD" {
				b.WriteString("[カレンダー / Calendar: " + val + "]\n")
			}
			continue
		}
		label, ok := labels[name]
		if !ok {
			continue
		}
		if name == "ORGANIZER" || name == "ATTENDEE" {
			cn := paramValue(params, "CN")
			val = strings.TrimPrefix(strings.TrimPrefix(val, "mailto:"), "MAILTO:")
			if cn != "" {
				val = cn + " <" + val + ">"
			}
		}
		if tz := paramValue(params, "TZID"); tz != "" {
			val += " (" + tz + ")"
		}
		b.WriteString(label + ": " + unescapeText(val) + "\n")
	}
	return b.String()
}

// vcardText keeps a contact card's human-readable properties.
func vcardText(s string) string {
	var b strings.Builder
	keep := map[string]string{"FN": "名前 / Name", "ORG": "組織 / Organization", "TITLE": "役職 / Title",
		"TEL": "電話 / Phone", "EMAIL": "メール / Email", "ADR": "住所 / Address", "NOTE": "メモ / Note"}
	for _, l := range unfoldContentLines(s) {
		name, _, val := splitContentLine(l)
		if name == "BEGIN" && strings.EqualFold(val, "VCARD") {
			b.WriteString("[連絡先 / Contact]\n")
		}
		if label, ok := keep[name]; ok {
			b.WriteString(label + ": " + strings.Trim(strings.ReplaceAll(unescapeText(val), ";", " "), " ") + "\n")
		}
	}
	return b.String()
}

// enrichedText strips RFC 1896 formatting commands: "<<" is a literal "<"; line breaks
// follow the RFC (a single newline is a space, n newlines are n-1 breaks).
func enrichedText(s string) string {
	var b strings.Builder
	param := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '<' {
			if i+1 < len(s) && s[i+1] == '<' {
				if param == 0 {
					b.WriteByte('<')
				}
				i++
				continue
			}
			end := strings.IndexByte(s[i:], '>')
			if end < 0 {
				break
			}
			tag := strings.ToLower(s[i+1 : i+end])
			switch tag {
			case "param":
				param++
			case "/param":
				if param > 0 {
					param--
				}
			}
			i += end
			continue
		}
		if param > 0 {
			continue
		}
		if c == '\n' {
			n := 0
			for i < len(s) && s[i] == '\n' {
				n++
				i++
			}
			i--
			if n == 1 {
				b.WriteByte(' ')
			} else {
				b.WriteString(strings.Repeat("\n", n-1))
			}
			continue
		}
		b.WriteByte(c)
	}
	out := b.String()
	if out != "" && !strings.HasSuffix(out, "\n") {
		out += "\n"
	}
	return out
}

func unfoldContentLines(s string) []string {
	raw := strings.Split(s, "\n")
	var out []string
	for _, l := range raw {
		if (strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t")) && len(out) > 0 {
			out[len(out)-1] += l[1:]
			continue
		}
		out = append(out, l)
	}
	return out
}

// splitContentLine splits "NAME;P=V:value".
func splitContentLine(l string) (name, params, val string) {
	colon := -1
	inQ := false
	for i := 0; i < len(l); i++ {
		if l[i] == '"' {
			inQ = !inQ
		}
		if l[i] == ':' && !inQ {
			colon = i
			break
		}
	}
	if colon < 0 {
		return "", "", ""
	}
	head := l[:colon]
	name = head
	if i := strings.IndexByte(head, ';'); i >= 0 {
		name, params = head[:i], head[i+1:]
	}
	return strings.ToUpper(strings.TrimSpace(name)), params, strings.TrimSpace(l[colon+1:])
}

func paramValue(params, key string) string {
	for _, p := range strings.Split(params, ";") {
		k, v, ok := strings.Cut(p, "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), key) {
			return strings.Trim(v, `"`)
		}
	}
	return ""
}

func unescapeText(v string) string {
	return strings.NewReplacer(`\n`, "\n  ", `\N`, "\n  ", `\,`, ",", `\;`, ";", `\\`, `\`).Replace(v)
}
