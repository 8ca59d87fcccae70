package sqlite

import (
	"context"
	"database/sql/driver"
	"strconv"
	"strings"
	"unicode"
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
		var n int
		if err := b.r.QueryRowContext(ctx, q.CountSQL(where), args...).Scan(&n); err != nil {
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
// (A variable for the tests, which make every match broad.)
var broadMatch = 2000

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
			// Few matches: read them once here (the count and the page both use the
			// list) and sort them. Many: walk the sort order and stop at a page. The
			// probe stops reading once the match is broad.
			seqs, err := b.matches(ctx, match)
			if err != nil {
				ferr = err
			}
			if len(seqs) <= broadMatch {
				conds = append(conds, `seq IN (SELECT value FROM json_each(?))`)
				args = append(args, seqs)
				return
			}
			if !caseless(v) {
				// The unary + keeps SQLite from driving the plan by the match list, which
				// it still builds whole: every match is read once for the page, once for
				// the count.
				conds = append(conds, `+seq IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)`)
				args = append(args, match)
				return
			}
			// A broad match of text whose only letters with case are ASCII: LIKE matches
			// what the index would (both fold ASCII case; the rest has none) and tests
			// only the rows the walk reaches, where the index reads all its matches first.
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

// caseless reports whether v's letters that have case are all ASCII, where LIKE and the
// trigram index fold case alike.
func caseless(v string) bool {
	for _, r := range v {
		if r >= utf8.RuneSelf && unicode.SimpleFold(r) != r {
			return false
		}
	}
	return true
}

// matches returns the rowids of the first broadMatch+1 items the full-text match finds, as
// a JSON array (one parameter for json_each).
func (b *Backend) matches(ctx context.Context, match string) (jsonInts, error) {
	rows, err := b.r.QueryContext(ctx, `SELECT rowid FROM items_fts WHERE items_fts MATCH ? LIMIT ?`, match, broadMatch+1)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out jsonInts
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// jsonInts binds as a JSON array of integers.
type jsonInts []int64

func (j jsonInts) Value() (driver.Value, error) {
	b := make([]byte, 0, 8*len(j)+2)
	b = append(b, '[')
	for i, n := range j {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, n, 10)
	}
	return string(append(b, ']')), nil
}
