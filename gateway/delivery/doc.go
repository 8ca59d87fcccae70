// Package delivery takes accepted mail from the queue to the LGWAN side: a bounded pool of
// sanitize workers runs each message through the whole-message sanitizer (the engine) and
// quarantines what cannot be made safe; a larger pool of delivery workers routes each
// recipient to its next hop (per-hop connection limits and reuse, STARTTLS by route),
// retries temporary failures with exponential backoff and jitter up to a lifetime, and
// sends an RFC 3464 DSN to the envelope sender for permanent ones (never to the null
// sender, never for a DSN). It also queues what operators release from the quarantine: it
// claims the hand-offs the quarantine recorded, queues each durably, then marks it done.
//
// Every state change goes through the queue and removes a predecessor only once its
// successor is durable, so a crash repeats at most one delivery and loses nothing.
package delivery
