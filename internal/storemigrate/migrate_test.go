package storemigrate

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/gateway/portal"
	"github.com/sekisho/sekisho/gateway/portal/accounts"
	"github.com/sekisho/sekisho/gateway/transfer"
	"github.com/sekisho/sekisho/gateway/transfer/pgblobs"
	"github.com/sekisho/sekisho/internal/pgtest"
	"github.com/sekisho/sekisho/quarantine"
	"github.com/sekisho/sekisho/quarantine/postgres"
	"github.com/sekisho/sekisho/quarantine/sqlite"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var schemas = map[string]quarantine.Schema{"accounts": accounts.Schema, "portal": portal.Schema}

// populate fills an embedded store the way a running gateway does: items of every kind
// and state (sealed originals of several sizes, released with a pending hand-off,
// deleted, expired, two-person requests), accesses in the audit log, portal users and
// sessions, PPAP tries and statistics.
func populate(t *testing.T, dir string, key []byte) {
	t.Helper()
	ctx := context.Background()
	b, err := sqlite.Open(sqlite.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	s, err := quarantine.New(b, quarantine.Options{Key: key, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var ids []string
	for i, size := range []int{0, 100, 64 << 10, 3*(64<<10) + 17, 1 << 20} {
		body := make([]byte, size)
		rand.Read(body)
		r, err := s.Put(ctx, quarantine.Record{Kind: quarantine.KindAttachment, Direction: quarantine.Inbound,
			MailFrom: "a@example.com", Rcpts: []string{"staff@city.lg.jp", "soumu@city.lg.jp"},
			Subject: "請求書 " + strings.Repeat("x", i), FileName: "請求書.zip", Reason: "encrypted archive",
			DeclaredType: "application/zip", DetectedType: "zip"}, bytes.NewReader(body), quarantine.System)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
		now = now.Add(time.Hour)
	}
	must := func(_ quarantine.Record, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.Release(ctx, ids[0], quarantine.ReleaseRequest{Actor: "op", Reason: "sender confirmed", Rcpts: []string{"staff@city.lg.jp"}}))
	must(s.Delete(ctx, ids[1], "op", "junk"))
	must(s.RequestRelease(ctx, ids[2], quarantine.ReleaseRequest{Actor: "staff", Reason: "mine"}))
	if err := s.Audit(ctx, quarantine.AuditEntry{Action: quarantine.ActView, ID: ids[3], Actor: "op"}); err != nil {
		t.Fatal(err)
	}
	now = now.Add(48 * time.Hour)
	if _, err := s.Purge(ctx, 52*time.Hour+30*time.Minute, quarantine.Retention); err != nil { // expires ids[0] only
		t.Fatal(err)
	}
	if err := b.MigrateSchema(ctx, "accounts", accounts.Schema); err != nil {
		t.Fatal(err)
	}
	if err := b.MigrateSchema(ctx, "portal", portal.Schema); err != nil {
		t.Fatal(err)
	}
	st := accounts.New(b.DB(), nil)
	if err := st.CreateUser(ctx, accounts.User{Name: "op", Roles: accounts.Roles{accounts.Operator}}, "$argon2id$x"); err != nil {
		t.Fatal(err)
	}
	if err := st.SetTOTP(ctx, "op", []byte("0123456789abcdefghij")); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Secret(ctx, "web", 32); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.NewSession(ctx, "op", accounts.Roles{accounts.Operator}, accounts.Full, "127.0.0.1", "ja"); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO portal_ppap (item_id, failures, locked_until) VALUES ('` + ids[3] + `', 2, 0)`,
		`INSERT INTO portal_stats (day, metric, label, n) VALUES ('2026-11-01', 'verdict', 'clean', 12), ('2026-11-01', 'verdict', '', 12)`,
	} {
		if _, err := b.DB().ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
}

// rows dumps a table in a stable order as text, for comparing the two sides.
func dumpSearch(t *testing.T, s *quarantine.Service) []quarantine.Record {
	t.Helper()
	ctx := context.Background()
	p, err := s.Search(ctx, quarantine.Query{Asc: true, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var out []quarantine.Record
	for _, r := range p.Records {
		full, err := s.Get(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, full)
	}
	return out
}

func originalSum(t *testing.T, s *quarantine.Service, id string) string {
	t.Helper()
	rc, err := s.Open(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	h := sha256.New()
	io.Copy(h, rc)
	return hex.EncodeToString(h.Sum(nil))
}

// TestMigrateLosesNothing moves a populated store, with and without the quarantine key:
// with it, held originals stay sealed and transfer files are sealed in the copy.
func TestMigrateLosesNothing(t *testing.T) {
	key := make([]byte, 32)
	rand.Read(key)
	t.Run("plain", func(t *testing.T) { testMigrate(t, nil) })
	t.Run("sealed", func(t *testing.T) { testMigrate(t, key) })
}

func testMigrate(t *testing.T, key []byte) {
	ctx := context.Background()
	dir := t.TempDir()
	populate(t, dir, key)

	src, err := sqlite.Open(sqlite.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := postgres.Open(ctx, postgres.Options{URL: pgtest.Shared(t).NewDB(t), Node: "node-a"})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	tdir, staged, output := transferFiles(t)
	rep, err := Migrate(ctx, src, dst, schemas, tdir, key)
	if err != nil {
		t.Fatal(err)
	}
	if rep.TransferFiles != 2 {
		t.Errorf("copied %d transfer files, want 2", rep.TransferFiles)
	}
	pb, err := pgblobs.Open(ctx, dst.Pool(), 0, key)
	if err != nil {
		t.Fatal(err)
	}
	var sealed, found int
	if err := dst.Pool().QueryRow(ctx, `SELECT
		(SELECT count(*) FROM transfer_staged_lo WHERE sealed) + (SELECT count(*) FROM transfer_blob_lo WHERE sealed),
		(SELECT count(*) FROM pg_largeobject WHERE position($1::bytea IN data) > 0 OR position($2::bytea IN data) > 0)`,
		staged[1000:1032], output[1000:1032]).Scan(&sealed, &found); err != nil {
		t.Fatal(err)
	}
	if key != nil && (sealed != 2 || found != 0) {
		t.Errorf("with the key: %d of 2 transfer files sealed, plaintext found in %d large-object pages", sealed, found)
	}
	if key == nil && (sealed != 0 || found == 0) {
		t.Errorf("without a key: %d transfer files sealed, plaintext in %d pages", sealed, found)
	}
	if key != nil {
		nokey, _ := pgblobs.Open(ctx, dst.Pool(), 0, nil)
		if _, err := nokey.ReadStaged(stagedID); err == nil {
			t.Error("a sealed upload opened without the key")
		}
	}
	if r, err := pb.ReadStaged(stagedID); err != nil {
		t.Error(err)
	} else if got, _ := io.ReadAll(r); !bytes.Equal(got, staged) {
		t.Errorf("the staged upload differs after migration")
	}
	sum := sha256.Sum256(output)
	if r, err := pb.Open(hex.EncodeToString(sum[:])); err != nil {
		t.Error(err)
	} else if got, _ := io.ReadAll(r); !bytes.Equal(got, output) {
		t.Errorf("the transfer output differs after migration")
	}
	want := map[string]int64{"items": 5, "events": 9, "handoffs": 1, "portal_users": 1, "portal_sessions": 1,
		"portal_meta": 1, "portal_ppap": 1, "portal_stats": 2}
	for tab, n := range want {
		if rep.Tables[tab] != n {
			t.Errorf("copied %d rows of %s, want %d (report %v)", rep.Tables[tab], tab, n, rep.Tables)
		}
	}
	if rep.Originals != 3 || rep.AuditRecords != 10 {
		t.Errorf("report: %d originals, %d audit records; want 3 and 10", rep.Originals, rep.AuditRecords)
	}

	// The same service view on both sides: records, histories, states, originals.
	ss, _ := quarantine.New(src, quarantine.Options{Key: key})
	ds, _ := quarantine.New(dst, quarantine.Options{Key: key})
	a, b := dumpSearch(t, ss), dumpSearch(t, ds)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("records differ after migration:\nsqlite   %+v\npostgres %+v", a, b)
	}
	for _, r := range b {
		if r.Status.HasOriginal() {
			if got := originalSum(t, ds, r.ID); got != r.SHA256 {
				t.Errorf("original of %s: sha256 %s, the record says %s", r.ID, got, r.SHA256)
			}
		}
	}
	sn, _ := ss.Verify(ctx)
	if dn, err := ds.Verify(ctx); err != nil || dn != sn {
		t.Errorf("Verify after migration = %d, %v; the source has %d", dn, err, sn)
	}
	hs, err := ds.ClaimHandoffs(ctx, "node-a", time.Minute, 10)
	if err != nil || len(hs) != 1 || hs[0].Reason != "sender confirmed" {
		t.Errorf("pending hand-offs after migration = %+v, %v", hs, err)
	}
	sa, da := accounts.New(src.DB(), nil), accounts.New(dst.DB(), nil)
	su, _ := sa.Users(ctx)
	du, err := da.Users(ctx)
	if err != nil || !reflect.DeepEqual(su, du) {
		t.Errorf("users differ: %+v / %+v, %v", su, du, err)
	}
	s1, _ := sa.Secret(ctx, "web", 32)
	if s2, err := da.Secret(ctx, "web", 32); err != nil || !bytes.Equal(s1, s2) {
		t.Errorf("the web secret changed in migration")
	}

	// The chain goes on in PostgreSQL from where the embedded store's ended.
	r, err := ds.Put(ctx, quarantine.Record{Reason: "after"}, strings.NewReader("x"), quarantine.System)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ds.Delete(ctx, r.ID, "op", "done"); err != nil {
		t.Fatal(err)
	}
	if n, err := ds.Verify(ctx); err != nil || n != sn+2 {
		t.Errorf("Verify after two more changes = %d, %v; want %d", n, err, sn+2)
	}

	// A second run finds the destination in use and changes nothing.
	if _, err := Migrate(ctx, src, dst, schemas, "", nil); err == nil || !strings.Contains(err.Error(), "already holds a store") {
		t.Errorf("Migrate into a used database = %v, want a refusal", err)
	}
}

const stagedID = "FABCDEFGHIJKLMNOPQRSTUVWXYZ"

// transferFiles writes an upload in progress and a sanitized output the way the file
// transfer keeps them in the embedded store.
func transferFiles(t *testing.T) (dir string, staged, output []byte) {
	t.Helper()
	dir = t.TempDir()
	fb, err := transfer.OpenFileBlobs(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer fb.Close()
	staged, output = make([]byte, 300<<10), make([]byte, 70<<10)
	rand.Read(staged)
	rand.Read(output)
	w, err := fb.AppendStaged(stagedID, 0)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(staged)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	bw, err := fb.Create()
	if err != nil {
		t.Fatal(err)
	}
	bw.Write(output)
	if _, _, err := bw.Commit(); err != nil {
		t.Fatal(err)
	}
	return dir, staged, output
}

// TestMigrateRefusesADamagedTransferFile: an output whose bytes no longer match its name
// stops the migration; nothing is committed.
func TestMigrateRefusesADamagedTransferFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	populate(t, dir, nil)
	tdir, _, output := transferFiles(t)
	sum := sha256.Sum256(output)
	name := hex.EncodeToString(sum[:])
	os.WriteFile(filepath.Join(tdir, "blobs", name[:2], name), append(output, 'x'), 0o600)
	src, err := sqlite.Open(sqlite.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := postgres.Open(ctx, postgres.Options{URL: pgtest.Shared(t).NewDB(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if _, err := Migrate(ctx, src, dst, schemas, tdir, nil); err == nil || !strings.Contains(err.Error(), "hash to") {
		t.Fatalf("Migrate with a damaged transfer output = %v", err)
	}
	var n int
	dst.Pool().QueryRow(ctx, `SELECT count(*) FROM items`).Scan(&n)
	if n != 0 {
		t.Errorf("%d items committed by a refused migration", n)
	}
}

func TestMigrateRefusesABrokenChain(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	populate(t, dir, nil)
	log := filepath.Join(dir, "audit.log")
	b, _ := os.ReadFile(log)
	os.WriteFile(log, bytes.Replace(b, []byte(`"actor":"op"`), []byte(`"actor":"xx"`), 1), 0o600)
	src, err := sqlite.Open(sqlite.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := postgres.Open(ctx, postgres.Options{URL: pgtest.Shared(t).NewDB(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if _, err := Migrate(ctx, src, dst, schemas, "", nil); err == nil {
		t.Fatal("Migrate of a store whose audit log was edited succeeded")
	}
	var n int
	dst.Pool().QueryRow(ctx, `SELECT count(*) FROM items`).Scan(&n)
	if n != 0 {
		t.Errorf("%d items copied from a store that was refused", n)
	}
}
