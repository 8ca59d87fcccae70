package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/quarantine"
	"github.com/sekisho/sekisho/quarantine/sqlite"
)

// seedItem is one held item for seedStore: its record, body and age.
type seedItem struct {
	rec  quarantine.Record
	body []byte
	age  time.Duration
}

// seedStore creates the quarantine of a data_dir the way serve does and holds items in
// it, each dated age ago. It returns their records, in order.
func seedStore(t *testing.T, dataDir string, key []byte, items ...seedItem) []quarantine.Record {
	t.Helper()
	b, err := sqlite.Open(sqlite.Options{Dir: filepath.Join(dataDir, "quarantine")})
	if err != nil {
		t.Fatal(err)
	}
	var now time.Time
	s, err := quarantine.New(b, quarantine.Options{Key: key, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var out []quarantine.Record
	for _, it := range items {
		now = time.Now().Add(-it.age)
		r, err := s.Put(context.Background(), it.rec, bytes.NewReader(it.body), quarantine.System)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// sekishoEnv is sekisho with extra environment variables (TZ).
func sekishoEnv(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code: code, stdout: out.String(), stderr: errb.String()}
}

func quarantineFixture(t *testing.T) (dir string, recs []quarantine.Record) {
	dir = t.TempDir()
	writeFiles(t, dir, map[string][]byte{"c.yaml": []byte("data_dir: data\n")})
	recs = seedStore(t, filepath.Join(dir, "data"), nil,
		seedItem{quarantine.Record{Kind: quarantine.KindAttachment, Direction: quarantine.Inbound, MailFrom: "keiri@example.co.jp",
			Rcpts: []string{"staff@city.lg.jp"}, FileName: "請求書（十一月分）.zip", Reason: "encrypted archive"}, []byte("zip"), 48 * time.Hour},
		seedItem{quarantine.Record{Kind: quarantine.KindAttachment, Direction: quarantine.Inbound, MailFrom: "a@example.com",
			Rcpts: []string{"staff@city.lg.jp"}, FileName: "a.zip", Reason: "encrypted archive"}, []byte("zip"), 2 * time.Hour},
		seedItem{quarantine.Record{Kind: quarantine.KindAttachment, Direction: quarantine.Inbound, MailFrom: "x@example.com",
			FileName: "evil\x1b[2J\u202egpj.exe", Reason: "policy quarantines unknown"}, []byte("??"), time.Minute})
	return dir, recs
}

// TestQuarantineCLISurprises is issue 9 item 7, one case per surprise a new user hit.
func TestQuarantineCLISurprises(t *testing.T) {
	dir, recs := quarantineFixture(t)
	run := func(args ...string) result { return sekisho(t, dir, nil, append(args, "--config", "c.yaml")...) }

	t.Run("no store refuses instead of creating one", func(t *testing.T) {
		empty := t.TempDir()
		writeFiles(t, empty, map[string][]byte{"c.yaml": []byte("data_dir: nowhere\n")})
		for _, args := range [][]string{{"list"}, {"show", recs[0].ID}, {"purge"}, {"verify-audit"}, {"delete", recs[0].ID}} {
			r := sekisho(t, empty, nil, append(append([]string{"quarantine"}, args...), "--config", "c.yaml")...)
			if r.code != exitUsage || !strings.Contains(r.stderr, "no quarantine store in") {
				t.Errorf("quarantine %s on no store: %d %q", args[0], r.code, r.stderr)
			}
		}
		if _, err := os.Stat(filepath.Join(empty, "nowhere")); !errors.Is(err, os.ErrNotExist) {
			t.Error("a quarantine command created a store")
		}
	})
	t.Run("no such item has its own exit status", func(t *testing.T) {
		for _, args := range [][]string{{"show", "Q20990101-000000000000"}, {"delete", "Q20990101-000000000000"},
			{"release", "Q20990101-000000000000", "--reason", "x"}} {
			if r := run(append([]string{"quarantine"}, args...)...); r.code != exitNotFound || !strings.Contains(r.stderr, "no such item") {
				t.Errorf("quarantine %s unknown: %d %q", args[0], r.code, r.stderr)
			}
		}
	})
	t.Run("status validated", func(t *testing.T) {
		r := run("quarantine", "list", "--status", "hold")
		if r.code != exitUsage || !strings.Contains(r.stderr, `--status "hold": want one of held, release-requested, released, deleted, expired`) {
			t.Fatalf("list --status hold: %d %q", r.code, r.stderr)
		}
		if r := run("quarantine", "list", "--status", "held", "--limit", "0"); r.code != exitUsage {
			t.Errorf("list --limit 0: %d", r.code)
		}
	})
	t.Run("japanese names aligned by display width, control characters escaped", func(t *testing.T) {
		r := run("quarantine", "list")
		if r.code != 0 {
			t.Fatalf("list: %d %s", r.code, r.stderr)
		}
		t.Logf("quarantine list:\n%s", r.stdout)
		lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
		if len(lines) != 4 {
			t.Fatalf("list printed %d lines:\n%s", len(lines), r.stdout)
		}
		col := -1
		for _, l := range lines {
			i := strings.Index(l, "REASON")
			if i < 0 {
				i = strings.Index(l, "encrypted archive")
			}
			if i < 0 {
				i = strings.Index(l, "policy quarantines")
			}
			if c := displayWidth(l[:i]); col == -1 {
				col = c
			} else if c != col {
				t.Errorf("REASON column at %d in %q, %d in the header", c, l, col)
			}
		}
		if strings.ContainsAny(r.stdout, "\x1b\u202e") || !strings.Contains(r.stdout, `evil\x1b[2J\u202egpj.exe`) {
			t.Errorf("control characters reached the terminal:\n%q", r.stdout)
		}
	})
	t.Run("one time zone, local with offset", func(t *testing.T) {
		tz := []string{"TZ=Asia/Tokyo"}
		offset := regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+09:00`)
		list := sekishoEnv(t, dir, tz, "quarantine", "list", "--config", "c.yaml")
		show := sekishoEnv(t, dir, tz, "quarantine", "show", recs[1].ID, "--config", "c.yaml")
		if n := len(offset.FindAllString(list.stdout, -1)); n != 3 {
			t.Errorf("list shows %d times with +09:00, want 3:\n%s", n, list.stdout)
		}
		if n := len(offset.FindAllString(show.stdout, -1)); n != 2 { // the item and its history entry
			t.Errorf("show shows %d times with +09:00, want 2:\n%s", n, show.stdout)
		}
		js := sekishoEnv(t, dir, tz, "quarantine", "show", recs[1].ID, "--json", "--config", "c.yaml")
		var got struct{ Time string }
		if err := json.Unmarshal([]byte(js.stdout), &got); err != nil || !strings.HasSuffix(got.Time, "+09:00") {
			t.Errorf("show --json time = %q (%v), want +09:00", got.Time, err)
		}
	})
	t.Run("delete twice is a state error", func(t *testing.T) {
		if r := run("quarantine", "delete", recs[2].ID, "--reason", "malware"); r.code != 0 {
			t.Fatalf("delete: %d %s", r.code, r.stderr)
		}
		if r := run("quarantine", "delete", recs[2].ID); r.code != exitState {
			t.Errorf("second delete: %d %q, want %d", r.code, r.stderr, exitState)
		}
	})
	t.Run("purge --older-than honoured", func(t *testing.T) {
		steps := []struct {
			args []string
			code int
			out  string
		}{
			{[]string{"--older-than", "-1h"}, exitUsage, ""},
			{[]string{"--older-than", "1w"}, exitUsage, ""},
			{nil, 0, "purged 0 items older than 720h0m0s"}, // quarantine.retention
			{[]string{"--older-than", "1d"}, 0, "purged 1 items older than 24h0m0s"},
			{[]string{"--older-than", "0"}, 0, "purged 1 items older than 0s"},
		}
		for _, s := range steps {
			r := run(append([]string{"quarantine", "purge"}, s.args...)...)
			if r.code != s.code || !strings.Contains(r.stdout, s.out) {
				t.Fatalf("purge %v: %d %q %q, want %d %q", s.args, r.code, r.stdout, r.stderr, s.code, s.out)
			}
		}
		for _, rec := range recs[:2] {
			if r := run("quarantine", "show", rec.ID, "--json"); !strings.Contains(r.stdout, `"status": "expired"`) {
				t.Errorf("%s not expired after purge --older-than 0", rec.ID)
			}
		}
	})
}

// TestQuarantineExportSanitized: an operator looks at a held PDF with JavaScript safely:
// show --export-sanitized unseals the original, renders every page to an image-only PDF,
// records the view in the audit log and writes the file; what cannot be rendered is
// refused with exit 3 and nothing is written.
func TestQuarantineExportSanitized(t *testing.T) {
	dir := t.TempDir()
	key := make([]byte, 32)
	rand.Read(key)
	pdf, err := os.ReadFile(filepath.Join("..", "..", "testdata", "pdf", "hostile-js-openaction.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string][]byte{
		"c.yaml": []byte("data_dir: data\nquarantine:\n  key_file: q.key\n"),
		"q.key":  []byte(hex.EncodeToString(key)),
	})
	recs := seedStore(t, filepath.Join(dir, "data"), key,
		seedItem{quarantine.Record{Kind: quarantine.KindAttachment, FileName: "見積書.pdf", DeclaredType: "application/pdf", Reason: "test"}, pdf, time.Hour},
		seedItem{quarantine.Record{Kind: quarantine.KindAttachment, FileName: "blob.bin", Reason: "unknown"}, []byte{0, 1, 2, 3, 4, 5, 250, 251}, time.Hour})
	if blob, _ := os.ReadFile(filepath.Join(dir, "data", "quarantine", "blobs", recs[0].ID)); bytes.Contains(blob, []byte("%PDF")) {
		t.Fatal("the held original is not sealed")
	}

	r := sekisho(t, dir, nil, "quarantine", "show", recs[0].ID, "--export-sanitized", "view.pdf", "--config", "c.yaml", "--actor", "op1")
	if r.code != 0 {
		t.Fatalf("export: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	out, _ := os.ReadFile(filepath.Join(dir, "view.pdf"))
	if !bytes.HasPrefix(out, []byte("%PDF-")) || bytes.Contains(out, []byte("/JavaScript")) || bytes.Contains(out, []byte("/OpenAction")) {
		t.Fatalf("exported file is not a clean PDF (%d bytes)", len(out))
	}
	if !strings.Contains(r.stderr, "rasterized") || !strings.Contains(r.stdout, "見積書.pdf") {
		t.Errorf("export output:\n%s%s", r.stdout, r.stderr)
	}
	audit, _ := os.ReadFile(filepath.Join(dir, "data", "quarantine", "audit.log"))
	if !bytes.Contains(audit, []byte(`"action":"view"`)) || !bytes.Contains(audit, []byte(`"actor":"op1"`)) {
		t.Errorf("the export is not in the audit log:\n%s", audit)
	}

	r = sekisho(t, dir, nil, "quarantine", "show", recs[1].ID, "--export-sanitized", "blob.out", "--config", "c.yaml")
	if r.code != exitRefused || !strings.Contains(r.stderr, "cannot be exported safely") {
		t.Errorf("export of unknown content: %d %q", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "blob.out")); !errors.Is(err, os.ErrNotExist) {
		t.Error("a refused export left a file")
	}
	if r := sekisho(t, dir, nil, "quarantine", "show", recs[0].ID, "--export-sanitized", "no/dir/x.pdf", "--config", "c.yaml"); r.code != exitUsage {
		t.Errorf("export into a missing directory: %d %q", r.code, r.stderr)
	}
}
