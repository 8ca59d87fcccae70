// Package transfer moves files between the two sides through the sanitizer (DESIGN §8,
// §13): files uploaded on the Internet side reach LGWAN staff only rebuilt by the engine,
// and files LGWAN staff send out leave, after approval, as download links on the Internet
// side.
//
// Inbound. A staff member logged in on the Internet-side listener, or a partner holding an
// upload link (受取依頼) that a staff member made on the portal, uploads files: through the
// page (drag and drop, a progress bar per file) or the API (curl -T, multipart, and tus 1.0
// core with the creation and termination extensions for resumable uploads; a PUT with
// Content-Range resumes too). Bodies stream to a staging file; every byte is counted and
// the request answered 413 as soon as a limit passes (fasthttp does not cap a streamed
// body). Each completed file goes through the inbound engine; its output is stored
// content-addressed, the staged original is deleted, and a file the engine refuses goes to
// the quarantine with its reason (operators handle it like a mail item). So the original
// of an inbound file never reaches the LGWAN side: the portal serves only outputs, or an
// original an operator released from the quarantine. A text file that arrives in order,
// whole in one request or in chunks, is sanitized while it arrives (live.go); its result,
// like any other, is recorded only once the upload is complete, and an output that is the
// upload byte for byte is stored by keeping the staged file (same.go). A stored output
// goes to a client without TLS by sendfile (download.go).
//
// Outbound. Staff upload on the portal and name external recipients. The files go
// through the outbound engine (metadata of the staff removed at least), then the transfer
// waits for its department's approval: pre (事前承認: links are mailed after an approver
// accepts), post (事後確認: mailed at once, reviewed afterwards; a rejection revokes the
// links) or an auto-approval rule (size, type, recipient domain). Each recipient gets a
// link with an expiry, a download count and optionally an access code sent in a separate
// mail.
//
// State lives in the quarantine's store (tables applied with the component name
// "transfer"); blobs under data_dir/transfer. Tokens (upload links, download links,
// upload sessions) are 256-bit random values stored only as SHA-256 hashes. Every upload,
// sanitizer result, approval, notification and download is written to the quarantine's
// hash-chained audit log with who, the source address and the bytes.
//
// A crash loses nothing acknowledged: a staged upload keeps what was written (its offset
// is recovered from the file at start), completed files waiting for the engine are
// queued again, and a transfer whose files are all done is completed.
package transfer
