// Package sanitize is sekisho's content-disarm engine.
//
// The contract, shared by every family (pdf, img, text, ooxml, archive, mail):
//
//   - Input is untrusted and re-readable: an Item carries a Blob (io.ReaderAt plus Size),
//     spooled in memory below a threshold and in a temporary file above it.
//   - The handler is chosen by content (Detect), never by the declared name or type. The
//     declared name and type can only make the decision stricter (BlockedName), and a
//     disagreement between declared and detected type is reported as a finding.
//   - Output is rebuilt from parsed content, never patched input bytes. The engine gives each
//     sanitizer a private spool and commits it to the caller's writer only on success.
//   - Fail closed in one place: an unknown type, encrypted content, a parse error, a limit,
//     a timeout or a panic inside a sanitizer becomes a Quarantined result with a reason.
//     Sanitizers report; they do not decide policy.
//   - Everything is bounded by a Budget derived from Limits. Nested work (archive entries,
//     attachments) calls Budget.Nest, which shares the byte, entry and time counters, so
//     nesting cannot multiply the limits. Limit errors name the configuration key to turn.
package sanitize
