package quarantine

import "time"

// Kind says what a quarantined item is.
type Kind string

const (
	KindMessage    Kind = "message"    // a whole message that could not be made safe
	KindAttachment Kind = "attachment" // one part of a message that was delivered without it
	KindFile       Kind = "file"       // a file from a transfer or another non-mail source
)

// Direction says which way an item was travelling.
type Direction string

const (
	Inbound  Direction = "inbound"  // Internet side to LGWAN side
	Outbound Direction = "outbound" // LGWAN side to Internet side
)

// Status is where an item is in its life.
//
//	held ──release──────────────▶ released ──purge──▶ expired
//	  │ └─request-release─▶ release-requested ─approve─▶ released
//	  │                          └─reject─▶ held
//	  └─delete (from any state but expired)──▶ deleted
type Status string

const (
	Held             Status = "held"
	ReleaseRequested Status = "release-requested" // waits for a second person's approval
	Released         Status = "released"
	Deleted          Status = "deleted"
	Expired          Status = "expired"
)

// Statuses lists every status, for validating operator input.
var Statuses = []Status{Held, ReleaseRequested, Released, Deleted, Expired}

// HasOriginal reports whether an item in this status still has its original.
func (s Status) HasOriginal() bool { return s == Held || s == ReleaseRequested || s == Released }

// Actor names who did something: an operator's account name, or one of the constants for
// what the gateway does by itself.
type Actor string

const (
	System    Actor = "sekisho"   // the gateway quarantining what it could not make safe
	Retention Actor = "retention" // the retention ticker expiring old items
)

// Action names an entry of an item's history and of the audit log. The values are stable:
// they are written to the audit log.
type Action string

const (
	ActQuarantine     Action = "quarantine"
	ActReleaseRequest Action = "release-request"
	ActApprove        Action = "approve"
	ActReject         Action = "reject"
	ActRelease        Action = "release"
	ActHandoff        Action = "handoff" // the released item was queued for delivery
	ActDelete         Action = "delete"
	ActPurge          Action = "purge"
	ActView           Action = "view"     // a person looked at an item's details or preview
	ActDownload       Action = "download" // a person took the original
)

// Event is one entry of a record's history.
type Event struct {
	Time   time.Time `json:"time"`
	Action Action    `json:"action"`
	Actor  Actor     `json:"actor"`
	Reason string    `json:"reason,omitempty"`
	Rcpts  []string  `json:"rcpts,omitempty"`
	Detail string    `json:"detail,omitempty"`
}

// Record is the metadata of one quarantined item. Subject, FileName, MailFrom and Rcpts
// are attacker-controlled text: escape them wherever they are shown.
type Record struct {
	ID           string    `json:"id"`
	Time         time.Time `json:"time"`
	Kind         Kind      `json:"kind"`
	Direction    Direction `json:"direction"`
	QueueID      string    `json:"queue_id,omitempty"`
	MailFrom     string    `json:"mail_from,omitempty"`
	Rcpts        []string  `json:"rcpts,omitempty"`
	Subject      string    `json:"subject,omitempty"`
	FileName     string    `json:"file_name,omitempty"`
	DeclaredType string    `json:"declared_type,omitempty"`
	DetectedType string    `json:"detected_type,omitempty"`
	Size         int64     `json:"size"`
	SHA256       string    `json:"sha256"`
	Reason       string    `json:"reason"`
	Status       Status    `json:"status"`
	// History is filled by Get; Search leaves it empty.
	History []Event `json:"history,omitempty"`
}

// AuditEntry is one record for the audit log: a change to an item, or an access that
// changes nothing (a view, a download, a login) recorded by the component that served it.
type AuditEntry struct {
	Time   time.Time `json:"time"`
	Action Action    `json:"action"`
	ID     string    `json:"id,omitempty"` // the item, if any
	Actor  Actor     `json:"actor"`
	Reason string    `json:"reason,omitempty"`
	Rcpts  []string  `json:"rcpts,omitempty"`
	Detail string    `json:"detail,omitempty"`
}

// Handoff is a released item waiting to be put into a mail queue: Release writes it in
// the same transaction as the status change, and every running relay claims pending ones,
// queues them durably and marks them done. A claim that is not finished within its lease
// is handed out again: a released item may be delivered twice, never lost.
type Handoff struct {
	ID      int64     `json:"id"`
	ItemID  string    `json:"item_id"`
	Rcpts   []string  `json:"rcpts"`
	Actor   Actor     `json:"actor"`
	Reason  string    `json:"reason"`
	Created time.Time `json:"created"`
}
