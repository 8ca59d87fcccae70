// Package queue is sekisho's durable mail queue: the Queue interface between the SMTP
// server and delivery, and Spool, its file-per-message implementation.
//
// Durability contract: Accept's Commit returns nil only once the message and its envelope
// are on disk (file fsync'd, renamed into place, directory fsync'd), and the server replies
// 250 only after that. Directory fsyncs are grouped across concurrent commits (one fsync
// covers every rename made while the previous one ran), which lets the gateway accept more
// than one message per disk flush. A message moves by atomic steps, incoming → ready →
// deferred, and each step's predecessor is removed only after the successor is durable: a
// crash at any point loses nothing that got 250 and at most repeats a delivery.
//
// OpenSpool recovers: temp files of transfers that never completed are removed, and what is
// in incoming/ and queue/ is what delivery picks up at start.
package queue
