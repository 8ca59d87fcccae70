package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sekisho/sekisho/gateway/portal/accounts"
	"github.com/sekisho/sekisho/gateway/portal/web/webtest"
	"github.com/sekisho/sekisho/internal/pgtest"
	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/quarantine"
	"github.com/sekisho/sekisho/quarantine/postgres"
	"github.com/sekisho/sekisho/quarantine/sqlite"
)

// purgeEvery is the nodes' quarantine.purge_interval in these tests: short enough to see
// several purges, long enough that two nodes purging in one interval would show.
const purgeEvery = 2 * time.Second

// node is one `sekisho serve` of a store several nodes share.
type node struct {
	*servedGateway
	name, dir string
	internet  string // the transfer service's Internet side
}

// nodeConfig writes the configuration of node name on the shared store dbURL, delivering
// to the sink at sinkAddr, and returns its path.
func nodeConfig(t *testing.T, root, name, dbURL, sinkAddr string) (cfgPath, smtpAddr, httpAddr, internetAddr string) {
	t.Helper()
	dir := filepath.Join(root, name)
	os.MkdirAll(dir, 0o755)
	smtpAddr, httpAddr, internetAddr = freeAddr(t), freeAddr(t), freeAddr(t)
	cfgPath = filepath.Join(dir, "sekisho.yaml")
	// Both nodes seal with one key: held originals and transfer files.
	keyFile := filepath.Join(root, "quarantine.key")
	if _, err := os.Stat(keyFile); err != nil {
		os.WriteFile(keyFile, []byte(strings.Repeat("5e", 32)+"\n"), 0o600)
	}
	err := os.WriteFile(cfgPath, []byte(fmt.Sprintf(`data_dir: %s
store: %s
node: %s
postgres:
  leader_check: 200ms
quarantine:
  key_file: %s
  retention: 1h
  purge_interval: %s
smtp:
  listen: %s
  hostname: %s.city.lg.jp
  domains: [city.lg.jp]
delivery:
  retry_base: 1s
  routes:
    "*": smtp://%s?tls=none
http:
  listen: %s
transfer:
  enabled: true
  internet_listen: %s
`, filepath.Join(dir, "data"), dbURL, name, keyFile, purgeEvery, smtpAddr, name, sinkAddr, httpAddr, internetAddr)), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	return cfgPath, smtpAddr, httpAddr, internetAddr
}

func startNode(t *testing.T, root, name, dbURL, sinkAddr string) *node {
	t.Helper()
	cfgPath, smtpAddr, httpAddr, internetAddr := nodeConfig(t, root, name, dbURL, sinkAddr)
	dir := filepath.Dir(cfgPath)
	n := &node{servedGateway: startServe(t, dir, cfgPath, smtpAddr, httpAddr, ""), name: name, dir: dir,
		internet: "https://" + internetAddr}
	waitPort(t, internetAddr)
	return n
}

// restart starts the node again on the same configuration (its spool is kept).
func (n *node) restart(t *testing.T) {
	t.Helper()
	n.servedGateway = startServe(t, n.dir, n.cfgPath, n.smtpAddr, strings.TrimPrefix(n.httpURL, "http://"), "")
	waitPort(t, strings.TrimPrefix(n.internet, "https://"))
}

// job is a row of the store's table of work that runs on one node.
type job struct {
	last time.Time
	node string
}

// TestSharedStoreNodes runs two `sekisho serve` on one PostgreSQL database (issue 15):
// an item quarantined on A is released from B's portal and delivered to the sink; the
// retention purge runs on one node at a time and moves to B when A is killed with
// SIGKILL in the middle of receiving mail; B carries on; the audit chain, written by
// both, verifies as one; A restarted delivers what it had accepted.
func TestSharedStoreNodes(t *testing.T) {
	swaks := testtool.Need(t, "swaks")
	curl := testtool.Need(t, "curl")
	ctx := context.Background()
	cluster := pgtest.New(t, pgtest.Options{})
	dbURL := cluster.NewDB(t)
	root := t.TempDir()
	sinkDir, err := os.MkdirTemp("", "sekisho-sink-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(sinkDir) })
	sinkAddr := postfixSink(t, sinkDir)
	zipEnc, err := os.ReadFile(filepath.Join("..", "..", "testdata", "archive", "bad-zipcrypto.zip"))
	if err != nil {
		t.Fatal(err)
	}
	held := func(subject string) []byte {
		return buildMail(subject, "<p>資料を送ります。</p>", attachment("資料.zip", "application/zip", zipEnc))
	}

	a := startNode(t, root, "node-a", dbURL, sinkAddr)
	// The store as the test sees it (items with old times for the purge, the jobs table).
	db, err := postgres.Open(ctx, postgres.Options{URL: dbURL, Node: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	jobRow := func() job {
		var j job
		var ns int64
		db.Pool().QueryRow(ctx, `SELECT last_run, node FROM jobs WHERE name = 'retention'`).Scan(&ns, &j.node)
		if ns != 0 {
			j.last = time.Unix(0, ns)
		}
		return j
	}
	waitUntil(t, "node-a to lead the purge", 30*time.Second, func() bool { return jobRow().node == "node-a" })
	b := startNode(t, root, "node-b", dbURL, sinkAddr)

	// Every change of the jobs row is kept: two nodes purging in one interval would show
	// as two runs closer than purgeEvery.
	var jobsMu sync.Mutex
	var runs []job
	stopWatch := make(chan struct{})
	watchDone := make(chan struct{})
	go func() {
		defer close(watchDone)
		for {
			if j := jobRow(); !j.last.IsZero() {
				jobsMu.Lock()
				if len(runs) == 0 || !runs[len(runs)-1].last.Equal(j.last) {
					runs = append(runs, j)
				}
				jobsMu.Unlock()
			}
			select {
			case <-stopWatch:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()

	// An operator with TOTP, created through B's configuration: one account table.
	pw := []byte("correct horse battery staple\n")
	if r := sekisho(t, root, pw, "user", "add", "op", "--role", "operator", "--config", b.cfgPath); r.code != 0 {
		t.Fatalf("user add on B: %d %s%s", r.code, r.stdout, r.stderr)
	}
	r := sekisho(t, root, nil, "user", "totp", "op", "--config", a.cfgPath)
	m := regexp.MustCompile(`secret: (\S+)`).FindStringSubmatch(r.stdout)
	if r.code != 0 || m == nil {
		t.Fatalf("user totp on A: %d %s%s", r.code, r.stdout, r.stderr)
	}
	secret, err := accounts.DecodeSecret(m[1])
	if err != nil {
		t.Fatal(err)
	}

	// Quarantine on A; B lists it; release from B's portal; the sink gets the original.
	a.send(swaks, held("one"))
	id := heldItem(t, db, b, "one")
	op := webtest.NewClient(t, b.httpURL)
	op.Login("op", strings.TrimSpace(string(pw)), secret)
	op.Get("/items/" + id)
	if resp, body := op.Post("/items/"+id+"/release", url.Values{"reason": {"送信元に電話で確認済み"}}); resp.StatusCode != 303 {
		t.Fatalf("release on B's portal: %d %s", resp.StatusCode, body)
	}
	got := waitDumps(t, sinkDir, 2)
	if !slices.ContainsFunc(got, func(m *mail.Message) bool { return releasedOriginal(t, m, zipEnc) }) {
		t.Fatalf("the sink never got the released original")
	}

	// A partner uploads through a link a staff member made on A; the staff member
	// downloads the sanitized file from B.
	if r := sekisho(t, root, pw, "user", "add", "tanaka", "--role", "staff", "--config", a.cfgPath); r.code != 0 {
		t.Fatalf("user add tanaka: %d %s%s", r.code, r.stdout, r.stderr)
	}
	text := bytes.Repeat([]byte("明細 line,100\n"), 50000) // 850 KB: several chunks
	sa := webtest.NewClient(t, a.httpURL)
	sa.Login("tanaka", strings.TrimSpace(string(pw)), nil)
	sa.Get("/transfers/links")
	resp, body := sa.Post("/transfers/links", url.Values{"label": {"見積書"}, "days": {"3"}, "mib": {"100"}})
	lm := regexp.MustCompile(`id="new-link">https://[^<]+/u/([A-Za-z0-9_-]{43})<`).FindStringSubmatch(body)
	if resp.StatusCode != 200 || lm == nil {
		t.Fatalf("upload link on A = %d", resp.StatusCode)
	}
	up := filepath.Join(root, "meisai.txt")
	os.WriteFile(up, text, 0o644)
	out, err := exec.Command(curl, "-sS", "-k", "-T", up, a.internet+"/api/v1/u/"+lm[1]+"/"+url.PathEscape("明細.txt")).CombinedOutput()
	var res struct {
		ID    string `json:"id"`
		State string `json:"state"`
		Files []struct {
			ID string `json:"id"`
		} `json:"files"`
	}
	if err != nil || json.Unmarshal(out, &res) != nil || len(res.Files) != 1 {
		t.Fatalf("upload on A: %v %s", err, out)
	}
	sb := webtest.NewClient(t, b.httpURL)
	sb.Login("tanaka", strings.TrimSpace(string(pw)), nil)
	fileURL := "/transfers/" + res.ID + "/files/" + res.Files[0].ID
	var down []byte
	waitUntil(t, "the upload downloadable on B", 60*time.Second, func() bool {
		resp, body := sb.Get(fileURL)
		down = []byte(body)
		return resp.StatusCode == 200
	})
	if !bytes.Equal(down, text) {
		t.Fatalf("download on B: %d bytes, want the %d uploaded on A", len(down), len(text))
	}
	var los int
	db.Pool().QueryRow(ctx, `SELECT count(*) FROM transfer_blob_lo WHERE sealed`).Scan(&los)
	if los == 0 {
		t.Errorf("the transfer's output is not in the database, sealed")
	}

	// The leader purges an item that is past retention; B does not.
	old := putOld(t, db, "before")
	waitUntil(t, "the old item purged", 30*time.Second, func() bool { return status(t, db, old) == quarantine.Expired })
	if n := auditNode(t, db, old, quarantine.ActPurge); n != "node-a" {
		t.Errorf("the purge before the kill ran on %q, want node-a", n)
	}

	// A dies with SIGKILL while mail arrives; messages it accepted stay in its spool.
	var accepted sync.WaitGroup
	for i := range 6 {
		accepted.Add(1)
		go func() {
			defer accepted.Done()
			sendQuiet(swaks, a.smtpAddr, held(fmt.Sprintf("burst %d", i)))
		}()
	}
	// Killed once it has quarantined from the first of them, with the rest in flight.
	waitUntil(t, "A working on the burst", 60*time.Second, func() bool {
		pg, err := quarantineService(t, db).Search(ctx, quarantine.Query{Subject: "burst", Limit: 1})
		return err == nil && len(pg.Records) > 0
	})
	a.cmd.Process.Kill()
	a.cmd.Wait()
	accepted.Wait()

	// B carries on: it takes the purge over, quarantines and releases on its own.
	old2 := putOld(t, db, "after")
	waitUntil(t, "the purge on node-b", 30*time.Second, func() bool { return status(t, db, old2) == quarantine.Expired })
	if n := auditNode(t, db, old2, quarantine.ActPurge); n != "node-b" {
		t.Errorf("the purge after the kill ran on %q, want node-b", n)
	}
	before := len(dumps(t, sinkDir))
	b.send(swaks, held("two"))
	id2 := heldItem(t, db, b, "two")
	op.Get("/items/" + id2)
	if resp, body := op.Post("/items/"+id2+"/release", url.Values{"reason": {"確認済み"}}); resp.StatusCode != 303 {
		t.Fatalf("release of B's item: %d %s", resp.StatusCode, body)
	}
	waitDumps(t, sinkDir, before+2)

	// One chain, written by both nodes, verifies from either configuration.
	for _, cfg := range []string{b.cfgPath, a.cfgPath} {
		r := sekisho(t, root, nil, "quarantine", "verify-audit", "--config", cfg)
		if r.code != 0 || !strings.Contains(r.stdout, "is intact") {
			t.Fatalf("verify-audit: %d %s%s", r.code, r.stdout, r.stderr)
		}
	}
	var nodes []string
	rows, err := db.Pool().Query(ctx, `SELECT DISTINCT node FROM audit ORDER BY node`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		rows.Scan(&n)
		nodes = append(nodes, n)
	}
	rows.Close()
	if !slices.Contains(nodes, "node-a") || !slices.Contains(nodes, "node-b") {
		t.Errorf("audit records name nodes %v, want node-a and node-b among them", nodes)
	}

	// The purge ran once per interval throughout, on one node at a time.
	close(stopWatch)
	<-watchDone
	jobsMu.Lock()
	for i := 1; i < len(runs); i++ {
		if gap := runs[i].last.Sub(runs[i-1].last); gap < purgeEvery-100*time.Millisecond {
			t.Errorf("purges %v apart (%s on %s after %s on %s): more than one node purged", gap,
				runs[i].last.Format(time.StampMilli), runs[i].node, runs[i-1].last.Format(time.StampMilli), runs[i-1].node)
		}
	}
	if len(runs) < 3 || runs[len(runs)-1].node != "node-b" {
		t.Errorf("purge runs %+v: want several, the last on node-b", runs)
	}
	jobsMu.Unlock()

	// A restarted delivers every message it had accepted before the kill: the held
	// attachments' notices reach the sink (the mail queue stays per node).
	// A message A quarantined from, then died before it recorded the message done, is
	// sanitized again after the restart: compare subjects, not counts.
	delivered := func() map[string]bool {
		out := map[string]bool{}
		for _, m := range dumps(t, sinkDir) {
			if subj, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject")); strings.Contains(subj, "burst") {
				out[subj] = true
			}
		}
		return out
	}
	a.restart(t)
	for end := time.Now().Add(60 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		pg, err := quarantineService(t, db).Search(ctx, quarantine.Query{Subject: "burst", Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		got := delivered()
		var missing []string
		for _, r := range pg.Records {
			if !got[r.Subject] {
				missing = append(missing, r.Subject)
			}
		}
		if len(pg.Records) > 0 && len(missing) == 0 {
			break
		}
		if time.Now().After(end) {
			t.Fatalf("A restarted: held from but never delivered: %q (%d items)\n%s", missing, len(pg.Records), a.logs.String())
		}
	}
	if r := sekisho(t, root, nil, "quarantine", "verify-audit", "--config", a.cfgPath); r.code != 0 {
		t.Fatalf("verify-audit after the restart: %d %s%s", r.code, r.stdout, r.stderr)
	}
}

// releasedOriginal reports whether m carries the held zip itself.
func releasedOriginal(t *testing.T, m *mail.Message, zip []byte) bool {
	_, atts := parts(t, m)
	for _, b := range atts {
		if bytes.Equal(b, zip) {
			return true
		}
	}
	return false
}

// heldItem waits until the store holds an item with subject and returns its ID, once
// node's `quarantine list` shows it too.
func heldItem(t *testing.T, db *postgres.Backend, n *node, subject string) string {
	t.Helper()
	var id string
	waitUntil(t, "an item held for "+subject, 60*time.Second, func() bool {
		pg, err := quarantineService(t, db).Search(context.Background(), quarantine.Query{Subject: subject,
			Status: []quarantine.Status{quarantine.Held}, Limit: 10})
		if err == nil && len(pg.Records) > 0 {
			id = pg.Records[0].ID
		}
		return id != ""
	})
	if r := sekisho(t, n.dir, nil, "quarantine", "list", "--config", n.cfgPath); r.code != 0 || !strings.Contains(r.stdout, id) {
		t.Fatalf("%s does not list %s: %d %s%s", n.name, id, r.code, r.stdout, r.stderr)
	}
	return id
}

// sendQuiet submits msg with swaks, whatever the server answers (it may die meanwhile).
func sendQuiet(swaks, addr string, msg []byte) {
	f, err := os.CreateTemp("", "sekisho-msg-*.eml")
	if err != nil {
		return
	}
	defer os.Remove(f.Name())
	f.Write(msg)
	f.Close()
	host, port, _ := net.SplitHostPort(addr)
	exec.Command(swaks, "--server", host, "--port", port, "--from", "sender@example.com",
		"--to", "staff@city.lg.jp", "--data", f.Name(), "--timeout", "30").Run()
}

func quarantineService(t *testing.T, db *postgres.Backend) *quarantine.Service {
	s, err := quarantine.New(db, quarantine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// putOld holds an item received two days ago: past any node's retention.
func putOld(t *testing.T, db *postgres.Backend, subject string) string {
	t.Helper()
	then := time.Now().Add(-48 * time.Hour)
	s, err := quarantine.New(db, quarantine.Options{Now: func() time.Time { return then }})
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Put(context.Background(), quarantine.Record{Kind: quarantine.KindAttachment, Subject: subject,
		Reason: "old", Rcpts: []string{"staff@city.lg.jp"}}, strings.NewReader("old original"), quarantine.System)
	if err != nil {
		t.Fatal(err)
	}
	return r.ID
}

func status(t *testing.T, db *postgres.Backend, id string) quarantine.Status {
	r, err := quarantineService(t, db).Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r.Status
}

// auditNode is the node that wrote item id's record of action.
func auditNode(t *testing.T, db *postgres.Backend, id string, action quarantine.Action) string {
	var n string
	db.Pool().QueryRow(context.Background(), `SELECT node FROM audit WHERE item_id = $1 AND action = $2`, id, string(action)).Scan(&n)
	return n
}

func waitUntil(t *testing.T, what string, d time.Duration, f func() bool) {
	t.Helper()
	for end := time.Now().Add(d); !f(); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// TestStoreMigrateCommand moves an embedded store with `sekisho store migrate` and reads
// it back through a configuration on the database.
func TestStoreMigrateCommand(t *testing.T) {
	ctx := context.Background()
	cluster := pgtest.New(t, pgtest.Options{})
	dbURL := cluster.NewDB(t)
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "sekisho.yaml")
	os.WriteFile(cfgPath, []byte("data_dir: "+filepath.Join(dir, "data")+"\n"), 0o644)
	pw := []byte("correct horse battery staple\n")
	if r := sekisho(t, dir, pw, "user", "add", "tanaka", "--role", "staff", "--config", cfgPath); r.code != 0 {
		t.Fatalf("user add: %d %s%s", r.code, r.stdout, r.stderr)
	}
	b, err := sqlite.Open(sqlite.Options{Dir: filepath.Join(dir, "data", "quarantine")})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := quarantine.New(b, quarantine.Options{})
	var ids []string
	for i := range 3 {
		rec, err := s.Put(ctx, quarantine.Record{Subject: fmt.Sprint("item ", i), Reason: "encrypted archive"},
			strings.NewReader(strings.Repeat("original ", i+1)), quarantine.System)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, rec.ID)
	}
	s.Close()

	if r := sekisho(t, dir, nil, "store", "migrate", "--config", cfgPath); r.code != 2 {
		t.Errorf("store migrate without --to: %d %s%s", r.code, r.stdout, r.stderr)
	}
	r := sekisho(t, dir, nil, "store", "migrate", "--config", cfgPath, "--to", dbURL)
	if r.code != 0 || !strings.Contains(r.stdout, "originals 3") || !strings.Contains(r.stdout, "portal_users") {
		t.Fatalf("store migrate: %d %s%s", r.code, r.stdout, r.stderr)
	}
	if r := sekisho(t, dir, nil, "store", "migrate", "--config", cfgPath, "--to", dbURL); r.code != 1 || !strings.Contains(r.stderr, "already holds a store") {
		t.Errorf("a second migrate into the same database: %d %s%s", r.code, r.stdout, r.stderr)
	}

	shared := filepath.Join(dir, "shared.yaml")
	os.WriteFile(shared, []byte("data_dir: "+filepath.Join(dir, "data2")+"\nstore: "+dbURL+"\nnode: n1\n"), 0o644)
	r = sekisho(t, dir, nil, "quarantine", "list", "--config", shared)
	for _, id := range ids {
		if r.code != 0 || !strings.Contains(r.stdout, id) {
			t.Fatalf("list on the database lacks %s: %d %s%s", id, r.code, r.stdout, r.stderr)
		}
	}
	// Three items and the user added: four records.
	if r := sekisho(t, dir, nil, "quarantine", "verify-audit", "--config", shared); r.code != 0 || !strings.Contains(r.stdout, "of 4 records") {
		t.Errorf("verify-audit on the database: %d %s%s", r.code, r.stdout, r.stderr)
	}
	if r := sekisho(t, dir, nil, "user", "list", "--config", shared); r.code != 0 || !strings.Contains(r.stdout, "tanaka") {
		t.Errorf("user list on the database: %d %s%s", r.code, r.stdout, r.stderr)
	}
}

// TestSharedStoreDown: with the database gone, mail that holds nothing still flows and a
// message with something to hold waits in the node's spool instead of being lost or
// passed unsanitized; /healthz says what is wrong.
func TestSharedStoreDown(t *testing.T) {
	swaks := testtool.Need(t, "swaks")
	cluster := pgtest.New(t, pgtest.Options{})
	dbURL := cluster.NewDB(t)
	dir := t.TempDir()
	delivered := filepath.Join(dir, "delivered")
	smtpAddr, httpAddr := freeAddr(t), freeAddr(t)
	cfgPath := filepath.Join(dir, "sekisho.yaml")
	os.WriteFile(cfgPath, []byte(fmt.Sprintf(`data_dir: %s
store: %s
node: alone
postgres:
  connect_timeout: 2s
smtp:
  listen: %s
  domains: [city.lg.jp]
delivery:
  routes:
    "*": dir:%s
http:
  listen: %s
`, filepath.Join(dir, "data"), dbURL, smtpAddr, delivered, httpAddr)), 0o644)
	g := startServe(t, dir, cfgPath, smtpAddr, httpAddr, delivered)
	if err := cluster.Stop(); err != nil {
		t.Fatal(err)
	}
	g.send(swaks, buildMail("plain", "<p>会議は 10 時からです。</p>"))
	if got := g.waitDelivered(1); !strings.Contains(got[0], "Subject: plain") {
		t.Fatalf("clean mail with the database down:\n%s", got[0])
	}
	zipEnc, err := os.ReadFile(filepath.Join("..", "..", "testdata", "archive", "bad-zipcrypto.zip"))
	if err != nil {
		t.Fatal(err)
	}
	g.send(swaks, buildMail("held", "<p>資料</p>", attachment("資料.zip", "application/zip", zipEnc)))
	g.waitLog("stays in the spool")
	time.Sleep(time.Second)
	if got := g.waitDelivered(1); len(got) != 1 {
		t.Fatalf("%d messages delivered; the one to hold went out without the store", len(got))
	}
	if code, body := g.get("/healthz"); code != 503 {
		t.Errorf("healthz with the database down = %d %q, want 503", code, body)
	}
}
