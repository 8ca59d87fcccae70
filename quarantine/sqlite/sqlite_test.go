package sqlite

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/quarantine"
	"github.com/sekisho/sekisho/quarantine/quarantinetest"
)

func open(t *testing.T, dir string) *Backend {
	t.Helper()
	b, err := Open(Options{Dir: dir})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return b
}

func TestConformance(t *testing.T) {
	quarantinetest.Run(t, func(t *testing.T) quarantine.Backend { return open(t, t.TempDir()) })
}

func service(t *testing.T, dir string, key []byte) *quarantine.Service {
	t.Helper()
	s, err := quarantine.New(open(t, dir), quarantine.Options{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSealedBlobOnDiskAndTamper(t *testing.T) {
	key := make([]byte, 32)
	rand.Read(key)
	dir := t.TempDir()
	s := service(t, dir, key)
	ctx := context.Background()
	body := bytes.Repeat([]byte("secret "), 30000)
	rec, err := s.Put(ctx, quarantine.Record{Reason: "x"}, bytes.NewReader(body), quarantine.System)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "blobs", rec.ID)
	raw, _ := os.ReadFile(path)
	if bytes.Contains(raw, body[:64]) {
		t.Fatal("sealed blob contains plaintext")
	}
	t.Run("no key configured", func(t *testing.T) {
		clear := service(t, dir, nil)
		if _, err := clear.Open(ctx, rec.ID); err == nil || !strings.Contains(err.Error(), "quarantine.key_file") {
			t.Errorf("Open(sealed) without a key = %v, want an error naming quarantine.key_file", err)
		}
	})
	for _, tc := range []struct {
		name   string
		mutate func([]byte) []byte
	}{
		{"flipped byte", func(b []byte) []byte { c := bytes.Clone(b); c[len(c)/2] ^= 1; return c }},
		{"truncated at chunk", func(b []byte) []byte { return bytes.Clone(b[:4+7+64<<10+16]) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			os.WriteFile(path, tc.mutate(raw), 0o600)
			rc, err := s.Open(ctx, rec.ID)
			if err == nil {
				_, err = io.ReadAll(rc)
				rc.Close()
			}
			if err == nil || !strings.Contains(err.Error(), "corrupt") {
				t.Fatalf("reading a tampered blob: %v, want the seal error", err)
			}
		})
	}
}

func TestVerifyAuditDetectsTampering(t *testing.T) {
	build := func(t *testing.T) (string, []string) {
		dir := t.TempDir()
		b := open(t, dir)
		s, _ := quarantine.New(b, quarantine.Options{})
		for i := 0; i < 4; i++ {
			r, err := s.Put(context.Background(), quarantine.Record{Reason: "r"}, strings.NewReader("x"), quarantine.System)
			if err != nil {
				t.Fatal(err)
			}
			if i == 2 {
				s.Delete(context.Background(), r.ID, "op", "junk")
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
			if n, err := VerifyAudit(dir); err != nil || n != 5 {
				t.Fatalf("untouched log: %d, %v; want 5, nil", n, err)
			}
			os.WriteFile(filepath.Join(dir, "audit.log"), []byte(strings.Join(tc.mutate(lines), "")), 0o600)
			var ae *AuditError
			if _, err := VerifyAudit(dir); !errors.As(err, &ae) {
				t.Fatalf("VerifyAudit after %s = %v, want *AuditError", tc.name, err)
			}
			b, err := Open(Options{Dir: dir})
			if err != nil {
				t.Fatalf("Open after %s = %v; a broken log must not stop reads", tc.name, err)
			}
			defer b.Close()
			if err := b.Health(context.Background()); !errors.As(err, &ae) || !errors.Is(err, ErrAuditBroken) {
				t.Fatalf("Health after %s = %v, want ErrAuditBroken with *AuditError", tc.name, err)
			}
		})
	}
}

// TestTwoProcessesShareTheAuditChain opens the store twice, as serve and the CLI do, and
// interleaves changes: the chain must stay intact.
func TestTwoProcessesShareTheAuditChain(t *testing.T) {
	dir := t.TempDir()
	a, b := service(t, dir, nil), service(t, dir, nil)
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		s, other := a, b
		if i%2 == 1 {
			s, other = b, a
		}
		r, err := s.Put(ctx, quarantine.Record{Reason: "r"}, strings.NewReader("x"), "p")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := other.Delete(ctx, r.ID, "op", "junk"); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := VerifyAudit(dir); err != nil || n != 10 {
		t.Fatalf("VerifyAudit = %d, %v; want 10, nil", n, err)
	}
}

// A store written before the schema was versioned (history as JSON in the items row)
// opens, its history moves to the events table, and its audit chain still verifies.
func TestMigratesUnversionedStore(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "blobs"), 0o700)
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "index.db"))
	if err != nil {
		t.Fatal(err)
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if err := schema[0](context.Background(), tx); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	hist := `[{"time":"2026-11-01T09:00:00.5Z","action":"quarantine","actor":"sekisho","detail":"encrypted archive"},` +
		`{"time":"2026-11-02T10:00:00Z","action":"release","actor":"op"}]`
	if _, err := db.Exec(`INSERT INTO items (id, time, kind, direction, queue_id, mail_from, rcpts, subject, file_name,
		declared_type, detected_type, size, sha256, reason, status, history) VALUES
		('Q20261101-AAAAAAAAAAAA', ?, 'attachment', 'inbound', 'QID', 'a@example.com', '["x@city.lg.jp"]', 's', 'f.zip',
		'', 'application/zip', 1, 'h', 'encrypted archive', 'released', ?)`,
		time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC).UnixNano(), hist); err != nil {
		t.Fatal(err)
	}
	db.Close()
	os.WriteFile(filepath.Join(dir, "blobs", "Q20261101-AAAAAAAAAAAA"), []byte("x"), 0o600)

	s := service(t, dir, nil)
	r, err := s.Get(context.Background(), "Q20261101-AAAAAAAAAAAA")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.History) != 2 || r.History[0].Detail != "encrypted archive" || r.History[1].Action != quarantine.ActRelease ||
		!r.History[0].Time.Equal(time.Date(2026, 11, 1, 9, 0, 0, 5e8, time.UTC)) || r.Rcpts[0] != "x@city.lg.jp" {
		t.Errorf("migrated record = %+v", r)
	}
	// Opening again applies nothing twice.
	s.Close()
	s = service(t, dir, nil)
	if r2, _ := s.Get(context.Background(), r.ID); len(r2.History) != 2 {
		t.Errorf("history after reopening: %d events", len(r2.History))
	}
}

