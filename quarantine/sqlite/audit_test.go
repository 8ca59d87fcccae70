package sqlite

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/quarantine"
)

// logBuffer collects a store's log, to check that a break is reported at ERROR once.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// Store is the service over the backend, with the backend at hand, as serve and the
// quarantine commands hold them.
type Store struct {
	*Backend
	svc *quarantine.Service
}

type (
	Record = quarantine.Record
	Filter struct{}
)

const Held = quarantine.Held

func (s *Store) Put(ctx context.Context, rec Record, body io.Reader, actor string) (Record, error) {
	return s.svc.Put(ctx, rec, body, quarantine.Actor(actor))
}

func (s *Store) Delete(ctx context.Context, id, actor string) (Record, error) {
	return s.svc.Delete(ctx, id, quarantine.Actor(actor), "test")
}

func (s *Store) Get(ctx context.Context, id string) (Record, error) { return s.svc.Get(ctx, id) }

func (s *Store) List(ctx context.Context, _ Filter) ([]Record, error) {
	p, err := s.svc.Search(ctx, quarantine.Query{})
	return p.Records, err
}

func openStore(dir string, log *slog.Logger) (*Store, error) {
	b, err := Open(Options{Dir: dir, Logger: log})
	if err != nil {
		return nil, err
	}
	svc, err := quarantine.New(b, quarantine.Options{Logger: log})
	if err != nil {
		b.Close()
		return nil, err
	}
	return &Store{Backend: b, svc: svc}, nil
}

func openLogged(t *testing.T, dir string) (*Store, *logBuffer) {
	t.Helper()
	lb := &logBuffer{}
	s, err := openStore(dir, slog.New(slog.NewTextHandler(lb, nil)))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, lb
}

func put(t *testing.T, s *Store) (Record, error) {
	t.Helper()
	return s.Put(context.Background(), Record{Kind: "attachment", Reason: "encrypted archive"}, strings.NewReader("payload"), "sekisho")
}

func mustPut(t *testing.T, s *Store) Record {
	t.Helper()
	r, err := put(t, s)
	if err != nil {
		t.Fatalf("Put: %v", err)
	}
	return r
}

// replaceFile writes data to a new file and renames it over path, as sed -i, editors and
// logrotate do: the old inode is unlinked, a new one takes the name.
func replaceFile(t *testing.T, path string, data []byte) {
	t.Helper()
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// TestAuditDetectsReplacementUnderARunningStore changes audit.log behind an open store in
// each of the ways operators and tools do, then tries a change: it must be refused, the
// break logged at ERROR once, reads must go on, and the file that is no longer the log
// must not receive a byte.
func TestAuditDetectsReplacementUnderARunningStore(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, path string)
		want   string // in the AuditErr text
	}{
		{"sed -i edit", func(t *testing.T, path string) {
			data, _ := os.ReadFile(path)
			replaceFile(t, path, bytes.Replace(data, []byte(`"actor":"sekisho"`), []byte(`"actor":"mallory"`), 1))
		}, "replaced while in use"},
		{"renamed away", func(t *testing.T, path string) {
			if err := os.Rename(path, path+".1"); err != nil {
				t.Fatal(err)
			}
		}, "removed or renamed"},
		{"rotated with a new empty file", func(t *testing.T, path string) {
			os.Rename(path, path+".1")
			os.WriteFile(path, nil, 0o600)
		}, "ends at record 0, the index recorded 2"},
		{"deleted", func(t *testing.T, path string) { os.Remove(path) }, "missing"},
		{"truncated in place", func(t *testing.T, path string) {
			st, _ := os.Stat(path)
			os.Truncate(path, st.Size()/2)
		}, "truncated while in use"},
		{"last line edited in place", func(t *testing.T, path string) {
			data, _ := os.ReadFile(path)
			i := bytes.LastIndex(data, []byte(`"actor":"sekisho"`))
			f, _ := os.OpenFile(path, os.O_WRONLY, 0)
			f.WriteAt([]byte(`"actor":"mallory"`), int64(i))
			f.Close()
		}, "last record changed in place"},
		{"garbage appended", func(t *testing.T, path string) {
			f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
			f.WriteString("{\"seq\":3}\n")
			f.Close()
		}, "line 3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s, logs := openLogged(t, dir)
			first := mustPut(t, s)
			mustPut(t, s)
			path := filepath.Join(dir, "audit.log")
			orig, err := os.Open(path) // the inode the store writes to now
			if err != nil {
				t.Fatal(err)
			}
			defer orig.Close()
			before, _ := orig.Stat()

			tc.change(t, path)
			if err := s.AuditErr(); !errors.Is(err, ErrAuditBroken) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("AuditErr = %v, want ErrAuditBroken mentioning %q", err, tc.want)
			}
			if _, err := put(t, s); !errors.Is(err, ErrAuditBroken) {
				t.Fatalf("Put on a broken log = %v, want ErrAuditBroken", err)
			}
			if _, err := s.Delete(context.Background(), first.ID, "op"); !errors.Is(err, ErrAuditBroken) {
				t.Fatalf("Delete on a broken log = %v, want ErrAuditBroken", err)
			}
			if after, _ := orig.Stat(); after.Size() != before.Size() && tc.name != "truncated in place" && tc.name != "garbage appended" {
				t.Errorf("the old file grew from %d to %d bytes: records went where nobody reads them", before.Size(), after.Size())
			}
			if recs, err := s.List(context.Background(), Filter{}); err != nil || len(recs) != 2 {
				t.Errorf("List on a broken log = %d records, %v; want 2, nil", len(recs), err)
			}
			if r, _ := s.Get(context.Background(), first.ID); r.Status != Held {
				t.Errorf("a refused delete changed the status to %s", r.Status)
			}
			if n := strings.Count(logs.String(), "level=ERROR msg=\"audit log broken"); n != 1 {
				t.Errorf("the break was logged at ERROR %d times, want once:\n%s", n, logs.String())
			}
			if _, err := VerifyAudit(dir); err == nil && tc.name != "renamed away" && tc.name != "deleted" {
				t.Errorf("VerifyAudit passed a log that was %s", tc.name)
			}
		})
	}
}

