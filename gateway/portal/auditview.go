package portal

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/sekisho/sekisho/gateway/portal/web"
	"github.com/sekisho/sekisho/quarantine"
)

// auditLine is one record of the audit log as the page shows it.
type auditLine struct {
	Seq    int64     `json:"seq"`
	Time   time.Time `json:"time"`
	Action string    `json:"action"`
	ID     string    `json:"id"`
	Actor  string    `json:"actor"`
	Reason string    `json:"reason"`
	Rcpts  []string  `json:"rcpts"`
	Detail string    `json:"detail"`
	Node   string    `json:"node"` // the node that wrote it, in a store several nodes share
}

type auditData struct {
	Lines         []auditLine
	Actor, Action string
	Item          string
	Records       int64
	ChainErr      string
	Verified      bool
	More          bool
	Before        int64
	NextURL       string
}

// auditPage bounds one page; auditScan bounds the bytes read for it, so a huge log costs
// a bounded time per view (older pages are reached with ?before=).
const (
	auditPage = 100
	auditScan = 256 << 20
)

// auditView lists the audit log, newest first, filtered by actor, action and item, and
// shows whether the hash chain verifies.
func (p *Portal) auditView(c *web.Ctx) error {
	d := auditData{Actor: c.Query("actor"), Action: c.Query("action"), Item: c.Query("item")}
	d.Before, _ = strconv.ParseInt(c.Query("before"), 10, 64)
	n, err := p.q.Verify(c)
	d.Records, d.Verified = n, err == nil
	if err != nil {
		d.ChainErr = err.Error()
	}
	if err := c.Audit("audit-view", "", ""); err != nil {
		return err
	}
	lines, more, err := p.readAudit(c, d)
	if err != nil {
		return err
	}
	d.Lines, d.More = lines, more
	if more && len(lines) > 0 {
		d.NextURL = "/audit?before=" + strconv.FormatInt(lines[len(lines)-1].Seq, 10) +
			"&actor=" + urlEscape(d.Actor) + "&action=" + urlEscape(d.Action) + "&item=" + urlEscape(d.Item)
	}
	return c.Render("audit.html", d)
}

// readAudit lists the records matching d from the backend's database when it holds them
// (a shared store), else from the log file.
func (p *Portal) readAudit(ctx context.Context, d auditData) ([]auditLine, bool, error) {
	r, ok := p.q.Backend().(quarantine.AuditReader)
	if p.o.AuditLog != "" || !ok {
		return readAuditFile(p.o.AuditLog, d)
	}
	recs, more, err := r.ReadAudit(ctx, quarantine.AuditFilter{Before: d.Before, Actor: d.Actor, Action: d.Action,
		Item: d.Item, Limit: auditPage})
	lines := make([]auditLine, len(recs))
	for i, r := range recs {
		lines[i] = auditLine{Seq: r.Seq, Time: r.Time, Action: r.Action, ID: r.ID, Actor: r.Actor, Reason: r.Reason,
			Rcpts: r.Rcpts, Detail: r.Detail, Node: r.Node}
	}
	return lines, more, err
}

// readAuditFile scans the log and keeps the last auditPage matching lines before d.Before.
func readAuditFile(path string, d auditData) ([]auditLine, bool, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > auditScan {
		f.Seek(st.Size()-auditScan, 0)
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var ring []auditLine
	more := false
	for sc.Scan() {
		var l auditLine
		if json.Unmarshal(sc.Bytes(), &l) != nil {
			continue // a partial first line after the seek
		}
		if d.Before > 0 && l.Seq >= d.Before {
			continue
		}
		if d.Actor != "" && !strings.Contains(strings.ToLower(l.Actor), strings.ToLower(d.Actor)) ||
			d.Action != "" && l.Action != d.Action || d.Item != "" && l.ID != d.Item {
			continue
		}
		ring = append(ring, l)
		if len(ring) > auditPage {
			ring, more = ring[1:], true
		}
	}
	for i, j := 0, len(ring)-1; i < j; i, j = i+1, j-1 {
		ring[i], ring[j] = ring[j], ring[i]
	}
	return ring, more, sc.Err()
}
