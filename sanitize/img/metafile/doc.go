// Package metafile draws Windows metafiles (WMF, with or without the placeable header, and
// EMF) into an RGBA picture, so that a document's clip art, pasted charts and OLE preview
// pictures survive as PNG instead of being removed. Nothing of the metafile is copied: the
// output is pixels drawn from the records this package understands.
//
// Positive model. The record stream is parsed with hard bounds (input bytes, records,
// object-table size, SaveDC depth, bitmap pixels, output pixels within limits.max_pixels
// and a longest side, the drawing work of all fills and blits together with the points
// the records make, charged before they are made, the caller's deadline) and each record is one of three kinds:
//
//   - drawn: header and placeable header, window/viewport origin and extent, mapping modes
//     (anisotropic, isotropic, text and the metric ones), world transforms (EMF set and
//     modify), pens, brushes (solid, hatched, DIB pattern), SaveDC/RestoreDC, MoveTo/LineTo,
//     Polyline, Polygon, PolyPolygon (32- and 16-bit), Bézier curves, Rectangle, RoundRect,
//     Ellipse, Arc/Chord/Pie (flattened), EMF paths (fill, stroke, both; a path clip by its
//     bounding box), clip rectangles and regions (by bounding box), PatBlt and the bitmap
//     blits (DIBBitBlt, DIBStretchBlt, StretchDIB, SetDIBitsToDevice, EMR_BITBLT,
//     EMR_STRETCHBLT, EMR_STRETCHDIBITS) with 1/4/8/16/24/32-bit BI_RGB and BI_BITFIELDS
//     bitmaps and the copy/and/or/xor raster operations, FillRgn/PaintRgn;
//   - text: TextOut, ExtTextOut, EMR_EXTTEXTOUTA/W, fonts and text alignment (below);
//   - known to change nothing drawn here: palettes, mapper flags, stretch modes,
//     escapes and GDI comments (EMF+ travels in comments; a dual EMF+/GDI file carries the
//     whole picture as GDI records too, and an EMF+-only file is refused);
//   - anything else (flood fills, PlgBlt/MaskBlt, RLE/JPEG/PNG bitmaps, palette-index
//     colours, unknown records): the picture is refused with an error naming the record, and
//     the caller keeps today's behaviour of leaving it out with that reason.
//
// Text is drawn in the Go fonts (golang.org/x/image/font/gofont: regular, bold, italic,
// bold italic and mono, compiled in; no font files are read), since a metafile names its
// fonts but does not carry them: each character at the place the record's advances give,
// in the text colour, with the record's alignment, escapement, underline and strike-out;
// 8-bit strings are decoded by their LOGFONT charset (Windows code pages, Shift_JIS, GBK,
// Big5, EUC-KR) and the Symbol face is mapped to Unicode (Greek, operators). Characters
// the Go fonts lack are drawn from a system CJK font when one is installed (IPA Mincho for
// mincho and serif faces, IPA Gothic otherwise, or the Japanese faces of the Noto Serif/Sans
// CJK collections; found at well-known paths, read once and
// shared; counted in Result.Fallback; Limits.NoSystemFonts turns this off). Characters
// without a glyph there either (Wingdings, CJK without the fonts, some mathematical
// symbols) are drawn as the Go fonts' empty box and counted (Result.Boxes), except the
// pieces of tall brackets (Equation Editor matrices), drawn as lines. ToPNG refuses a picture of text that comes out
// empty or as boxes only. Approximations are counted (Result.Approximated): dashed pens are
// drawn solid, clips of other shapes by their bounding box, arcs always
// counter-clockwise, inverting raster operations skipped.
//
// Filling is a scanline rasterizer of our own (non-zero and even-odd rules, anti-aliased
// by coverage) since x/image/vector has no even-odd rule; bitmaps are sampled nearest.
package metafile
