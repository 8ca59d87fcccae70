// Package pdf is the structural PDF sanitizer family, built on the positive model: the
// output holds only what the package knows to be inert for each object type, decided on
// resolved values, and is written by the package itself.
//
// pdfcpu parses the file (relaxed mode, configuration passed explicitly, never read from
// the per-user config directory): cross-reference tables and streams, object streams,
// incremental updates. Nothing pdfcpu could write is used. Where pdfcpu and the common
// readers disagree on a damaged file, the file is read as the readers read it: a stream
// whose /Length does not end at "endstream" up to the keyword (length.go), a compressed
// object whose xref index disagrees with its object stream's numbering by the numbering
// (objstm.go), a header version other than 1.0-1.7 or 2.0 as 1.7 (header.go). From the
// catalog, the builder (build.go) rebuilds each object as the type its position gives it
// — the object under a page's /Annots is an annotation whatever it claims — from that
// type's allow-list:
//
//   - allow_doc.go: catalog, viewer preferences, outlines, actions (GoTo to a page of the
//     document, URI to http, https or mailto, Named page moves), destinations, name and
//     number trees, layers, the document information dictionary;
//   - allow_annot.go: annotations of inert types, appearance streams, form fields;
//   - allow_res.go: pages, resources, XObjects, graphics states, patterns, shadings,
//     functions, colour spaces, fonts;
//   - allow_struct.go: the logical structure of tagged documents (structure.go);
//   - allow_ops.go: content stream operators, inline image keys, marked-content
//     properties, calculator function operators.
//
// Each entry has a one-line reason; allow_test.go requires a test case for each. Every
// value is resolved before it is judged (an /S written as "7 0 R" is the name object 7
// holds), every key not on its type's list is dropped and reported (report.go), and the
// output object gets fresh numbers (write.go), so nothing of the input's syntax survives.
//
// Bytes a decoder in the reader parses are written again from their parsed form:
// content streams are tokenised (lex.go, content.go) with the nesting of q/Q, BT/ET and
// marked content balanced; CMaps (cmap.go) and calculator functions are rewritten from
// their mappings and operators; images (image.go) are decoded and encoded again — a
// baseline DCT image XObject of one or three components is rebuilt from its coefficients by
// sanitize/internal/jpegre (same pixels, no input byte), other DCT through image/jpeg, CCITT through golang.org/x/image/ccitt, everything else from its
// samples — and JBIG2 or JPX images, which have no decoder here, make Sanitize return
// sanitize.ErrNeedsRender naming the stream (the engine renders the document when a
// renderer is configured, else quarantines it); font programs are parsed and written
// again (type1.go, sfnt.go, cff.go) or dropped. XMP and /Info keep title, subject and language
// unless Options.Metadata says keep (meta.go).
//
// Encrypted files, including those with an empty user password or a direct /Encrypt
// dictionary in the trailer (which pdfcpu would ignore), are refused with
// sanitize.ErrEncrypted; a file without %%EOF is refused as truncated; files pdfcpu cannot
// parse (or on which it panics) with sanitize.ErrMalformed. A file from which nothing
// was dropped is reported Clean; its rebuilt form is still the output, and sanitizing an
// output again yields Clean with no actions.
package pdf