// TestAuditPreservesADetachedLog: after sed -i the only copy of the true records is the
// unlinked inode the store still holds; the store copies it out before letting go.
func TestAuditPreservesADetachedLog(t *testing.T) {
	dir := t.TempDir()
	s, _ := openLogged(t, dir)
	mustPut(t, s)
	mustPut(t, s)
	path := filepath.Join(dir, "audit.log")
	want, _ := os.ReadFile(path)
	replaceFile(t, path, bytes.Replace(want, []byte("sekisho"), []byte("mallory"), -1))
	if err := s.AuditErr(); err == nil {
		t.Fatal("edited replacement not detected")
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "audit.log.detached-*"))
	if len(matches) != 1 {
		t.Fatalf("detached copies = %v, want one", matches)
	}
	if got, _ := os.ReadFile(matches[0]); !bytes.Equal(got, want) {
		t.Errorf("detached copy differs from the records written:\n%s\nwant\n%s", got, want)
	}
}

// TestAuditAcceptsAnIdenticalReplacement: an editor that saves without a change replaces
// the inode but not the chain; the store moves to the new file and goes on.
func TestAuditAcceptsAnIdenticalReplacement(t *testing.T) {
	dir := t.TempDir()
	s, logs := openLogged(t, dir)
	mustPut(t, s)
	path := filepath.Join(dir, "audit.log")
	data, _ := os.ReadFile(path)
	replaceFile(t, path, data)
	if err := s.AuditErr(); err != nil {
		t.Fatalf("AuditErr after an identical copy = %v", err)
	}
	mustPut(t, s)
	if n, err := VerifyAudit(dir); err != nil || n != 2 {
		t.Fatalf("VerifyAudit = %d, %v; want 2, nil", n, err)
	}
	if !strings.Contains(logs.String(), "level=WARN") {
		t.Errorf("the replacement was not logged:\n%s", logs.String())
	}
}

// TestAuditRecovery: an operator recovers a broken log from another process while serve
// runs; the new segment names the break and the last good hash, serve takes it up on its
// next change, and CheckAudit reports the break and what the old segment holds.
func TestAuditRecovery(t *testing.T) {
	dir := t.TempDir()
	serve, _ := openLogged(t, dir)
	mustPut(t, serve)
	mustPut(t, serve)
	path := filepath.Join(dir, "audit.log")
	data, _ := os.ReadFile(path)
	replaceFile(t, path, bytes.Replace(data, []byte(`"seq":1`), []byte(`"seq":7`), 1))
	if _, err := put(t, serve); !errors.Is(err, ErrAuditBroken) {
		t.Fatalf("Put = %v, want ErrAuditBroken", err)
	}

	cli, _ := openLogged(t, dir)
	if err := cli.AuditErr(); !errors.Is(err, ErrAuditBroken) {
		t.Fatalf("a second process opened the broken log as healthy: %v", err)
	}
	rec, err := cli.RecoverAudit(context.Background(), "operator1", "ticket 42")
	if err != nil {
		t.Fatalf("RecoverAudit: %v", err)
	}
	if rec.Seq != 3 || rec.Action != ActionAuditBreak || rec.Segment == "" || !strings.Contains(rec.Detail, "ticket 42") {
		t.Fatalf("break record = %+v", rec)
	}
	if _, err := os.Stat(filepath.Join(dir, rec.Segment)); err != nil {
		t.Fatalf("the broken segment was not kept: %v", err)
	}
	if _, err := cli.RecoverAudit(context.Background(), "operator1", ""); !errors.Is(err, ErrAuditIntact) {
		t.Errorf("second RecoverAudit = %v, want ErrAuditIntact", err)
	}

	mustPut(t, serve) // serve takes the new segment up by itself
	mustPut(t, cli)
	rep, err := CheckAudit(dir)
	if err != nil {
		t.Fatalf("CheckAudit after recovery: %v", err)
	}
	if rep.Records != 5 || len(rep.Breaks) != 1 {
		t.Fatalf("CheckAudit = %+v, want 5 records and one break", rep)
	}
	prev := rep.Breaks[0].Previous
	for _, want := range []string{rec.Segment, "intact up to record 0", "line 1", "record 2, where the chain continues, is in it unaltered (line 2)"} {
		if !strings.Contains(prev, want) {
			t.Errorf("break description %q lacks %q", prev, want)
		}
	}

	// The next store to open (a restart) accepts the recovered log as it is.
	s3, _ := openLogged(t, dir)
	if err := s3.AuditErr(); err != nil {
		t.Fatalf("reopened after recovery: %v", err)
	}
}

