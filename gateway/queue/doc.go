// Package queue is sekisho's durable mail queue: the Queue interface between the SMTP
// server and delivery, and its two implementations. Open picks one by format and moves
// in what the other format holds.
//
// Durability contract: Accept's Commit returns nil only once the message and its envelope
// are on disk, and the server replies 250 only after that. A message moves incoming →
// ready → deferred, and each step's predecessor is removed only after the successor is
// durable: a crash at any point loses nothing that got 250 and at most repeats a delivery.
//
// Journal (the default) appends every change to segment files and shares one fdatasync
// among all commits written meanwhile (group commit); see journal.go for the format,
// replay and compaction. Spool keeps a file per message and state, fsync'd and renamed
// into place, with directory fsyncs grouped across concurrent commits.
//
// Opening recovers: the journal replays its segments (a record cut by a crash ends its
// segment), the spool removes temp files of transfers that never completed; what is
// incoming or queued is what delivery picks up at start.
package queue
