package quarantine

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func openTest(t *testing.T, dir string, key []byte, now func() time.Time) *Store {
	t.Helper()
	s, err := Open(Options{Dir: dir, Key: key, Now: now})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestPutOpenRoundTrip(t *testing.T) {
	key := make([]byte, 32)
	rand.Read(key)
	for _, tc := range []struct {
		name string
		key  []byte
		size int
	}{
		{"clear small", nil, 100},
		{"sealed empty", key, 0},
		{"sealed one chunk exactly", key, chunkSize},
		{"sealed multi chunk", key, 3*chunkSize + 17},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s := openTest(t, dir, tc.key, nil)
			body := make([]byte, tc.size)
			rand.Read(body)
			rec, err := s.Put(context.Background(), Record{Kind: "attachment", Reason: "encrypted archive", FileName: "a.zip"}, bytes.NewReader(body), "sekisho")
			if err != nil {
				t.Fatal(err)
			}
			if rec.Size != int64(tc.size) || rec.Status != Held || len(rec.SHA256) != 64 {
				t.Fatalf("Put = %+v", rec)
			}
			raw, _ := os.ReadFile(filepath.Join(dir, "blobs", rec.ID))
			if tc.key != nil && tc.size > 32 && bytes.Contains(raw, body[:32]) {
				t.Fatal("sealed blob contains plaintext")
			}
			rc, err := s.Open(context.Background(), rec.ID)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(rc)
			rc.Close()
			if err != nil || !bytes.Equal(got, body) {
				t.Fatalf("Open read %d bytes, %v; want %d identical", len(got), err, len(body))
			}
		})
	}
}

func TestSealedBlobTamper(t *testing.T) {
	key := make([]byte, 32)
	rand.Read(key)
	dir := t.TempDir()
	s := openTest(t, dir, key, nil)
	body := bytes.Repeat([]byte("secret "), 30000)
	rec, err := s.Put(context.Background(), Record{Reason: "x"}, bytes.NewReader(body), "t")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "blobs", rec.ID)
	raw, _ := os.ReadFile(path)
	for name, mutate := range map[string]func([]byte) []byte{
		"flipped byte": func(b []byte) []byte { c := bytes.Clone(b); c[len(c)/2] ^= 1; return c },
		"truncated at chunk": func(b []byte) []byte {
			return bytes.Clone(b[:len(sealMagic)+prefixLen+chunkSize+16])
		},
	} {
		t.Run(name, func(t *testing.T) {
			os.WriteFile(path, mutate(raw), 0o600)
			rc, err := s.Open(context.Background(), rec.ID)
			if err == nil {
				_, err = io.ReadAll(rc)
				rc.Close()
			}
			if !errors.Is(err, errSealed) {
				t.Fatalf("reading a tampered blob: %v, want errSealed", err)
			}
		})
	}
}

func TestListReleaseDeletePurge(t *testing.T) {
	now := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	dir := t.TempDir()
	s := openTest(t, dir, nil, clock)
	ctx := context.Background()
	put := func(from, rcpt, reason string) Record {
		r, err := s.Put(ctx, Record{MailFrom: from, Rcpts: []string{rcpt}, Reason: reason, Kind: "attachment"}, strings.NewReader("data "+reason), "sekisho")
		if err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Hour)
		return r
	}
	a := put("alice@example.com", "staff@city.lg.jp", "encrypted archive")
	b := put("bob@example.net", "soumu@city.lg.jp", "policy quarantines doc")
	c := put("carol@example.org", "staff@city.lg.jp", "encrypted: pdf")

	tests := []struct {
		name string
		f    Filter
		want []string
	}{
		{"all newest first", Filter{}, []string{c.ID, b.ID, a.ID}},
		{"by recipient", Filter{Recipient: "STAFF@city"}, []string{c.ID, a.ID}},
		{"by sender", Filter{Sender: "bob@"}, []string{b.ID}},
		{"by reason", Filter{Reason: "encrypted"}, []string{c.ID, a.ID}},
		{"by time", Filter{Since: b.Time, Until: c.Time}, []string{b.ID}},
		{"limit", Filter{Limit: 1}, []string{c.ID}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.List(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, r := range got {
				ids = append(ids, r.ID)
			}
			if strings.Join(ids, ",") != strings.Join(tc.want, ",") {
				t.Errorf("List(%+v) = %v, want %v", tc.f, ids, tc.want)
			}
		})
	}

	var delivered string
	rel, err := s.Release(ctx, a.ID, "operator1", func(r Record, body io.Reader) error {
		data, _ := io.ReadAll(body)
		delivered = string(data)
		return nil
	})
	if err != nil || rel.Status != Released || delivered != "data encrypted archive" {
		t.Fatalf("Release = %+v, %v, delivered %q", rel, err, delivered)
	}
	if _, err := s.Release(ctx, a.ID, "operator1", func(Record, io.Reader) error { return nil }); !errors.Is(err, ErrState) {
		t.Errorf("second release: %v, want ErrState", err)
	}
	if _, err := s.Release(ctx, b.ID, "op", func(Record, io.Reader) error { return errors.New("next hop down") }); err == nil {
		t.Error("release with failing delivery succeeded")
	}
	if r, _ := s.Get(ctx, b.ID); r.Status != Held {
		t.Errorf("failed release changed status to %s", r.Status)
	}
	if _, err := s.Delete(ctx, b.ID, "op"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "blobs", b.ID)); !os.IsNotExist(err) {
		t.Errorf("deleted blob still exists: %v", err)
	}
	if _, err := s.Get(ctx, "Q-nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get unknown: %v", err)
	}
	n, err := s.Purge(ctx, 90*time.Minute, "retention")
	if err != nil || n != 1 { // a (released, 3h old); b deleted already; c 1h old
		t.Fatalf("Purge = %d, %v; want 1", n, err)
	}
	if r, _ := s.Get(ctx, a.ID); r.Status != Expired || len(r.History) != 3 {
		t.Errorf("after purge a = %s with %d events", r.Status, len(r.History))
	}
	if seq, err := VerifyAudit(dir); err != nil || seq != 6 {
		t.Errorf("VerifyAudit = %d, %v; want 6 records, nil", seq, err)
	}
}

