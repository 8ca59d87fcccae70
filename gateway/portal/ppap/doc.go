// Package ppap opens the password-protected attachments of the PPAP habit (a zip or PDF
// sent with its password in a second mail) once their recipient types the password into
// the portal.
//
// Everything happens in memory and is bounded: the caller passes the limits, and the
// output is an ordinary, unencrypted file (a rebuilt zip, a decrypted PDF) that must then
// go through the sanitizing engine like any other input. Nothing here judges content.
//
// Supported: zip entries under the traditional PKWARE cipher ("ZipCrypto", written by
// `zip -e` and Windows Explorer) and WinZip AES-128/192/256 (AE-1 and AE-2, written by
// 7-Zip and WinZip), stored or deflated; PDFs under the standard security handler
// (RC4, AES-128, AES-256), through pdfcpu. A wrong password is ErrPassword and nothing else,
// so the portal can count tries; the password is never kept after the call returns.
package ppap
