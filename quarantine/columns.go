package quarantine

import (
	"encoding/json"
	"strings"
	"time"
)

// The SQL backends share one row layout for items, so `sekisho store migrate` copies
// values from one to the other unchanged: times as Unix nanoseconds, lists as text.

// RecordColumns lists the items columns in the order ScanRecord reads them.
const RecordColumns = `id, time, kind, direction, queue_id, mail_from, rcpts, subject, file_name,
	declared_type, detected_type, size, sha256, reason, status`

// ListColumn encodes a list (recipients) for a text column: a JSON array, "" for none.
// Substring search runs over the text.
func ListColumn(l []string) string {
	if len(l) == 0 {
		return ""
	}
	b, _ := json.Marshal(l)
	return string(b)
}

// ParseListColumn decodes ListColumn's text.
func ParseListColumn(s string) []string {
	if s == "" {
		return nil
	}
	var l []string
	json.Unmarshal([]byte(s), &l)
	return l
}

// ScanRecord reads one row of RecordColumns (without history).
func ScanRecord(sc interface{ Scan(...any) error }) (Record, error) {
	var r Record
	var t int64
	var kind, dir, rcpts, status string
	if err := sc.Scan(&r.ID, &t, &kind, &dir, &r.QueueID, &r.MailFrom, &rcpts, &r.Subject,
		&r.FileName, &r.DeclaredType, &r.DetectedType, &r.Size, &r.SHA256, &r.Reason, &status); err != nil {
		return r, err
	}
	r.Time = time.Unix(0, t).UTC()
	r.Kind, r.Direction, r.Status = Kind(kind), Direction(dir), Status(status)
	r.Rcpts = ParseListColumn(rcpts)
	return r, nil
}

// SortColumns maps each sort key to its items column; a backend takes the column from
// here, never from the query, so a sort key cannot carry SQL.
var SortColumns = map[SortKey]string{
	SortTime:     "time",
	SortSize:     "size",
	SortSender:   "mail_from",
	SortSubject:  "subject",
	SortFileName: "file_name",
	SortStatus:   "status",
}

// LikePattern is a LIKE pattern (ESCAPE '\') matching v as a substring.
func LikePattern(v string) string {
	return "%" + likeEscaper.Replace(v) + "%"
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// AuditRecord is one record of the audit chain, the same in every backend: one JSON
// object whose Prev is the SHA-256 (hex) of the previous record's bytes, or of
// AuditGenesis for the first. A shared backend names the node that wrote it.
type AuditRecord struct {
	Seq    int64     `json:"seq"`
	Time   time.Time `json:"time"`
	Action string    `json:"action"` // an Action, or ActionAuditBreak
	ID     string    `json:"id,omitempty"`
	Actor  string    `json:"actor"`
	Reason string    `json:"reason,omitempty"`
	Rcpts  []string  `json:"rcpts,omitempty"`
	Detail string    `json:"detail,omitempty"`
	// Segment is set on an audit-break record only: the file the broken segment was moved to.
	Segment string `json:"segment,omitempty"`
	Node    string `json:"node,omitempty"`
	Prev    string `json:"prev"`
}

// ActionAuditBreak opens a new segment after an operator recovered a broken log. Its Prev
// is the last hash the index vouches for, so the chain continues across the break.
const ActionAuditBreak = "audit-break"

// AuditGenesis is what the first record's Prev is the hash of.
const AuditGenesis = "sekisho-audit-v1"
