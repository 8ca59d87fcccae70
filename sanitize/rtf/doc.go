// Package rtf rebuilds RTF documents from their tokens.
//
// The lexer reads control words, control symbols, \'hh escapes, groups, text and \binN
// payloads, with bounds that refuse the parser-differential tricks instead of guessing:
// control words over 32 letters, parameters over 10 digits or outside 32 bits, \binN
// longer than the remaining input or negative, unbalanced braces, groups nested deeper
// than 512. Raw line breaks are dropped (readers ignore them) and C0 control characters in
// text are removed and reported.
//
// The rewriter decides what each group is from its head, the control words before its
// first content, and writes the document again token by token, never copying input bytes:
//
//   - object groups (\object and every \obj* word such as \objdata, \objupdate,
//     \objautlink, \objemb, \objlink, \objocx, \objclass; \datastore, \oleclsid) are
//     removed, keeping the \result picture or text shown in their place
//     (removed-ole-object); with Options.Objects "quarantine" the document is refused;
//   - fields are kept only for types that compute from the document (PAGE, HYPERLINK, TOC,
//     REF, ...); DDE and DDEAUTO anywhere in an instruction (removed-dde), INCLUDEPICTURE,
//     INCLUDETEXT, LINK, IMPORT (removed-external-link), codes built from nested fields and
//     unknown types (removed-part) are unwrapped to their last result;
//   - \*\template (remote template injection) and \*\mailmerge data sources are removed
//     (removed-external-link);
//   - data after the document group is dropped (removed-trailing-data).
//
// Words are matched without regard to case. A destination word that appears after a
// group's first content, where readers disagree on its meaning, makes the input malformed.
// Text that merely spells a control word (\\objdata) is text and stays. The output of a
// rewrite is a fixed point: sanitizing it again gives the same bytes and no actions.
package rtf
