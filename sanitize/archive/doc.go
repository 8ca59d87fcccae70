// Package archive is the archive family: zip, tar, gzip (including tar.gz) and bzip2
// containers are walked entry by entry, every entry goes back through the inner
// sanitizer (the engine: detection, policy and its own family, so a .docm inside a zip
// inside a zip is cleaned), and a new container is built from what comes back. Input
// bytes are never copied through: every header of the output is fresh.
//
// # Limits
//
// All nesting levels share the item's sanitize.Budget. Each level calls Budget.Nest
// (limits.max_depth); every entry is charged to limits.max_entries (for zip, the count
// the end record claims is charged before any per-entry allocation, so a 100-byte file
// claiming a million entries fails at once); every decompressed byte goes through
// Budget.Expand (limits.max_total_size, and limits.max_file_size per entry); and
// limits.max_ratio is checked per entry and for the whole archive, first on the sizes
// the zip directory declares (archive/zip refuses to read past them, so they bind) and
// again while streaming. A limit tripped at any depth, or encryption found at any
// depth, ends the walk of every enclosing archive: the whole item fails with that
// *sanitize.LimitError or sanitize.ErrEncrypted, so the quarantine reason names the
// configuration key.
//
// # Zip structure
//
// The end record and central directory are read by our own bounded parser before
// archive/zip sees them. The directory must end exactly at its end record (otherwise:
// truncated, prepended stub or polyglot), every local header and its data must lie
// before the directory, and no two entries may share bytes: archive/zip accepts
// overlapping entries (golang/go#33026), which is what the full-overlap and
// quoted-overlap bombs (zbsm, zblg; "A better zip bomb") rely on. Such archives fail
// with sanitize.ErrMalformed ("malformed zip: entries ... overlap (quoted-overlap zip
// bomb)"): overlap is a structural lie, not a configurable limit. Checksum and size
// mismatches found while reading are sanitize.ErrMalformed too.
//
// Any encrypted entry (ZipCrypto, general-purpose bit 0; AES, method 99 or extra field
// 0x9901; PKWARE strong encryption) fails the whole archive with an error wrapping
// sanitize.ErrEncrypted whose text starts "encrypted archive": the password-protected
// zip sent before its password (PPAP) cannot be inspected and is quarantined whole.
// Multi-volume zips and xz, zstd or any other container are sanitize.ErrUnsupported
// ("unsupported archive"). Entries are read when stored, deflated or imploded (PKZIP
// 1's method 6, decoded by explode.go since archive/zip does not know it); an entry of
// any other method is dropped with its method number, the rest delivered.
//
// # Names and entry types
//
// Names without the UTF-8 flag that are not valid UTF-8 are decoded as CP932 (Japanese
// Windows), or taken from an Info-ZIP Unicode path field; the output always stores
// UTF-8 with the flag set. An entry is dropped, and reported as removed-part with the
// reason, when its name is absolute, contains "..", a drive letter or any colon, a
// backslash, NUL, control or invisible format characters, a Windows device name (CON,
// NUL, COM1...), or a component ending in a dot or space; when it is a symbolic or hard
// link, a device, a FIFO or a sparse file; when its name repeats an earlier one
// (compared case-insensitively after NFC normalization; the first is kept); or when it
// would turn an earlier file into a directory or back.
//
// # Results
//
// An entry whose inner result has no output (quarantined, blocked, stripped) is
// dropped; the inner actions, which carry paths such as "item/a.zip/b.docm", are merged
// into the result. An output the inner sanitizer renamed (a.docm -> a.docx) is stored
// under the new name. Comments, extra fields, owners, permissions beyond 0644/0755 and
// trailing data are not carried over. The verdict is Clean when every entry came back
// Clean and nothing was dropped or renamed, otherwise Sanitized; rebuilding alone is not
// an action, so sanitizing an output again is Clean with no actions. A container from
// which no entry could be kept is not delivered as an empty shell: the result is
// Quarantined (Blocked when every entry was blocked), without an error, so the
// per-entry report survives; its reason starts "no entry could be made safe". Output
// written to w is meaningful only when the verdict is Clean or Sanitized.
//
// # E-books
//
// An EPUB is a zip checked like any other, but not rebuilt as one: what a recipient needs
// from a book is its text, so its pages (the package document's spine, in reading order)
// go through the text family's HTML→text converter into one plain-text file, under the
// title and authors; styles, images, fonts, scripts and navigation are dropped and
// counted. Pages the book's encryption.xml lists under anything but font obfuscation
// (DRM) fail with sanitize.ErrEncrypted; a book whose pages hold no text (fixed-layout,
// scanned) fails with sanitize.ErrUnsupported; a page outside the book or missing from it
// is sanitize.ErrMalformed.
package archive
