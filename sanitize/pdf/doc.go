// Package pdf is the structural PDF sanitizer family.
//
// It parses a PDF with pdfcpu (relaxed mode, configuration passed explicitly, never read
// from the per-user config directory), walks every object reachable from the catalog, the
// document information dictionary and the trailer, and unlinks what a viewer could execute
// or open:
//
//   - JavaScript: the /Names /JavaScript tree, every /JS entry, /S /JavaScript actions;
//   - automatic actions: /OpenAction on the catalog, /AA on the catalog, pages, annotations
//     and form fields;
//   - actions other than GoTo, local Thread, page-navigation Named actions and (by option)
//     URI actions to http, https or mailto: Launch, SubmitForm, ImportData, ResetForm,
//     GoToR, GoToE, GoToDp, remote Thread, Rendition, Sound, Movie, Hide, SetOCGState,
//     Trans, GoTo3DView, RichMediaExecute and any unknown action type, including those
//     chained through /Next;
//   - embedded content: the /EmbeddedFiles name tree, /EF and /RF in file specifications,
//     EmbeddedFile streams, portfolios (/Collection), FileAttachment annotations;
//   - multimedia: RichMedia, Screen, 3D, Movie and Sound annotations, /RichMediaContent,
//     the /AlternatePresentations and /Renditions name trees;
//   - forms: /XFA in the AcroForm dictionary (field scripts go with /AA).
//
// Matching is done on parsed names: pdfcpu decodes #xx escapes (/J#61vaScript is
// /JavaScript), unpacks object streams and reads streams whatever their filter, so no
// spelling or packing hides an entry. The file is then written afresh from the object
// model: only reachable objects are written, incremental updates collapse into one
// revision, and bytes after the last %%EOF (an appended ZIP, say) are not carried over.
//
// Encrypted files, including those with an empty user password or a direct /Encrypt
// dictionary in the trailer (which pdfcpu would ignore), are refused with
// sanitize.ErrEncrypted; a file without %%EOF is refused as truncated; files pdfcpu cannot parse (or on which it panics) with
// sanitize.ErrMalformed. A file from which nothing was removed is reported Clean; its
// rewritten form is still the output, so sanitizing an output again yields Clean with no
// actions.
package pdf
