package sqlite

import (
	"bufio"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"syscall"
)

// AuditError says where the chain breaks.
type AuditError struct {
	Line int // 1-based line number; 0 when the break is at the end (truncation)
	Msg  string
}

func (e *AuditError) Error() string {
	if e.Line == 0 {
		return "audit log: " + e.Msg
	}
	return fmt.Sprintf("audit log: line %d: %s", e.Line, e.Msg)
}

// checkpoint is the chain head the index recorded: the hash after record seq.
type checkpoint struct {
	seq  int64
	hash string
}

// chainEnd is what a verified segment ends with.
type chainEnd struct {
	seq     int64
	head    string
	lastLen int64        // bytes of the last line, newline included
	opening *AuditRecord // the audit-break record the segment starts with, if any
}

var hexHash = regexp.MustCompile(`^[0-9a-f]{64}$`)

// maxAuditLine bounds one record; a longer line is corruption, not a record.
const maxAuditLine = 1 << 20

// verifyChain verifies one segment of the log. A segment starts at genesis or with an
// audit-break record, whose Prev is the hash the chain continues from. With a checkpoint,
// the chain must pass through it and may extend it by at most one record: the audit line
// is fsync'd before the index commits, so a crash can leave exactly one line the index has
// not seen.
func verifyChain(r io.Reader, cp *checkpoint) (chainEnd, error) {
	atCheckpoint := ""
	end, err := walkChain(r, func(seq int64, hash string) {
		if cp != nil && seq == cp.seq {
			atCheckpoint = hash
		}
	})
	if err != nil || cp == nil {
		return end, err
	}
	first := int64(0)
	if end.opening != nil {
		first = end.opening.Seq - 1
	}
	if cp.seq < first {
		return end, &AuditError{Line: 1, Msg: fmt.Sprintf("starts after record %d, the index recorded %d", first, cp.seq)}
	}
	if end.seq < cp.seq || end.seq > cp.seq+1 {
		return end, &AuditError{Msg: fmt.Sprintf("ends at record %d, the index recorded %d (truncated or extended)", end.seq, cp.seq)}
	}
	if atCheckpoint != cp.hash {
		return end, &AuditError{Line: int(cp.seq - first), Msg: fmt.Sprintf("record %d differs from the head the index recorded (rewritten)", cp.seq)}
	}
	return end, nil
}

// walkChain reads records, checking each link, and calls visit with every sequence number
// and the hash after it (the segment's starting point included). It stops at the first
// broken link, returning how far the chain held together and an *AuditError.
func walkChain(r io.Reader, visit func(seq int64, hash string)) (chainEnd, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	end := chainEnd{head: genesisHash()}
	line := 0
	for {
		b, err := readLine(br)
		if err == io.EOF {
			break
		}
		line++
		if err != nil {
			return end, &AuditError{Line: line, Msg: err.Error()}
		}
		var rec AuditRecord
		if err := json.Unmarshal(b, &rec); err != nil {
			return end, &AuditError{Line: line, Msg: "not a JSON record"}
		}
		switch {
		case line == 1 && rec.Action == ActionAuditBreak:
			if !hexHash.MatchString(rec.Prev) || rec.Seq < 1 {
				return end, &AuditError{Line: line, Msg: "malformed audit-break record"}
			}
			end.head, end.seq, end.opening = rec.Prev, rec.Seq-1, &rec
			visit(end.seq, end.head)
		case rec.Action == ActionAuditBreak:
			return end, &AuditError{Line: line, Msg: "audit-break record inside a segment (only a recovery opens one)"}
		case line == 1:
			visit(0, end.head)
		}
		if rec.Prev != end.head {
			return end, &AuditError{Line: line, Msg: "previous-hash mismatch (a line before it was edited, removed or reordered)"}
		}
		if rec.Seq != end.seq+1 {
			return end, &AuditError{Line: line, Msg: fmt.Sprintf("sequence %d, want %d", rec.Seq, end.seq+1)}
		}
		h := sha256.Sum256(b)
		end.head, end.seq, end.lastLen = hex.EncodeToString(h[:]), rec.Seq, int64(len(b))+1
		visit(end.seq, end.head)
	}
	return end, nil
}

var errNoNewline = errors.New("last line has no newline (a write was cut short or the file was edited)")

// readLine returns one line without its newline; a line longer than maxAuditLine or a
// final line without a newline is an error.
func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > maxAuditLine {
			return nil, fmt.Errorf("line longer than %d bytes", maxAuditLine)
		}
		switch {
		case err == nil:
			return line[:len(line)-1], nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err == io.EOF && len(line) == 0:
			return nil, io.EOF
		case err == io.EOF:
			return nil, errNoNewline
		default:
			return nil, err
		}
	}
}

