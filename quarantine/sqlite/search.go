package sqlite

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/sekisho/sekisho/quarantine"
)

// Search runs one query: every condition is a bound parameter; the sort column comes
// from a fixed table.
func (b *Backend) Search(ctx context.Context, q quarantine.Query) (quarantine.Page, error) {
	where, args, err := b.conditions(ctx, q)
	if err != nil {
		return quarantine.Page{}, err
	}
	page := quarantine.Page{Total: -1}
	if q.Count {
		if err := b.r.QueryRowContext(ctx, `SELECT count(*) FROM items`+where, args...).Scan(&page.Total); err != nil {
			return page, err
		}
	}
	dir := " DESC"
	if q.Asc {
		dir = " ASC"
	}
	col := quarantine.SortColumns[q.Sort]
	if col == "" {
		col = "time"
	}
	rows, err := b.r.QueryContext(ctx, `SELECT `+quarantine.RecordColumns+` FROM items`+where+` ORDER BY `+col+dir+`, seq`+dir+` LIMIT ? OFFSET ?`,
		append(args, q.Limit, q.Offset)...)
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

// ftsString quotes v as one FTS5 string: a phrase, which the trigram tokenizer matches as
// a substring. Inside it only the double quote is special.
func ftsString(v string) string {
	return `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
}

// broadMatch is how many trigram matches make walking the sort order (and testing each
// item for the match) cheaper than fetching and sorting every match.
const broadMatch = 2000

func (b *Backend) conditions(ctx context.Context, q quarantine.Query) (string, []any, error) {
	var conds []string
	var args []any
	var ferr error
	if !q.Since.IsZero() {
		conds = append(conds, `time >= ?`)
		args = append(args, q.Since.UnixNano())
	}
	if !q.Until.IsZero() {
		conds = append(conds, `time < ?`)
		args = append(args, q.Until.UnixNano())
	}
	// Three characters or more go through the trigram index, a substring match that folds
	// case; shorter ones scan with LIKE, which folds ASCII only, like the index does for
	// all but a few scripts.
	contains := func(v string, fts []string, cols ...string) {
		if v == "" {
			return
		}
		if utf8.RuneCountInString(v) >= 3 {
			match := "{" + strings.Join(fts, " ") + "} : " + ftsString(v)
			// Few matches: fetch them and sort. Many: walk the sort order and stop at a
			// page; the unary + keeps SQLite from driving the plan by the match list.
			var n int
			if err := b.r.QueryRowContext(ctx, `SELECT count(*) FROM items_fts WHERE items_fts MATCH ?`, match).Scan(&n); err != nil {
				ferr = err
			}
			op := `seq`
			if n > broadMatch {
				op = `+seq`
			}
			conds = append(conds, op+` IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)`)
			args = append(args, match)
			return
		}
		var or []string
		for _, c := range cols {
			or = append(or, c+` LIKE ? ESCAPE '\'`)
			args = append(args, quarantine.LikePattern(v))
		}
		conds = append(conds, "("+strings.Join(or, " OR ")+")")
	}
	contains(q.Sender, []string{"mail_from"}, "mail_from")
	contains(q.Recipient, []string{"rcpts"}, "rcpts")
	contains(q.Subject, []string{"subject"}, "subject")
	contains(q.FileName, []string{"file_name"}, "file_name")
	contains(q.Reason, []string{"reason"}, "reason")
	contains(q.Type, []string{"types"}, "declared_type", "detected_type")
	contains(q.Text, []string{"mail_from", "rcpts", "subject", "file_name", "reason"}, "mail_from", "rcpts", "subject", "file_name", "reason")
	in := func(col string, vals []string) {
		if len(vals) == 0 {
			return
		}
		conds = append(conds, col+` IN (?`+strings.Repeat(`,?`, len(vals)-1)+`)`)
		for _, v := range vals {
			args = append(args, v)
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
		conds = append(conds, `direction = ?`)
		args = append(args, string(q.Direction))
	}
	if q.QueueID != "" {
		conds = append(conds, `queue_id = ?`)
		args = append(args, q.QueueID)
	}
	if len(conds) == 0 {
		return "", args, ferr
	}
	return " WHERE " + strings.Join(conds, " AND "), args, ferr
}