// TestAuditRecoveryNamesLostRecords: a log replaced by an older copy lost records; the
// break continues from the index's head and the report says the old segment lacks it.
func TestAuditRecoveryNamesLostRecords(t *testing.T) {
	dir := t.TempDir()
	s, _ := openLogged(t, dir)
	mustPut(t, s)
	path := filepath.Join(dir, "audit.log")
	old, _ := os.ReadFile(path)
	mustPut(t, s)
	mustPut(t, s)
	replaceFile(t, path, old)
	if _, err := s.RecoverAudit(context.Background(), "op", ""); err != nil {
		t.Fatal(err)
	}
	rep, err := CheckAudit(dir)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Records != 4 || len(rep.Breaks) != 1 || !strings.Contains(rep.Breaks[0].Previous, "intact, 1 records; record 3, where the chain continues, is not in it") {
		t.Fatalf("CheckAudit = %+v", rep)
	}
}

// TestAuditCrashWindow: the audit line is fsync'd before the index commits, so a crash
// can leave one record the index has not seen; that is the log, not a break.
func TestAuditCrashWindow(t *testing.T) {
	dir := t.TempDir()
	s, _ := openLogged(t, dir)
	mustPut(t, s)
	a := s.audit
	if err := a.lock(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.append(AuditRecord{Action: "quarantine", Actor: "sekisho"}); err != nil {
		t.Fatal(err)
	}
	a.unlock() // "crash" before the index commit
	s.Close()
	s2, _ := openLogged(t, dir)
	if err := s2.AuditErr(); err != nil {
		t.Fatalf("one unindexed record after a crash = %v, want healthy", err)
	}
	mustPut(t, s2)
	if n, err := VerifyAudit(dir); err != nil || n != 3 {
		t.Fatalf("VerifyAudit = %d, %v", n, err)
	}
}

func TestWalkChainRejects(t *testing.T) {
	g := genesisHash()
	tests := []struct {
		name, log, want string
	}{
		{"no newline at the end", `{"seq":1,"action":"x","actor":"a","prev":"` + g + `"}`, "no newline"},
		{"break record in the middle", `{"seq":1,"action":"x","actor":"a","prev":"` + g + `"}` + "\n" +
			`{"seq":2,"action":"audit-break","actor":"a","prev":"` + strings.Repeat("0", 64) + `"}` + "\n", "inside a segment"},
		{"break record without a hash", `{"seq":4,"action":"audit-break","actor":"a","prev":"x"}` + "\n", "malformed"},
		{"first record not from genesis", `{"seq":1,"action":"x","actor":"a","prev":"` + strings.Repeat("0", 64) + `"}` + "\n", "previous-hash mismatch"},
		{"over-long line", strings.Repeat("x", maxAuditLine+10) + "\n", "longer than"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := walkChain(strings.NewReader(tc.log), func(int64, string) {})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("walkChain = %v, want an error with %q", err, tc.want)
			}
		})
	}
}

// FuzzVerifyChain: any bytes as an audit log give a result or an *AuditError, never a
// panic, and a verified chain ends where its last record says.
func FuzzVerifyChain(f *testing.F) {
	dir := f.TempDir()
	s, err := openStore(dir, nil)
	if err != nil {
		f.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		s.Put(context.Background(), Record{Reason: "r"}, strings.NewReader("x"), "sekisho")
	}
	s.Close()
	data, _ := os.ReadFile(filepath.Join(dir, "audit.log"))
	f.Add(data)
	f.Add([]byte{})
	f.Add([]byte("{}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		end, err := verifyChain(bytes.NewReader(b), nil)
		var ae *AuditError
		if err != nil && !errors.As(err, &ae) {
			t.Fatalf("verifyChain error %v is not an *AuditError", err)
		}
		if err == nil && end.lastLen > int64(len(b)) {
			t.Fatalf("last line of %d bytes in %d bytes of input", end.lastLen, len(b))
		}
	})
}
