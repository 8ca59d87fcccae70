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
//     are taken out of the text and their payloads sanitized or quarantined.
//   - A notice block, Japanese first, then English, lists every body conversion and
//     attachment with its name, detected type, action and reason.
//
// Malformed MIME is a finding. Where exactly one reading of the message is possible the
// message is repaired and the repair reported; where two MIME parsers could read it
// differently (duplicate Content-Type, conflicting or prefixed boundaries, garbage header
// lines, base64 with garbage, name= and filename= disagreeing) Sanitize returns an error
// wrapping sanitize.ErrMalformed and the whole message is quarantined.
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
