package queue

import (
	"crypto/rand"
	"encoding/base32"
	"io"
	"time"
)

// Queue is the durable mail queue between the SMTP server, which accepts into it, and
// delivery, which sanitizes, delivers, retries and bounces from it. Journal (group
// commit, the default) and Spool (a file per message) implement it; Open picks one.
//
// A message moves through three states: incoming (accepted, its original not yet
// sanitized), ready (sanitized or generated, to deliver now) and deferred (ready again at
// its envelope's NextTry). Every method that changes state returns only once the change is
// durable, so a crash at any point loses nothing acknowledged and at worst repeats one
// step (a delivery twice).
type Queue interface {
	// Accept starts an incoming message. The caller writes the message to the Writer and
	// replies 250 only after Commit returned nil.
	Accept(env Envelope) (Writer, error)
	// Incoming lists incoming messages, oldest first.
	Incoming() ([]string, error)
	// OpenIncoming opens an incoming message; the caller closes it.
	OpenIncoming(id string) (*Incoming, error)
	// RemoveIncoming drops an incoming message once its successor state is durable (or
	// it was delivered, bounced or quarantined).
	RemoveIncoming(id string) error

	// Enqueue makes messages ready (or deferred, by their envelopes' NextTry). It takes
	// several so that an implementation can make them durable together.
	Enqueue(msgs ...Message) error
	// Due returns the envelopes of queued messages whose NextTry has come, oldest first.
	Due(now time.Time) ([]Envelope, error)
	// OpenQueued opens a queued message's content; the caller closes it.
	OpenQueued(id string) (io.ReadCloser, error)
	// Update replaces a queued message's envelope (a deferral: recipients left, attempts,
	// NextTry, the last error).
	Update(env Envelope) error
	// Remove drops a queued message that was delivered or bounced.
	Remove(id string) error

	// Depth counts messages by state.
	Depth(now time.Time) (Depth, error)
	// FreeSpace is what the queue's storage has left, for refusing mail before it is full.
	FreeSpace() (int64, error)
	// Close releases the queue's files; the messages stay for the next Open.
	Close() error
}

// Writer receives an accepted message. Commit makes it durable; Abort discards it.
type Writer interface {
	io.Writer
	Commit() error
	Abort()
	// Size is the number of bytes written so far.
	Size() int64
}

// Incoming is an accepted message: Body holds exactly the bytes that were written.
type Incoming struct {
	Env  Envelope
	Body *io.SectionReader
	c    io.Closer
}

// Close releases the message's storage handle.
func (in *Incoming) Close() error { return in.c.Close() }

// Message is content to enqueue with its envelope.
type Message struct {
	Env  Envelope
	Body io.Reader
}

// State names where a message is.
type State string

const (
	StateIncoming State = "incoming"
	StateReady    State = "ready"
	StateDeferred State = "deferred"
)

// Depth counts messages by state.
type Depth struct {
	Incoming, Ready, Deferred int
}

// Map returns the counts keyed by state name, for metrics and the dashboard.
func (d Depth) Map() map[State]int {
	return map[State]int{StateIncoming: d.Incoming, StateReady: d.Ready, StateDeferred: d.Deferred}
}

// Envelope is the SMTP envelope plus the queue state of one message.
type Envelope struct {
	ID         string      `json:"id"`
	From       string      `json:"from"` // "" is the null sender
	Rcpts      []string    `json:"rcpts"`
	Received   time.Time   `json:"received"`
	RemoteAddr string      `json:"remote_addr,omitempty"`
	Helo       string      `json:"helo,omitempty"`
	TLS        bool        `json:"tls,omitempty"`
	Size       int64       `json:"size"`
	Kind       string      `json:"kind,omitempty"` // "", "dsn", "release", "portal"
	Attempts   int         `json:"attempts,omitempty"`
	NextTry    time.Time   `json:"next_try,omitzero"`
	LastError  string      `json:"last_error,omitempty"`
	LastReply  string      `json:"last_reply,omitempty"` // the next hop's reply behind LastError, "" when it was local
	Failed     []RcptError `json:"failed,omitempty"`     // permanent per-recipient failures not yet bounced
}

// RcptError records why one recipient failed.
type RcptError struct {
	Rcpt string `json:"rcpt"`
	Code int    `json:"code"`
	Msg  string `json:"msg"`
	// Status is the RFC 3463 status the DSN reports: the next hop's enhanced code, or
	// ours (4.4.7 for an expired message); "" lets the DSN derive it from Code.
	Status string `json:"status,omitempty"`
	// Reply is the next hop's SMTP reply as received (the DSN's Diagnostic-Code); ""
	// when the failure was decided here.
	Reply string `json:"reply,omitempty"`
}

var idEnc = base32.NewEncoding("0123456789ABCDEFGHJKMNPQRSTVWXYZ").WithPadding(base32.NoPadding)

// NewID returns a queue ID: time-ordered, unique, safe as a file name.
func NewID(now time.Time) string {
	var b [8]byte
	rand.Read(b[:])
	return now.UTC().Format("20060102T150405") + "-" + idEnc.EncodeToString(b[:])
}

// ValidID reports whether id has the shape NewID gives; nothing else names a file.
func ValidID(id string) bool {
	if len(id) < 10 || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r == '-' || r == 'T') {
			return false
		}
	}
	return true
}
