// Package smtp is sekisho's Internet-side SMTP server (go-smtp, imported as gosmtp):
// sessions, limits and replies. It accepts only for configured recipient domains, bounds
// connections per client and in total, message size, recipients and line length, refuses
// SMTP smuggling (bare CR or LF in the data) or normalizes it by option, and refuses mail
// with 452 when the queue's storage runs low. A message is written into the queue and
// committed (durable) before the 250 reply; the server then hands its envelope to whoever
// takes it from there (delivery). Client-facing replies are short and generic, with the
// queue ID; the log has the detail.
package smtp
