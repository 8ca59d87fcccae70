// Package ole is the family for OLE2 compound files (MS-CFB): legacy Word, Excel and
// PowerPoint documents, Outlook messages, Publisher files, bare OLE objects, and the
// container of an encrypted Office Open XML package.
//
// It never produces output. Legacy binary Office formats cannot be rebuilt here, so the
// family inspects the file and refuses it with a reason that says what is inside:
//
//   - sanitize.ErrEncrypted: an EncryptionInfo/EncryptedPackage pair (MS-OFFCRYPTO, an
//     encrypted docx/xlsx/pptx), an IRM \x06DataSpaces storage, a Word FIB with
//     fEncrypted, an Excel FILEPASS record, PowerPoint's EncryptedSummary stream or the
//     encrypted token in its CurrentUserAtom;
//   - sanitize.ErrUnsupported naming VBA projects (_VBA_PROJECT, _VBA_PROJECT_CUR, Macros,
//     VBA storages; Excel 5 module sheets), Excel 4.0 macro sheets and Auto_Open names,
//     embedded OLE objects (ObjectPool, \x01Ole10Native, Excel MBD storages, Equation
//     Native) or Outlook attachments, or saying that none was found ("without macros");
//   - sanitize.ErrMalformed for a damaged or hostile file.
//
// The engine quarantines on every one of these; the render policy rasterizes instead.
//
// The reader is bounded and distrusts every field: the header must say version 3 with
// 512-byte sectors or version 4 with 4096-byte sectors and 64-byte mini sectors; every
// sector number is checked against the file size; the DIFAT, FAT, miniFAT, directory and
// stream chains are walked with visited sets (so loops and chains that share sectors fail)
// and a length bound; the directory is read linearly, so entries the red-black tree does
// not reach are still seen, and the tree is walked with a visited set and an explicit
// stack. Only the Word FIB, the Excel workbook globals and PowerPoint's CurrentUserAtom
// are read from stream contents.
// PowerPoint keeps its VBA project and OLE objects compressed inside the "PowerPoint
// Document" stream; they are not looked for, which changes only the wording of the reason.
package ole
