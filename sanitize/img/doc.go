// Package img is the image family: PNG, JPEG, GIF, WebP, BMP and TIFF are decoded and
// re-encoded from their pixels, so nothing of the original container survives: no EXIF
// (GPS included), XMP, ICC profile, IPTC, comments or text chunks, no private chunks or
// APPn segments, no bytes after the end marker (IEND, EOI, GIF trailer, RIFF end), and so
// no polyglot payload (a ZIP or HTML appended to a photo).
//
// Order of work, so that a hostile header costs nothing:
//
//  1. DecodeConfig of the detected format (chosen by Item.Detected.Name, never through
//     image's global registry) and Budget.CheckPixels on the claimed size, before any pixel
//     buffer exists (golang/go#53778).
//  2. A structural scan of our own: PNG chunks, JPEG segments and scans, GIF blocks, RIFF
//     chunks, BMP headers, TIFF IFDs. It finds the end marker, classifies metadata, reads
//     the EXIF orientation (bounded, fail-safe: an unreadable EXIF block is dropped
//     unapplied) and checks every JPEG frame header and every GIF frame against the budget.
//  3. Decoding of the bytes up to the end marker only, through a reader that fails once the
//     context is done; then re-encoding through a writer that does the same.
//
// Output formats. JPEG stays JPEG, baseline. A baseline Huffman JPEG of one or three
// components with no EXIF orientation to apply is rebuilt from its quantization tables and
// DCT coefficients (sanitize/internal/jpegre): new headers and entropy data, no input byte,
// exactly the input's pixels. Other JPEGs (progressive, CMYK, rotated, ...) are decoded and
// encoded at Options.JPEGQuality (default 92), with the EXIF orientation applied to the
// pixels before EXIF is dropped (also for EXIF in PNG eXIf, WebP EXIF and TIFF tag 274). PNG, WebP, BMP, TIFF and still GIFs become PNG
// (Result.OutType "image/png", Result.OutName with a .png extension when the type changed).
//
// Animated GIFs stay animated GIFs: every frame is re-encoded with its own palette, delay
// and disposal, plus the loop count; comments, XMP, ICC and other application extensions
// are dropped. Limits: at most Options.MaxFrames frames (default 500), each frame inside
// the logical screen, and the pixels of all frames together within limits.max_pixels,
// since image/gif allocates every frame. Animated PNGs keep their default image (the one
// non-APNG viewers show) and report the dropped frames as removed-part; a multi-page TIFF
// keeps its first page and reports the others as removed-part; animated WebP, RLE BMP and
// other variants the decoders lack are refused with sanitize.ErrUnsupported, never
// flattened silently.
//
// Verdict. The output is always freshly encoded. The verdict is Clean, with no actions,
// only when the input already had exactly the structure our encoder writes (PNG: IHDR,
// PLTE, tRNS, IDAT, IEND; JPEG: SOI, DQT, SOF0, DHT, one SOS, EOI; GIF: 89a, graphic
// control and NETSCAPE2.0 loop extensions, no interlacing) and nothing after the end
// marker, in the same format. Sanitizing an output again is therefore Clean. Otherwise the
// result is Sanitized with re-encoded (always), removed-metadata (the kinds found),
// removed-trailing-data (size and detected type of the payload) and, for APNG,
// removed-part.
//
// Known losses: ICC profiles are dropped without colour conversion (wide-gamut photos look
// slightly less saturated), 16-bit PNG and TIFF keep their depth but 16-bit TIFF becomes
// PNG, and a JPEG that is not rebuilt from its coefficients is re-encoded even when it was
// already canonical (one generation of loss).
//
// Limits: decoded pixels are not charged to limits.max_total_size (a zip of ordinary photos
// would exhaust it); limits.max_pixels bounds each image, and limits.timeout the work.
package img
