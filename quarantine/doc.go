// Package quarantine holds originals that could not be made safe, for people to review,
// release or delete.
//
// Service is the quarantine: Put, Get, Open, Search, Release (and the two-person
// RequestRelease / Approve / Reject), Delete, Purge, Audit and Verify. It decides IDs,
// state changes and sealing (AES-256-GCM in 64 KiB chunks when a key is configured, so a
// multi-GB original is never held in memory) and records every change and access in a
// hash-chained audit log. A Backend stores: quarantine/sqlite is the embedded one (files
// and SQLite under the data directory), quarantine/postgres the one several nodes share;
// quarantinetest is the suite every backend passes. Backends that hold other components'
// tables implement Tables; a shared one implements Elector, so work that must run once
// runs on one node.
//
// Release does not deliver. It records a hand-off in the same transaction as the status
// change; each running relay claims pending hand-offs (ClaimHandoffs), queues them durably
// and marks them done (FinishHandoff). So every caller (the CLI, the portal, on any node)
// releases the same way, and a crash between queueing and marking can deliver an item
// twice but never lose it.
package quarantine
