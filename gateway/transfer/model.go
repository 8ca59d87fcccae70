package transfer

import (
	"time"

	"github.com/sekisho/sekisho/sanitize"
)

// Direction is which way a transfer goes.
type Direction string

const (
	Inbound  Direction = "inbound"  // Internet side to LGWAN side
	Outbound Direction = "outbound" // LGWAN side to Internet side
)

// State is where a transfer is in its life.
//
//	open ──done──▶ processing ──files sanitized──▶ ready (inbound)
//	                    └──────────────────────────▶ pending ──approve──▶ sent (outbound, pre)
//	                    │                               └────reject───▶ rejected
//	                    └──────────────────────────▶ sent (post, auto) ──review reject──▶ rejected
//	any but expired ──withdraw──▶ withdrawn;  any ──purge──▶ expired
type State string

const (
	Open       State = "open"       // files are being uploaded
	Processing State = "processing" // uploads finished; files are being sanitized
	Ready      State = "ready"      // inbound: sanitized files wait for the recipient
	Pending    State = "pending"    // outbound: waits for an approver (事前承認)
	Sent       State = "sent"       // outbound: links sent to the recipients
	Rejected   State = "rejected"   // outbound: an approver refused; links revoked
	Withdrawn  State = "withdrawn"  // the owner or an operator cancelled it
	Expired    State = "expired"    // purged: the files are gone
)

// Live reports whether a transfer in this state still holds files (and counts against
// quotas).
func (s State) Live() bool { return s != Withdrawn && s != Expired && s != Rejected }

// Approval is the approval state of an outbound transfer.
type Approval string

const (
	ApprovalNone     Approval = ""         // inbound, or not yet submitted
	ApprovalPending  Approval = "pending"  // waits for an approver (pre: before sending; post: review)
	ApprovalApproved Approval = "approved" // an approver accepted
	ApprovalAuto     Approval = "auto"     // an auto-approval rule accepted
	ApprovalRejected Approval = "rejected" // an approver refused
)

// Transfer is one batch of files going one way. Sender, SenderInfo, Subject, Message and
// Recipients may be attacker text (inbound) or staff text: escape them wherever shown.
type Transfer struct {
	ID        string
	Direction Direction
	State     State
	// Owner is the LGWAN-side user: the recipient of an inbound transfer, the sender of an
	// outbound one. Department is the owner's at creation.
	Owner      string
	Department string
	// Sender is who uploaded: a user name, or "link:<id>" for a partner with an upload
	// link; SenderInfo is what the partner typed about themselves.
	Sender     string
	SenderInfo string
	LinkID     string // the upload link used (inbound)
	Subject    string
	Message    string
	Recipients []string // outbound: external addresses
	Created    time.Time
	Updated    time.Time
	Expires    time.Time
	Done       bool // no more files: the uploader finished
	Bytes      int64
	// Outbound approval.
	Mode           string // pre or post
	Approval       Approval
	Approver       string
	Decided        time.Time
	DecisionReason string
	LinkExpiry     time.Duration
	MaxDownloads   int
	AccessCode     bool
}

// FileState is where a file is in its life.
type FileState string

const (
	Uploading FileState = "uploading" // bytes are arriving (resumable)
	Uploaded  FileState = "uploaded"  // complete, waiting for the engine
	Available FileState = "ready"     // the sanitized output is stored
	Held      FileState = "held"      // refused by the engine and kept in the quarantine
	Refused   FileState = "refused"   // blocked or stripped by policy: nothing kept
	Failed    FileState = "failed"    // could not be processed (storage error); nothing kept
	Cancelled FileState = "cancelled" // the upload was abandoned or deleted
	Gone      FileState = "expired"   // purged with its transfer
)

// Final reports whether the file's processing is over.
func (s FileState) Final() bool { return s != Uploading && s != Uploaded }

// File is one file of a transfer. Name is attacker text made safe (SafeName); escape it
// wherever shown all the same.
type File struct {
	ID           string
	TransferID   string
	Seq          int
	Name         string
	RawName      string // the name as the uploader declared it (bounded, valid UTF-8): the engine judges it
	DeclaredType string
	Length       int64 // declared total size
	Offset       int64 // bytes received
	State        FileState
	SHA256       string // of the original
	Detected     string // detected type name
	Verdict      sanitize.Verdict
	Reason       string
	Actions      []sanitize.Action
	Notes        []string
	OutBlob      string // SHA-256 of the output, its name in the blob store
	OutSize      int64
	OutName      string
	OutType      string
	QuarantineID string
	Created      time.Time
	Updated      time.Time
}

// UploadLink is a 受取依頼: a URL a staff member gives a partner to upload files for them.
type UploadLink struct {
	ID       string
	Owner    string
	Label    string // what the staff member wrote for the partner
	Partner  string // the partner's address, when the link was mailed
	Created  time.Time
	Expires  time.Time
	MaxBytes int64 // per transfer; 0: transfer.max_transfer_size
	OneTime  bool
	Uses     int
	Revoked  bool
}

// Usable reports whether the link accepts a new transfer at now.
func (l UploadLink) Usable(now time.Time) bool {
	return !l.Revoked && now.Before(l.Expires) && (!l.OneTime || l.Uses == 0)
}

// Link is one outbound recipient's download link.
type Link struct {
	ID           string
	TransferID   string
	Recipient    string
	HasCode      bool
	CodeFailures int
	Created      time.Time
	Expires      time.Time
	MaxDownloads int
	Revoked      bool
	Sent         time.Time
}
