// Package mail sanitizes Internet mail (RFC 5322 / MIME) for delivery into a closed
// network: every message comes out as a NEW message built from the parsed one, never as
// the input bytes patched.
//
// What a message becomes:
//
//   - Headers: From, To, Cc, Reply-To, Subject, Date, Message-ID, In-Reply-To, References
//     and Options.ExtraHeaders are decoded (RFC 2047, raw 8-bit legacy charsets detected)
//     and re-encoded; a Received header and X-Sekisho-Status / X-Sekisho-Actions are added;
//     every other header, including any incoming X-Sekisho-*, is dropped.
//   - Bodies: one text/plain part in UTF-8 (or ISO-2022-JP by option). text/html becomes
//     text; multipart/alternative collapses to its plain part unless that is trivially
//     empty; inline images of multipart/related are dropped and listed; text/calendar,
//     text/enriched and vCards are converted to readable text.
//   - Attachments and every non-text part go through the inner Sanitizer (the engine)
//     with their declared name and type. Sanitized ones are re-attached with a safe
//     RFC 2231 filename; stripped, blocked and quarantined ones are removed and listed.
//     message/rfc822 parts recurse through the engine (which calls this package again with
//     a nested Budget). uuencode and BinHex blocks in text bodies and TNEF (winmail.dat)
//     are taken out of the text and their payloads sanitized or quarantined; a yEnc
//     block is taken out and the original held.
//   - A notice block, Japanese first, then English, says in words what was done to each
//     body conversion and attachment and why (translated from the action kinds and the
//     families' reasons: no report codes or part paths), names the files removed from
//     inside an archive, and says for each held item its quarantine ID and how to ask for
//     its release (Options.ReleaseContact, Options.ReleaseURL), and for an encrypted zip
//     or PDF where to type its password (Options.PPAPURL). Invisible characters in names
//     are shown as [U+XXXX].
//   - multipart/signed keeps its content and drops the signature (Result.Notes says so);
//     S/MIME enveloped or opaque-signed data and PGP/MIME are held as the original.
//
// The output is rebuilt from this package's own reading, so a second parser's different
// reading cannot carry content past it: ambiguity costs fidelity, not safety. Malformed
// MIME is read the way the RFCs define it, or where they are silent the way Postfix,
// Sendmail, Exim and Python's email read it, repaired, reported, and delivered. Each point
// where readers are known to disagree is a knob (reading.go): the message is walked again
// on the other side of every knob it exercised, and when that reading shows a file this one
// does not, the original is held as one more item through the Holder, and text that
// carries such a file encoded is withheld. Sanitize fails, and the caller quarantines the
// whole message, only for what is no message at all or exceeds a limit;
// WriteQuarantineNotice writes the notice its recipients then get.
//
// The output is a fixed point: sanitizing it again yields Clean with no actions. The
// walker works on the input Blob through section readers, so parts are never copied
// whole into memory; decoded parts are spooled (memory, then a temp file) and charged to
// the Budget.
//
// go-message (v0.18) is used with its charset tables and its textproto writer. Its reader
// is not used for the walk because of the gaps measured in DESIGN.md §11: non-UTF-8
// RFC 2231 names come back empty, raw 8-bit names come back as invalid UTF-8, an unknown
// transfer encoding stops the reader, a missing boundary or a garbage header line fails
// hard, and nesting cost is quadratic.
package mail
