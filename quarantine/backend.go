package quarantine

import (
	"context"
	"errors"
	"io"
	"time"
)

// Backend stores records, originals, the audit chain and the release outbox. The embedded
// one (quarantine/sqlite) keeps files and SQLite under the data directory; a shared one
// lets several nodes use one quarantine. Backends store what the Service hands them: IDs,
// state rules, sealing and hashing are the Service's. A Backend is safe for concurrent use.
type Backend interface {
	// CreateBlob starts storing the original of a new item. The blob exists for OpenBlob
	// only after Commit on the writer returned nil.
	CreateBlob(ctx context.Context, id string) (BlobWriter, error)
	// OpenBlob reads an original back.
	OpenBlob(ctx context.Context, id string) (io.ReadCloser, error)
	// RemoveBlob deletes an original; a missing one is not an error.
	RemoveBlob(ctx context.Context, id string) error

	// Commit applies c atomically: its audit entry is appended to the chain and the record
	// and hand-off (if any) are stored, or nothing is. It returns ErrState when the stored
	// status is not one of c.From, ErrNotFound when the item does not exist.
	Commit(ctx context.Context, c Change) error
	// Get returns one record with its history.
	Get(ctx context.Context, id string) (Record, error)
	// Search returns one page of records matching q (already validated by the Service).
	Search(ctx context.Context, q Query) (Page, error)

	// ClaimHandoffs returns up to max pending hand-offs whose lease ended before now,
	// leasing them to owner until until.
	ClaimHandoffs(ctx context.Context, owner string, now, until time.Time, max int) ([]Handoff, error)
	// FinishHandoff marks a hand-off done; it is never handed out again.
	FinishHandoff(ctx context.Context, id int64) error

	// Verify checks the whole audit chain and returns the number of entries.
	Verify(ctx context.Context) (int64, error)
	// Health reports a degraded state (an audit log that can no longer be appended to, a
	// lost database connection), nil when healthy.
	Health(ctx context.Context) error
	Close() error
}

// BlobWriter receives an original. Commit makes it durable (fsync'd); Abort discards it.
// Exactly one of them is called.
type BlobWriter interface {
	io.Writer
	Commit() error
	Abort()
}

// ChangeCommitter is implemented by a BlobWriter that can commit a new item's Change in
// the same transaction as its original (instead of Commit): a store in another process
// then pays one round of commits per held item instead of two, and the original and its
// record appear together or not at all.
type ChangeCommitter interface {
	CommitChange(c Change) error
}

// Change is one state change for Backend.Commit.
type Change struct {
	// Record is the item's new state. Insert stores a new record; otherwise the stored
	// record's status becomes Record.Status. A zero Record.ID means an audit entry alone.
	Record Record
	Insert bool
	// From lists the statuses the stored record may have for an update to apply.
	From []Status
	// Event is appended to the record's history.
	Event Event
	// Audit is appended to the audit chain; it is required.
	Audit AuditEntry
	// Handoff, when set, is stored as pending (its ID is assigned by the backend).
	Handoff *Handoff
}

var (
	// ErrNotFound is returned for an unknown ID.
	ErrNotFound = errors.New("quarantine: no such item")
	// ErrState is returned when an operation does not apply to the item's status.
	ErrState = errors.New("quarantine: operation does not apply to the item's status")
	// ErrReason is returned when an operation that needs a reason gets none.
	ErrReason = errors.New("quarantine: a reason is required")
	// ErrApproval is returned when a release needs a second person: by configuration, or
	// because the approver is the one who asked.
	ErrApproval = errors.New("quarantine: release needs approval by a second person")
)
