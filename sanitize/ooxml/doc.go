// Package ooxml rebuilds Office Open XML (docx, xlsx, pptx and their macro-enabled and
// template variants: docm, dotx, dotm, xlsm, xltx, xltm, pptm, ppsx, ppsm, potx, potm) and
// OpenDocument (odt, ods, odp, odg) packages without their active content. It is
// registered for the engine's classes "ooxml" and "odf".
//
// # What is decided from where
//
// The family (OOXML or OpenDocument) and the exact type come from the package itself: the
// main part's content type reached from _rels/.rels, or the mimetype entry; never from the
// name or the engine's guess. xlsb, xlam, ppam and unknown main types are ErrUnsupported.
//
// # Container
//
// The zip is validated before anything is read: every entry stored or deflated (else
// ErrUnsupported), unencrypted (else ErrEncrypted), with a safe UTF-8 name, no two entries
// whose bytes overlap (archive/zip does not check, golang/go#33026), no two part names equal
// ignoring case (OPC says they are the same part). Every entry is charged to the Budget
// (AddEntries), every decompressed byte too (Expand), and each entry's ratio is checked
// (CheckRatio) from the header and again while inflating. The output is a new zip: fresh
// local headers, no extra fields or comments, a fixed 1980 timestamp, UTF-8 names; nothing
// of the input container is copied.
//
// # The positive model
//
// What stays is what the family knows to be inert, from allow-lists that are data with a
// reason per entry (README lists them): parts of a known content type reached by a kept
// relationship whose type is on the relationship allow-list for its source part's type
// and its target's type (reltables.go; an unlisted relationship is dropped and reported,
// and its target goes with it unless a listed one also reaches it); elements that the
// schema of their namespace defines, each with the attributes the schema gives that
// element (schemanames.go, from the Open XML SDK's catalogue of the ECMA-376 schemas and
// Microsoft's extensions), so that an unknown element of a familiar namespace goes with its
// subtree and an attribute of one element written on another goes; elements, attributes
// and part roots of known namespaces
// (ooxmltables.go, odftables.go); formulas that sanitize/formula accepts; fields that
// sanitize/wordfield accepts; document properties of metadata.go. Anything else is
// dropped and reported, never copied.
//
// # OOXML: what is removed
//
//   - VBA: vbaProject.bin, its signature, vbaData.xml, key bindings and toolbars
//     (removed-macros). Excel 4.0 macro sheets and dialog sheets, their <sheet> entries,
//     auto-run defined names (Auto_Open*, Auto_Close*, _xlnm.Auto_Open, ...) and macro
//     names (removed-macros); sheet indices of the remaining defined names and views are
//     remapped and the calculation chain dropped, and a workbook left with no sheet is
//     refused. Macro assignments on shapes and form controls, Word form-field macros,
//     PowerPoint actions other than the moves within a presentation of slideActions
//     (ppaction://macro, program, ole and any unknown one go with their link).
//   - ActiveX controls (removed-activex); embedded OLE objects and packages, including
//     embedded workbooks behind charts (removed-ole-object). They are dropped, never
//     sanitized recursively: the chart keeps its cached values and an OLE object its
//     preview picture.
//   - Every external relationship (TargetMode="External", or an "internal" target that is
//     an absolute URI): remote templates, linked OLE objects (Follina's mhtml: link),
//     linked images, frames, sub-documents, mail-merge sources (removed-external-link, or
//     removed-ole-object for OLE links). Hyperlinks stay when Options.KeepHyperlinks is set
//     and their target is http, https or mailto. Excel external workbook links, data
//     connections and query tables, Office add-ins (web extensions). VML pictures and fills
//     fetched from a path go; a VML shape that is only a link loses the link and keeps its
//     shape and text.
//   - Formulas, wherever Excel reads one (sheetrules.go): cells (shared formulas with the
//     cells sharing them, array and data-table formulas), defined names, conditional
//     formats and their colour-scale values, data validations, x14 extension rules and
//     validations, sparklines, table column and totals formulas, pivot-cache calculated
//     fields and items, chart series, form-control links (VML client data and control
//     properties), shape text links, sheet hyperlink locations. Each is judged by
//     sanitize/formula; a refused one goes with the smallest element that keeps the
//     document valid (a cell's <f>, a whole rule or validation), and a cell keeps its
//     cached value (removed-dde, removed-external-link or neutralized-formula).
//   - Word fields (w:fldSimple and complex fields however their instruction is split
//     across runs, in every part): each instruction is judged by sanitize/wordfield, and
//     so are fields whose type is computed by a nested field (refused). A refused field
//     loses its codes and keeps its cached result as plain text, like Word's "unlink".
//   - customUI ribbons (callbacks into macros), digital signatures (the rewrite
//     invalidates them), parts not declared in [Content_Types].xml, parts no relationship
//     reaches, binary parts that are neither XML nor an image, parts whose root is of an
//     unknown namespace (removed-part).
//   - Metadata (metadata.go): docProps/core.xml and app.xml keep title, subject,
//     language and counts; with Options.Metadata "strip" (the default) authors, editors,
//     company, manager, dates, template names, custom properties (custom.xml), custom XML
//     data, people.xml, revision ids (w:rsid*, w:rsids), document variables, comment and
//     change authors go, reported as one removed-metadata action per part.
//
// Elements that referred to a removed relationship are dropped (a w:hyperlink keeps its
// text); containers left empty by that (mc:AlternateContent, controls, oleObjects,
// externalReferences, conditional formats, validations) go too. [Content_Types].xml is
// rebuilt for the kept parts, and a macro-enabled main type becomes its macro-free twin
// (docm → docx, xlsm → xlsx, pptm → pptx, dotm → dotx, ...): Result.OutType and
// Result.OutName say so, with a renamed action.
//
// # OpenDocument: what is removed
//
// Basic/, Scripts/ and Dialogs/ (removed-macros), Configurations2/ (menus and toolbars can
// bind macros), embedded objects (OLE objects, formulas, nested documents, applets,
// plugins: removed-ole-object) and their replacement images. Embedded charts stay: a
// chart is XML only, and its streams go through the same rules as the document's.
// Signatures and other META-INF files, entries not listed in the manifest. In content.xml,
// styles.xml, meta.xml and settings.xml: elements and attributes of unknown namespaces
// (XForms, reports, databases), event listeners, scripts and office:scripts, script links
// (vnd.sun.star.script:, macro:, .uno: ...), text:execute-macro (its text stays), DDE
// connections and links, linked sections, tables and cell ranges, database fields,
// external images and frames, attached templates and auto-reload, form controls naming a
// service outside the form components. Every formula- and condition-valued attribute
// (table:formula, table:condition, table:expression, style:condition, calcext:value,
// calcext:formula, text:formula, text:condition) is judged by sanitize/formula in the
// grammar its namespace prefix names (of:, oooc:, ooow:, msoxl:, resolved in scope);
// every cell address by its source; Word field codes kept in field marks by
// sanitize/wordfield. text:a and draw:a hyperlinks, form targets and other URI attributes
// stay under the same rule as OOXML hyperlinks or lose the link and keep the text.
// settings.xml loses printer names, mail-merge sources and every non-empty binary item
// except the change-tracking password hash. meta.xml is rebuilt like docProps. The
// manifest is regenerated to list exactly the remaining entries (a DOCTYPE that only
// names its DTD, as OpenOffice 2 wrote, is read; one with an internal subset is refused),
// and mimetype is written first and stored.
//
// # Rewriting XML
//
// Every XML part is re-serialized by this package's own writer from the tokens of its own
// scanner (xmlscan.go), never copied: prefixes and namespace declarations are kept exactly
// as written (encoding/xml's Encoder would rename them, golang/go#9519). The scanner was
// written for speed (encoding/xml's tokenizer was 40% of a sanitization's CPU) and checks
// well-formedness at least as strictly as encoding/xml: legal names and characters, quoted
// and unrepeated attributes, only the predefined entities, a UTF-8 encoding declaration;
// readXML checks matching tags, one root, declared prefixes and bounded depth. DOCTYPEs and
// other declarations are refused, comments and processing instructions dropped. A
// differential test and fuzz target hold the scanner to encoding/xml's tokens. .rels parts
// and [Content_Types].xml are read with the same scanner (FuzzDecodeOPC holds that to
// encoding/xml's Decode; one with a DOCTYPE naming only a DTD still goes through
// encoding/xml) and rebuilt from their parsed form.
//
// The new container is deflated at BestSpeed with klauspost/compress (already in the
// module graph through fasthttp), which also inflates the input: together several times
// faster than compress/flate at level 5, for outputs about 15% larger
// (BenchmarkDeflateLevel: levels 2 and 3 cost 3-28% more CPU for parts 1-9% smaller).
// JPEG, PNG and GIF pictures are stored, not deflated again. Parts of up to 64 KiB are
// inflated once: the look at their root element keeps their bytes for the rewrite. Four
// compressors, decompressors and scanners are kept across garbage collections
// (internal/freelist), the rest pooled: a small document otherwise paid for new ones, which cost
// more than its rewrite.
//
// # Images
//
// Images (word/media/*, Pictures/*, thumbnails) go through Options.Inner, the engine, with
// Budget.Nest: the image family decodes and re-encodes them. An image the inner sanitizer
// refuses, or whose format it changes, is removed with the references to it; with a nil
// Inner every image is removed. Re-encoding is not reported as an action, so that a clean
// output sanitizes again to clean with no actions.
package ooxml
