package main

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/width"

	"github.com/sekisho/sekisho/quarantine"
)

// timeLayout is the one way the quarantine commands print a time: local, with the offset,
// so that an operator in Japan reads 09:00 +09:00 and a log in UTC still lines up.
const timeLayout = "2006-01-02 15:04:05 -07:00"

func localTime(t time.Time) string { return t.Local().Format(timeLayout) }

// termSafe makes attacker-written text (subjects, file names, addresses) harmless on a
// terminal: control characters (escape sequences), format characters (right-to-left
// overrides, zero-width) and line separators are shown as \x.. or \u.... escapes.
func termSafe(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == unicode.ReplacementChar:
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unicode.Is(unicode.Cf, r) || unicode.In(r, unicode.Zl, unicode.Zp):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// runeWidth is the number of terminal columns r takes: two for East Asian wide and
// full-width characters (漢字, かな, ＡＢＣ), none for combining marks, one otherwise.
func runeWidth(r rune) int {
	switch {
	case unicode.In(r, unicode.Mn, unicode.Me):
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

// clipWidth shortens s to at most w columns, ending with "…" when it cut something.
func clipWidth(s string, w int) string {
	if displayWidth(s) <= w {
		return s
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		rw := runeWidth(r)
		if n+rw > w-1 {
			break
		}
		b.WriteRune(r)
		n += rw
	}
	return b.String() + "…"
}

// writeTable writes rows as columns separated by two spaces, aligned by display width (a
// tabwriter counts runes, so Japanese names would push the columns after them out of
// line). The last column is not padded.
func writeTable(w io.Writer, rows [][]string) {
	var widths []int
	for _, row := range rows {
		for i, c := range row {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	for _, row := range rows {
		var b strings.Builder
		for i, c := range row {
			b.WriteString(c)
			if i < len(row)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-displayWidth(c)+2))
			}
		}
		fmt.Fprintln(w, b.String())
	}
}

// writeList prints records one per line.
func writeList(w io.Writer, recs []quarantine.Record) {
	rows := [][]string{{"ID", "TIME", "STATUS", "KIND", "FROM", "NAME", "REASON"}}
	for _, r := range recs {
		name := r.FileName
		if name == "" {
			name = r.Subject
		}
		rows = append(rows, []string{r.ID, localTime(r.Time), string(r.Status), string(r.Kind),
			clipWidth(termSafe(r.MailFrom), 30), clipWidth(termSafe(name), 40), clipWidth(termSafe(r.Reason), 60)})
	}
	writeTable(w, rows)
}

// writeRecord prints one record and its history.
func writeRecord(w io.Writer, r quarantine.Record) {
	rcpts := make([]string, len(r.Rcpts))
	for i, rc := range r.Rcpts {
		rcpts[i] = termSafe(rc)
	}
	rows := [][]string{
		{"ID:", r.ID}, {"Time:", localTime(r.Time)}, {"Status:", string(r.Status)}, {"Kind:", string(r.Kind)},
		{"Direction:", string(r.Direction)}, {"Queue ID:", r.QueueID}, {"From:", termSafe(r.MailFrom)},
		{"To:", strings.Join(rcpts, ", ")}, {"Subject:", termSafe(r.Subject)}, {"File:", termSafe(r.FileName)},
		{"Declared:", termSafe(r.DeclaredType)}, {"Detected:", r.DetectedType}, {"Size:", fmt.Sprint(r.Size)},
		{"SHA-256:", r.SHA256}, {"Reason:", termSafe(r.Reason)},
	}
	writeTable(w, rows)
	fmt.Fprintln(w, "History:")
	var hist [][]string
	for _, e := range r.History {
		detail := termSafe(strings.TrimSpace(e.Reason + " " + e.Detail))
		if len(e.Rcpts) > 0 {
			detail = strings.TrimSpace(detail + " to " + termSafe(strings.Join(e.Rcpts, ", ")))
		}
		hist = append(hist, []string{"  " + localTime(e.Time), string(e.Action), termSafe(string(e.Actor)), detail})
	}
	writeTable(w, hist)
}

// localRecords converts record times to local time for JSON output, so that list, show and
// --json agree on the time zone.
func localRecords(recs []quarantine.Record) []quarantine.Record {
	out := make([]quarantine.Record, len(recs))
	for i, r := range recs {
		out[i] = localRecord(r)
	}
	return out
}

func localRecord(r quarantine.Record) quarantine.Record {
	r.Time = r.Time.Local()
	h := make([]quarantine.Event, len(r.History))
	for i, e := range r.History {
		e.Time = e.Time.Local()
		h[i] = e
	}
	r.History = h
	return r
}
