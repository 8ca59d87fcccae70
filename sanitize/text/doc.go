// Package text is the sanitizer family for text content: plain text, CSV/TSV, HTML, XML,
// JSON, iCalendar and vCard (the engine's "text" class).
//
// Every output is UTF-8 without a byte order mark (unless Options.CSVBOM), with LF line endings, and without
// control characters other than tab and newline. Decisions, and why:
//
//   - Charset. The input is decoded from its detected charset (BOM, UTF-8 validity,
//     ISO-2022-JP escapes, then Shift_JIS/CP932 against EUC-JP by byte grammar and
//     character frequency); a charset that cannot be determined is refused with
//     sanitize.ErrUnsupported rather than guessed. A charset declared by the sender (MIME
//     parameter, HTML meta) is used only when the content itself is inconclusive. Bytes
//     that do not decode, and characters the source charset marks as undefined (外字), become
//     〓 (U+3013 GETA MARK) and are counted: never silently dropped. A U+FFFD already present
//     in the input is treated the same way, since it records an earlier loss.
//   - Newlines. CRLF and lone CR become LF, for text and CSV alike: one convention means the
//     same bytes read as text or as CSV give the same result, so re-sanitizing is
//     idempotent whatever the detector decides. Every consumer we target (Excel,
//     LibreOffice, mail clients) reads LF.
//   - Control characters. C0 (except tab and LF), DEL and C1 are removed and counted. Format
//     characters (Cf: ZWJ, bidi marks) are kept: emoji sequences and right-to-left text
//     need them.
//   - Not text. Input whose decoding needs more than a few replacements or removals, or
//     yields code points unassigned in Unicode (over 2% of the characters and more than 64
//     in all), is refused as malformed: it is binary data that a sniffer took for text
//     (random bytes after a UTF-16 BOM decode to "characters"), and its output would be
//     useless.
//   - CSV/TSV are parsed strictly (encoding/csv, LazyQuotes off: ambiguous quoting is where
//     a spreadsheet and our parser would disagree, so it fails closed) and rewritten with
//     encoding/csv. Cells that a spreadsheet could evaluate (first character after leading
//     spaces and double quotes is = + - @ tab CR LF, or their full-width and small-form
//     variants) get a leading apostrophe, the OWASP recommendation. Plain numbers such as
//     -1, +3.5 and 1e-3 are left alone: they evaluate to themselves. A cell that already
//     starts with an apostrophe is inert and is never prefixed twice. In comma-separated
//     files a segment after ';' gets the same treatment, for Excel locales whose list
//     separator is ';'. Only changes to cell values are reported; quoting and newline
//     style are serialization. Excel opens a UTF-8 CSV without a BOM in the system code
//     page (Shift_JIS on Japanese Windows): Options.CSVBOM writes one for CSV and TSV,
//     and a BOM in the input is then not reported.
//   - HTML becomes text/plain (see HTMLToText); the output name gets ".txt". XML, JSON,
//     iCalendar and vCard are normalized as text and never interpreted: no DOCTYPE or
//     entity is expanded. Their output is typed text/plain (an XML file with XHTML
//     elements runs script when opened in a browser), and a declared name is changed to
//     ".txt" with a converted-to-text action.
//   - Verdict. Input that is already UTF-8 (or ASCII) with LF newlines and no control
//     characters comes back Clean with no actions (plain text byte-identical, CSV with
//     the same cells). For plain text, newline normalization is reported
//     (normalized-newlines), since the bytes change.
package text
