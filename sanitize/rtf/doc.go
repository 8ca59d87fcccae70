// Package rtf rebuilds RTF documents from their tokens.
//
// The lexer reads control words, control symbols, \'hh escapes, groups, text and \binN
// payloads, with bounds that refuse the parser-differential tricks instead of guessing:
// control words over 32 letters, parameters over 10 digits or outside 32 bits, \binN
// longer than the remaining input or negative, groups nested deeper than 512. Raw line
// breaks are dropped (readers ignore them) and C0 control characters in text are removed
// and reported.
//
// The rewriter decides what each group is from its head, the control words before its
// first content, and writes the document again token by token, never copying input bytes:
//
//   - object groups (\object and every \obj* word such as \objdata, \objupdate,
//     \objautlink, \objemb, \objlink, \objocx, \objclass; \datastore, \oleclsid) are
//     removed, keeping the \result picture or text shown in their place
//     (removed-ole-object); with Options.Objects "quarantine" the document is refused;
//   - field instructions and shape property names are judged on the text a reader sees:
//     \'hh and \uN decoded, and the characters \ucN says to skip after each \uN skipped
//     (HYPERLINK "\uc6\u109 ailto:s-msdt:..." is ms-msdt: to Word); an instruction or
//     name in which a group starts or ends before those characters are skipped is
//     dropped, since readers disagree on whether the skipping crosses it;
//     \tab, \line, \par and the \*space words count as the white space that separates
//     arguments; a field with more than one {\*\fldinst} is unwrapped (readers take the
//     last, a judge of the joined text would see the first);
//   - fields are judged by the allow-list of sanitize/wordfield: type, arguments and
//     switches, HYPERLINK only to http, https or mailto (every argument a reader could take
//     as the target, after \l, \o or \t switches too). DDE anywhere in an instruction
//     (removed-dde), INCLUDEPICTURE, INCLUDETEXT, LINK, IMPORT and unsafe links
//     (removed-external-link), MACROBUTTON (removed-macros), codes built from nested
//     fields and every type not on the list (removed-part) are unwrapped to their last
//     result;
//   - control words are kept only when on the allow-list of controlwords.go (the words of
//     the RTF 1.9.1 specification and LibreOffice's extensions, from two readers' keyword
//     tables); an unknown word, or a control symbol the specification does not define
//     ("\ ", "\!"), is dropped and the text around it stays, as a reader that does not
//     know it shows the text (removed-unknown, naming them);
//   - ignorable destinations ({\*\name}) are kept only when on the allow-list of
//     destinations.go; unknown ones, form-field macros, Word 97 hyperlinks, theme
//     packages and embedded fonts are dropped and reported. A {\* group is the
//     destination named right after the star, as Word reads it;
//   - \*\template (remote template injection) and \*\mailmerge data sources are removed
//     (removed-external-link), and so is \hlinkbase;
//   - with Options.Metadata "strip" (the default) the document properties other than the
//     title and subject, the producer, custom properties, revision tables and comment
//     authors go (one removed-metadata action lists them);
//   - data after the document group is dropped (removed-trailing-data).
//
// Where Word and LibreOffice open a damaged file and its meaning is clear, the family
// reads it too: groups left open at the end are closed (rebuilt), closing braces after
// the document group with nothing else after them are dropped (removed-trailing-data),
// and padding NULs are ignored. A stray closing brace with content after it is refused:
// a reader that keeps going would see a different document.
//
// Words are matched without regard to case. A destination word that appears after a
// group's first content, where readers disagree on its meaning, makes the input malformed,
// and so do two field destinations in one head. Text that merely spells a control word
// (\\objdata) is text and stays. The output of a rewrite is a fixed point: sanitizing it
// again gives the same bytes and no actions.
//
// Shape properties whose value is a file name or address Word loads (pibName, pibPrintName
// and every *BlipName) are dropped, and so is a property whose name is not one plain
// word in one {\sn} group, and an {\sn} or {\sv} outside a {\sp} (removed-unknown).
//
// Pictures ({\pict}) hold bytes an image decoder parses, so their data is never copied:
// PNG and JPEG pictures are decoded and encoded again through Options.Inner (the
// engine's image family, under the same Budget) and written back as hex; WMF and EMF
// pictures (\wmetafile, \emfblip) are drawn into a PNG by sanitize/img/metafile, encoded
// again the same way and written back as \pngblip with their display size, at 150 dpi of
// that size (rasterized); a metafile the renderer refuses, DIB and PICT pictures (no
// decoder here), pictures that do not decode and, without an Inner, every picture go with
// their group (removed-part).
// Word and LibreOffice write a bitmap picture as PNG or JPEG and a WMF copy only as the
// fallback for old readers ({\nonshppict}); that copy, after the {\*\shppict} it
// repeats, is dropped without a report. A picture that is a metafile in the document
// (clip art, charts, Equation Editor pictures) is written as \wmetafile or \emfblip
// itself, and is kept by being drawn.
package rtf
