package transfer_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/config"
	"github.com/sekisho/sekisho/gateway/portal/accounts"
	"github.com/sekisho/sekisho/gateway/transfer"
	"github.com/sekisho/sekisho/internal/assemble"
	"github.com/sekisho/sekisho/sanitize"
)

// zipOf returns a zip holding the entries in order (deflated).
func zipOf(t *testing.T, entries ...any) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for i := 0; i < len(entries); i += 2 {
		w, err := zw.Create(entries[i].(string))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(entries[i+1].([]byte)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestArchivesAsInMail uploads decompression bombs and encrypted zips and checks that the
// transfer decides each exactly as the mail engine decides the same bytes as an
// attachment: same verdict, same reason.
func TestArchivesAsInMail(t *testing.T) {
	t.Parallel()
	e := start(t, nil)
	e.user("tanaka", "pw-tanaka-1", accounts.Staff)
	zeros := make([]byte, 16<<20)
	level1 := zipOf(t, "zeros.bin", zeros)
	level2 := zipOf(t, "a.zip", level1, "b.zip", level1, "c.zip", level1, "d.zip", level1)
	aes, err := os.ReadFile("../portal/ppap/testdata/aes256.zip")
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string][]byte{
		"ratio.zip":     level1,
		"nested.zip":    zipOf(t, "x.zip", level2, "y.zip", level2),
		"aes256.zip":    aes,
		"zipcrypto.zip": readTestdata(t, "archive/bad-zipcrypto.zip"),
	}
	ctx := context.Background()
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			mail := e.gw.Sanitizers().Files
			res, err := mail.Sanitize(ctx, &sanitize.Item{Body: bytes.NewReader(body), Path: name, Name: name}, io.Discard,
				sanitize.NewBudget(assemble.Limits(e.cfg.Limits)))
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdict == sanitize.Clean || res.Verdict == sanitize.Sanitized {
				t.Fatalf("the mail engine passes %s: the case tests nothing", name)
			}
			got := e.receive(t, name, "application/zip", body)
			t.Logf("%s: %s %q", name, got.Verdict, got.Reason)
			if got.Verdict != res.Verdict || got.Reason != res.Reason {
				t.Errorf("transfer: %s %q; mail: %s %q", got.Verdict, got.Reason, res.Verdict, res.Reason)
			}
			if res.Verdict == sanitize.Quarantined && (got.State != transfer.Held || got.QuarantineID == "") {
				t.Errorf("quarantined in mail, but the transfer file is %s (%q)", got.State, got.QuarantineID)
			}
		})
	}
}

// receive brings one file into LGWAN for tanaka through an inbound transfer and returns
// the file once the engine has decided it.
func (e *env) receive(t *testing.T, name, ctype string, body []byte) transfer.File {
	t.Helper()
	ctx := context.Background()
	tr, _, err := e.svc.OpenInbound(ctx, "tanaka", "", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	f, err := e.svc.AddFile(ctx, tr, name, ctype, int64(len(body)), "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Write(ctx, tr, f, 0, bytes.NewReader(body), "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Finish(ctx, tr, "tanaka", "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	_, fs := e.final(tr.ID)
	return fs[0]
}

// TestExpansionLimitAsInMail: an archive refused in mail for what it expands to
// (limits.max_total_size) is refused by a transfer for the same reason, until
// transfer.max_total_size raises the limit for transfers; a text file larger than mail
// allows passes, its own decoding counting apart.
func TestExpansionLimitAsInMail(t *testing.T) {
	t.Parallel()
	// Text that deflate shrinks only about twice: far under any ratio limit.
	words := func(n int, seed byte) []byte {
		out := make([]byte, 0, n)
		x := uint32(seed) + 1
		for len(out) < n {
			x = x*1664525 + 1013904223
			out = append(out, "0123456789abcdef"[x>>28], "0123456789abcdef"[(x>>24)&15])
			if x&7 == 0 {
				out = append(out, ' ')
			}
			if x&63 == 1 {
				out = append(out, '\n')
			}
		}
		return out[:n]
	}
	archive := zipOf(t, "a.txt", words(900<<10, 1), "b.txt", words(900<<10, 2), "c.txt", words(900<<10, 3))
	text := words(3<<20, 4)
	small := func(c *config.Config) {
		c.Limits.MaxFileSize, c.Limits.MaxTotalSize, c.SMTP.MaxMessageSize = 2<<20, 2<<20, 2<<20
	}
	upload := func(e *env, name string, body []byte) transfer.File { return e.receive(t, name, "", body) }
	mail := func(e *env, name string, body []byte) sanitize.Result {
		res, err := e.gw.Sanitizers().Files.Sanitize(context.Background(), &sanitize.Item{Body: bytes.NewReader(body), Path: name, Name: name},
			io.Discard, sanitize.NewBudget(assemble.Limits(e.cfg.Limits)))
		if err != nil {
			t.Fatal(err)
		}
		return res
	}

	e := start(t, small)
	e.user("tanaka", "pw-tanaka-1", accounts.Staff)
	res := mail(e, "a.zip", archive)
	if res.Verdict != sanitize.Quarantined || !strings.Contains(res.Reason, "limits.max_total_size") {
		t.Fatalf("mail: %s %q, want quarantined for limits.max_total_size", res.Verdict, res.Reason)
	}
	if got := upload(e, "a.zip", archive); got.Verdict != res.Verdict || got.Reason != res.Reason {
		t.Errorf("transfer: %s %q; mail: %s %q", got.Verdict, got.Reason, res.Verdict, res.Reason)
	}
	if res := mail(e, "big.txt", text); res.Verdict.HasOutput() {
		t.Fatalf("mail passes a text file over limits.max_file_size: %s", res.Verdict)
	}
	if got := upload(e, "big.txt", text); got.State != transfer.Available || got.OutSize != int64(len(text)) {
		t.Errorf("a 3 MiB text transfer: %s %s %q (%d bytes)", got.State, got.Verdict, got.Reason, got.OutSize)
	}

	raised := start(t, func(c *config.Config) { small(c); c.Transfer.MaxTotalSize = 8 << 20 })
	raised.user("tanaka", "pw-tanaka-1", accounts.Staff)
	if got := upload(raised, "a.zip", archive); got.State != transfer.Available {
		t.Errorf("with transfer.max_total_size 8MiB: %s %s %q", got.State, got.Verdict, got.Reason)
	}
}
