// Package render is the engine's render policy (画像化): it rasterizes PDFs, and Office,
// ODF, RTF and legacy Office documents after LibreOffice has turned them into PDF, into
// image-only PDFs. Nothing of the input survives but pixels and, optionally, plain text.
//
// # PDFium in WebAssembly
//
// Pages are rendered by PDFium through github.com/klippa-app/go-pdfium in its WebAssembly
// mode (wazero, no cgo; the module ships inside go-pdfium). New compiles the module once
// per process, through wazero's compilation cache when Options.CacheDir is set (seconds
// and ~330 MB without it, a fraction of a second with it). Instances come from a bounded
// pool (Options.Instances, default one per CPU); a document's pages are spread over up to
// that many instances, each of which opens the document itself. Every document gets fresh
// instances (they are not reused), so whatever a hostile document does to an instance's
// memory cannot reach the next document; each instance's memory is capped at 2 GiB.
//
// go-pdfium mounts the host's whole disk read-write into the module when no file system is
// configured. This package never lets that happen: an instance sees one read-only private
// root folder holding usr/share/fonts, a link to Options.FontDir (default /usr/share/fonts,
// where Debian's fonts-ipafont and fonts-noto-cjk install), because PDFium looks for
// system fonts there and does not find a folder mounted directly at that guest path.
// Without CJK fonts, Japanese text in non-embedded fonts silently vanishes from the
// picture; TestNonEmbeddedJapanese shows both cases. Links inside the font folder are
// followed by the host, read-only.
//
// Limits: the page count is checked against limits.max_pages and every page's pixel size
// at the chosen DPI against limits.max_pixels before anything is rendered; the output is
// capped at limits.max_file_size; the document's deadline (limits.timeout) kills an
// instance that is still running guest code, and the pool replaces it. PDFium failures and
// panics become errors (the engine quarantines); encrypted PDFs, even with an empty user
// password, fail with sanitize.ErrEncrypted.
//
// # Pages
//
// Pages render at Options.DPI (default 150) with annotation appearances (stamps, filled
// fields) and without form filling, on white. Each page then gets its own colour model
// and codec: grayscale unless some pixel is visibly coloured (Options.Gray), and
// lossless Flate at 4 bits per component for text and line art (90% or more of the pixels
// near white or near black: sharp glyphs, and about 40% smaller than 8 bits), JPEG at
// Options.JPEGQuality (default 80) for everything else. The output PDF is written from
// scratch by this package: a catalog, a flat page tree, and per page one image XObject and
// one content stream, at the original page size with rotation applied. There is no
// metadata, no outline, no annotation and no action; nothing is copied from the input.
//
// # Text layer
//
// With Options.TextLayer, each page's text is extracted with PDFium (plain strings, one
// per text rectangle, mapped to the displayed page) and set as invisible text (render mode
// 3) over the image, so the output stays searchable and copyable. The font is a Type0
// font, Identity-H, over a CIDFontType2 with no embedded program: codes are CIDs assigned
// in order of first use, and a ToUnicode CMap maps them to the original characters, so
// pdftotext and viewers extract the Japanese exactly, and no font program from the input
// or elsewhere is shipped. Vertical runs (縦書き) are set one character per cell.
//
// # LibreOffice
//
// Office/ODF/RTF/legacy inputs are converted with `soffice --headless --norestore
// --convert-to pdf` when LibreOffice is installed (Options.Soffice or soffice in PATH),
// at most Options.Converters at a time, each in a fresh folder with a private profile
// (-env:UserInstallation) seeded with macro execution disabled and the highest macro
// security level, and a neutral environment, in its own process group that is
// killed whole at Options.ConvertTimeout (default 60s) or the document's deadline, and,
// when running as root with util-linux unshare, in a new network namespace without
// interfaces, so a document cannot reach the network. Not running as root, LibreOffice
// runs with the host's network: block it outside (a firewall rule for the service user).
// The converted PDF is capped at limits.max_file_size and rasterized as above. Without
// LibreOffice these types fail with sanitize.ErrUnsupported, "renderer unavailable".
//
// # Photos
//
// PhotoConverter (the convert policy for HEIC/HEIF) runs libheif's heif-convert in the
// same sandbox (sandbox.go: process group, network namespace, prlimit file size, plus an
// address-space cap), after the dimensions the file declares were checked against
// limits.max_pixels, and hands the JPEG, rebuilt from its coefficients without any APPn,
// to the image family.
package render
