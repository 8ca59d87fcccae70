// Package formula reads spreadsheet formulas (Excel's A1 grammar as OOXML stores it,
// OpenFormula as OpenDocument stores it, and the condition and Writer-field variants
// OpenDocument wraps around them) into tokens and judges them on the positive model: a
// formula is inert only when it tokenizes completely and every function it calls is on
// the allow-list of built-in worksheet functions (functions.go) that compute from their
// arguments alone, without network, process, DDE, external-workbook or evaluation power.
//
// Whatever is not positively understood is refused:
//
//   - a character or construct outside the grammar (an unterminated string, a stray
//     bracket, an operator the dialect does not have);
//   - a call to a function that is not on the allow-list, under any prefix (_xlfn.,
//     _xlws., COM.MICROSOFT., of:); user-defined (_xludf.) and add-in (_xll.) functions
//     are never on it;
//   - DDE: a pipe outside a string literal (cmd|' /c calc'!A0), the ODF DDE() function;
//   - a reference into another workbook: [1]Sheet1!A1, [1]!Name, 'C:\dir\[b.xlsx]S'!A1,
//     a quoted sheet name holding a path, ['file:///x.ods'#$Sheet1.A1];
//   - HYPERLINK whose target is not a string literal with an http, https or mailto URL or
//     a place inside the workbook (#Sheet2!A1);
//   - INDIRECT in a formula whose string literals could spell a reference to another
//     file (LibreOffice's INDIRECT loads external documents).
//
// Check never evaluates anything. It is bounded by the length of its input (MaxLen) and
// by the nesting of brackets and parentheses (maxNest).
package formula