func TestVerifyAuditDetectsTampering(t *testing.T) {
	build := func(t *testing.T) (string, []string) {
		dir := t.TempDir()
		s, err := Open(Options{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 4; i++ {
			r, err := s.Put(context.Background(), Record{Reason: "r"}, strings.NewReader("x"), "sekisho")
			if err != nil {
				t.Fatal(err)
			}
			if i == 2 {
				s.Delete(context.Background(), r.ID, "op")
			}
		}
		s.Close()
		data, _ := os.ReadFile(filepath.Join(dir, "audit.log"))
		return dir, strings.SplitAfter(strings.TrimSuffix(string(data), "\n")+"\n", "\n")
	}
	tests := []struct {
		name   string
		mutate func([]string) []string
	}{
		{"edited middle line", func(l []string) []string {
			l[1] = strings.Replace(l[1], `"actor":"sekisho"`, `"actor":"mallory"`, 1)
			return l
		}},
		{"edited last line", func(l []string) []string {
			i := len(l) - 2
			l[i] = strings.Replace(l[i], `"actor":"sekisho"`, `"actor":"mallory"`, 1)
			return l
		}},
		{"removed line", func(l []string) []string { return append(l[:1], l[2:]...) }},
		{"reordered", func(l []string) []string { l[1], l[2] = l[2], l[1]; return l }},
		{"truncated tail", func(l []string) []string { return append(l[:len(l)-2], "") }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir, lines := build(t)
			if _, err := VerifyAudit(dir); err != nil {
				t.Fatalf("untouched log fails: %v", err)
			}
			os.WriteFile(filepath.Join(dir, "audit.log"), []byte(strings.Join(tc.mutate(lines), "")), 0o600)
			var ae *AuditError
			if _, err := VerifyAudit(dir); !errors.As(err, &ae) {
				t.Fatalf("VerifyAudit after %s = %v, want *AuditError", tc.name, err)
			}
			s, err := Open(Options{Dir: dir})
			if err != nil {
				t.Fatalf("Open after %s = %v; a broken log must not stop reads", tc.name, err)
			}
			defer s.Close()
			if err := s.AuditErr(); !errors.As(err, &ae) || !errors.Is(err, ErrAuditBroken) {
				t.Fatalf("AuditErr after %s = %v, want ErrAuditBroken with *AuditError", tc.name, err)
			}
		})
	}
}

// TestTwoProcessesShareTheAuditChain opens the store twice, as serve and the CLI do, and
// interleaves changes: the chain must stay intact.
func TestTwoProcessesShareTheAuditChain(t *testing.T) {
	dir := t.TempDir()
	a := openTest(t, dir, nil, nil)
	b := openTest(t, dir, nil, nil)
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		s := a
		if i%2 == 1 {
			s = b
		}
		r, err := s.Put(ctx, Record{Reason: "r"}, strings.NewReader("x"), "p")
		if err != nil {
			t.Fatal(err)
		}
		other := b
		if s == b {
			other = a
		}
		if _, err := other.Delete(ctx, r.ID, "op"); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := VerifyAudit(dir); err != nil || n != 10 {
		t.Fatalf("VerifyAudit = %d, %v; want 10, nil", n, err)
	}
}
