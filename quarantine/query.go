package quarantine

import (
	"fmt"
	"slices"
	"strconv"
	"time"
)

// SortKey orders search results.
type SortKey string

const (
	SortTime     SortKey = "time" // the default
	SortSize     SortKey = "size"
	SortSender   SortKey = "sender"
	SortSubject  SortKey = "subject"
	SortFileName SortKey = "file_name"
	SortStatus   SortKey = "status"
)

// Query selects records for Search. Zero fields match everything; text fields match a
// case-insensitive substring.
type Query struct {
	Since, Until time.Time // Since <= time < Until
	Sender       string    // the envelope sender
	Recipient    string    // any recipient
	Subject      string
	FileName     string
	Reason       string
	Type         string // the declared or detected type
	Text         string // any of sender, recipients, subject, file name and reason
	Status       []Status
	Kind         []Kind
	Direction    Direction
	QueueID      string // exact

	Sort SortKey // default SortTime
	Asc  bool    // default newest (largest) first
	// Limit is the page size: default 50, at most MaxPageSize. Offset skips records.
	Limit, Offset int
	// Count asks for the total number of matches in Page.Total (it costs a scan).
	// CountMax, when above zero, stops counting there: a console shows "more than
	// CountMax" for a broad filter instead of scanning every match of it.
	Count    bool
	CountMax int
}

// MaxPageSize bounds one page of Search.
const MaxPageSize = 1000

// Page is one page of search results.
type Page struct {
	Records []Record `json:"records"`
	// Total is the number of matches when Query.Count was set, else -1. AtLeast says
	// the count stopped at Query.CountMax: there are more.
	Total   int  `json:"total"`
	AtLeast bool `json:"at_least,omitempty"`
}

// CountSQL is the statement that counts the matches of where (a backend's WHERE clause):
// all of them, or CountMax and one more when the count is capped.
func (q Query) CountSQL(where string) string {
	if q.CountMax <= 0 {
		return `SELECT count(*) FROM items` + where
	}
	return `SELECT count(*) FROM (SELECT 1 FROM items` + where + ` LIMIT ` + strconv.Itoa(q.CountMax+1) + `) AS capped`
}

// SetTotal records the count that CountSQL's statement returned.
func (p *Page) SetTotal(q Query, n int) {
	p.Total, p.AtLeast = n, false
	if q.CountMax > 0 && n > q.CountMax {
		p.Total, p.AtLeast = q.CountMax, true
	}
}

// normalize applies the defaults and rejects what no backend should see.
func (q Query) normalize() (Query, error) {
	if q.Sort == "" {
		q.Sort = SortTime
	}
	if !slices.Contains([]SortKey{SortTime, SortSize, SortSender, SortSubject, SortFileName, SortStatus}, q.Sort) {
		return q, fmt.Errorf("quarantine: unknown sort key %q", q.Sort)
	}
	for _, s := range q.Status {
		if !slices.Contains(Statuses, s) {
			return q, fmt.Errorf("quarantine: unknown status %q", s)
		}
	}
	for _, k := range q.Kind {
		if k != KindMessage && k != KindAttachment && k != KindFile {
			return q, fmt.Errorf("quarantine: unknown kind %q", k)
		}
	}
	if q.Direction != "" && q.Direction != Inbound && q.Direction != Outbound {
		return q, fmt.Errorf("quarantine: unknown direction %q", q.Direction)
	}
	switch {
	case q.Limit <= 0:
		q.Limit = 50
	case q.Limit > MaxPageSize:
		q.Limit = MaxPageSize
	}
	if q.Offset < 0 {
		q.Offset = 0
	}
	return q, nil
}