// AuditReport is what CheckAudit found.
type AuditReport struct {
	// Records is the sequence number of the last record: the records the chain vouches for.
	Records int64
	// Breaks are the recoveries recorded in the log, newest first.
	Breaks []AuditBreak
}

// AuditBreak is one recovery: the record that opened a new segment and what the segment
// before it looks like now.
type AuditBreak struct {
	Record AuditRecord
	// Previous describes the earlier segment: where its chain breaks and whether it holds
	// the record the new segment continues from.
	Previous string
}

// maxSegments bounds how many recoveries CheckAudit follows back.
const maxSegments = 1000

// CheckAudit verifies the audit log of the store at dir: the current segment must be an
// intact chain ending at the head the index recorded. It also reports every recorded
// break and what each earlier segment holds. It opens nothing for writing. The error is an
// *AuditError saying where the current chain breaks.
func CheckAudit(dir string) (AuditReport, error) {
	var rep AuditReport
	if _, err := os.Stat(filepath.Join(dir, "index.db")); err != nil {
		return rep, fmt.Errorf("audit: %w", err)
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "index.db")+"?mode=ro")
	if err != nil {
		return rep, err
	}
	defer db.Close()
	cp, err := readHead(context.Background(), db)
	if err != nil {
		return rep, err
	}
	// A shared lock keeps a writer from being caught mid-line; a missing lock file means
	// no writer has run since it could have been made.
	if lf, err := os.Open(filepath.Join(dir, "audit.lock")); err == nil {
		defer lf.Close()
		if err := syscall.Flock(int(lf.Fd()), syscall.LOCK_SH); err == nil {
			defer syscall.Flock(int(lf.Fd()), syscall.LOCK_UN)
		}
	}
	f, err := os.Open(filepath.Join(dir, "audit.log"))
	if errors.Is(err, os.ErrNotExist) {
		if cp.seq > 0 {
			return rep, &AuditError{Msg: fmt.Sprintf("missing, the index recorded %d records", cp.seq)}
		}
		return rep, nil
	}
	if err != nil {
		return rep, err
	}
	end, err := verifyChain(f, cp)
	f.Close()
	if err != nil {
		return rep, err
	}
	rep.Records = end.seq
	for open := end.opening; open != nil && len(rep.Breaks) < maxSegments; {
		b := AuditBreak{Record: *open}
		b.Previous, open = describeSegment(dir, *open)
		rep.Breaks = append(rep.Breaks, b)
	}
	return rep, nil
}

// describeSegment verifies the segment a break record names and says whether it holds
// the hash the new segment continues from. It returns the break that opened that segment
// in turn, if any.
func describeSegment(dir string, brk AuditRecord) (string, *AuditRecord) {
	if brk.Segment == "" || filepath.Base(brk.Segment) != brk.Segment {
		return "none kept (the log was missing when it was recovered)", nil
	}
	f, err := os.Open(filepath.Join(dir, brk.Segment))
	if err != nil {
		return fmt.Sprintf("%s: %v", brk.Segment, err), nil
	}
	defer f.Close()
	end, err := walkChain(f, func(int64, string) {})
	var s string
	if err != nil {
		s = fmt.Sprintf("%s: intact up to record %d, then %v", brk.Segment, end.seq, err)
	} else {
		s = fmt.Sprintf("%s: intact, %d records", brk.Segment, end.seq)
	}
	want := brk.Seq - 1
	if line := findLine(io.NewSectionReader(f, 0, 1<<62), brk.Prev); line > 0 {
		s += fmt.Sprintf("; record %d, where the chain continues, is in it unaltered (line %d)", want, line)
	} else if want > 0 {
		s += fmt.Sprintf("; record %d, where the chain continues, is not in it (records lost or altered)", want)
	}
	return s, end.opening
}

// VerifyAudit is CheckAudit returning the number of records only.
func VerifyAudit(dir string) (int64, error) {
	rep, err := CheckAudit(dir)
	return rep.Records, err
}

// findLine returns the 1-based number of the first line whose hash is hash, or 0.
func findLine(r io.Reader, hash string) int {
	br := bufio.NewReaderSize(r, 64<<10)
	for n := 1; ; n++ {
		b, err := readLine(br)
		if err != nil {
			return 0
		}
		h := sha256.Sum256(b)
		if hex.EncodeToString(h[:]) == hash {
			return n
		}
	}
}
