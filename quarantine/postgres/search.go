package postgres

import (
	"context"
	"strconv"
	"strings"

	"github.com/sekisho/sekisho/quarantine"
)

// Search runs one query: every condition is a bound parameter; the sort column comes
// from a fixed table. Substring conditions are ILIKE, which the trigram indexes serve for
// three characters or more.
func (b *Backend) Search(ctx context.Context, q quarantine.Query) (quarantine.Page, error) {
	where, args := conditions(q)
	page := quarantine.Page{Total: -1}
	if q.Count {
		var n int
		if err := b.pool.QueryRow(ctx, q.CountSQL(where), args...).Scan(&n); err != nil {
			return page, err
		}
		page.SetTotal(q, n)
	}
	dir := " DESC"
	if q.Asc {
		dir = " ASC"
	}
	col := quarantine.SortColumns[q.Sort]
	if col == "" {
		col = "time"
	}
	n := len(args)
	rows, err := b.pool.Query(ctx, `SELECT `+quarantine.RecordColumns+` FROM items`+where+` ORDER BY `+col+dir+`, seq`+dir+
		` LIMIT $`+strconv.Itoa(n+1)+` OFFSET $`+strconv.Itoa(n+2), append(args, q.Limit, q.Offset)...)
	if err != nil {
		return page, err
	}
	defer rows.Close()
	for rows.Next() {
		r, err := quarantine.ScanRecord(rows)
		if err != nil {
			return page, err
		}
		page.Records = append(page.Records, r)
	}
	return page, rows.Err()
}

func conditions(q quarantine.Query) (string, []any) {
	var conds []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if !q.Since.IsZero() {
		conds = append(conds, `time >= `+arg(q.Since.UnixNano()))
	}
	if !q.Until.IsZero() {
		conds = append(conds, `time < `+arg(q.Until.UnixNano()))
	}
	contains := func(v string, cols ...string) {
		if v == "" {
			return
		}
		p := arg(quarantine.LikePattern(strings.ToValidUTF8(strings.ReplaceAll(v, "\x00", ""), "")))
		var or []string
		for _, c := range cols {
			or = append(or, c+` ILIKE `+p+` ESCAPE '\'`)
		}
		conds = append(conds, "("+strings.Join(or, " OR ")+")")
	}
	contains(q.Sender, "mail_from")
	contains(q.Recipient, "rcpts")
	contains(q.Subject, "subject")
	contains(q.FileName, "file_name")
	contains(q.Reason, "reason")
	contains(q.Type, "(declared_type || ' ' || detected_type)")
	contains(q.Text, "mail_from", "rcpts", "subject", "file_name", "reason")
	in := func(col string, vals []string) {
		if len(vals) > 0 {
			conds = append(conds, col+` = ANY(`+arg(vals)+`)`)
		}
	}
	var st, kd []string
	for _, s := range q.Status {
		st = append(st, string(s))
	}
	for _, k := range q.Kind {
		kd = append(kd, string(k))
	}
	in("status", st)
	in("kind", kd)
	if q.Direction != "" {
		conds = append(conds, `direction = `+arg(string(q.Direction)))
	}
	if q.QueueID != "" {
		conds = append(conds, `queue_id = `+arg(strings.ToValidUTF8(q.QueueID, "")))
	}
	if len(conds) == 0 {
		return "", args
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}
