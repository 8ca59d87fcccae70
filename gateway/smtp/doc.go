// Package smtp is sekisho's SMTP relay: the Internet-side server (go-smtp, imported as
// gosmtp), the durable spool, the sanitizing pipeline and delivery to the LGWAN side.
//
// Durability contract: a message is written to the spool, fsync'd, renamed into place and
// its directory fsync'd before the 250 reply. Directory fsyncs are grouped across
// concurrent sessions (one fsync covers every rename committed while the previous one ran),
// which is what lets the relay accept more than one message per disk flush. State moves by
// atomic rename: incoming/ (accepted, not yet sanitized) → queue/ (sanitized or generated,
// waiting for delivery or a retry) → removed once delivered, bounced or quarantined. A crash
// at any point loses nothing that got 250; it may deliver a message twice.
//
// The pipeline runs after the 250: a bounded pool of sanitize workers (CPU bound) feeds a
// larger pool of delivery workers (network bound) with per-next-hop connection limits and
// reuse. Temporary failures back off exponentially with jitter up to a lifetime, then a DSN
// (RFC 3464) goes to the envelope sender; the null sender never gets one.
package smtp