// Another component adds its tables through Migrate: each step once, in order, and a
// program older than the data refuses to touch it.
func TestMigrateForAnotherComponent(t *testing.T) {
	dir := t.TempDir()
	b := open(t, dir)
	defer b.Close()
	ctx := context.Background()
	steps := []Step{
		SQL(`CREATE TABLE accounts (name TEXT PRIMARY KEY)`),
		SQL(`ALTER TABLE accounts ADD COLUMN role TEXT NOT NULL DEFAULT 'staff'`),
	}
	if err := b.Migrate(ctx, "portal", steps[:1]); err != nil {
		t.Fatal(err)
	}
	if err := b.Migrate(ctx, "portal", steps); err != nil {
		t.Fatal(err)
	}
	if err := b.Migrate(ctx, "portal", steps); err != nil {
		t.Fatalf("Migrate at the current version: %v", err)
	}
	if _, err := b.DB().Exec(`INSERT INTO accounts (name) VALUES ('alice')`); err != nil {
		t.Fatal(err)
	}
	var role string
	b.DB().QueryRow(`SELECT role FROM accounts`).Scan(&role)
	if role != "staff" {
		t.Errorf("role = %q after both steps", role)
	}
	if err := b.Migrate(ctx, "portal", steps[:1]); err == nil || !strings.Contains(err.Error(), "older than the data") {
		t.Errorf("Migrate with fewer steps than applied = %v", err)
	}
	failing := append(steps, SQL(`CREATE TABLE accounts (x)`))
	if err := b.Migrate(ctx, "portal", failing); err == nil {
		t.Error("a failing step reported success")
	}
	var v int
	b.DB().QueryRow(`SELECT version FROM schema_versions WHERE component = 'portal'`).Scan(&v)
	if v != 2 {
		t.Errorf("version after a failing step = %d, want 2", v)
	}
}

// TestConformanceBroadMatches runs the suite with every substring match counted as broad,
// so the plans that walk the sort order (LIKE for caseless text, the index otherwise)
// must answer what the index plan answers.
func TestConformanceBroadMatches(t *testing.T) {
	defer func(n int) { broadMatch = n }(broadMatch)
	broadMatch = 0
	quarantinetest.Run(t, func(t *testing.T) quarantine.Backend { return open(t, t.TempDir()) })
}

func TestCaseless(t *testing.T) {
	for v, want := range map[string]bool{"encrypted": true, "ENCRYPTED archive": true, "請求書": true, "１２３": true,
		"résumé": false, "ＡＢＣ": false, "Ωmega": false, "straße": false} {
		if got := caseless(v); got != want {
			t.Errorf("caseless(%q) = %v", v, got)
		}
	}
}
