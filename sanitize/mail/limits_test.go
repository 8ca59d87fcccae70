package mail

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/sanitize"
)

// genParts builds a multipart/mixed message with n small PNG attachments.
func genParts(n int, png []byte) []byte {
	var b bytes.Buffer
	b.WriteString("From: many@example.com\r\nTo: b@example.lg.jp\r\nSubject: many parts\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=\"MANY\"\r\n\r\n--MANY\r\nContent-Type: text/plain\r\n\r\nmany attachments\r\n")
	enc := b64lines(png)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "--MANY\r\nContent-Type: image/png; name=\"img%04d.png\"\r\nContent-Disposition: attachment; filename=\"img%04d.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n", i, i, enc)
	}
	b.WriteString("--MANY--\r\n")
	return b.Bytes()
}

func b64lines(data []byte) string {
	var sb strings.Builder
	w := &lineWrapper{w: &sb}
	enc := base64.NewEncoder(base64.StdEncoding, w)
	enc.Write(data)
	enc.Close()
	return sb.String()
}

// measure runs f and reports its duration and the bytes allocated.
func measure(f func()) (time.Duration, uint64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	f()
	d := time.Since(start)
	runtime.ReadMemStats(&after)
	return d, after.TotalAlloc - before.TotalAlloc
}

// TestBadInput feeds what an attacker or a broken mailer sends: each is refused with a
// clear reason, in bounded time and memory.
func TestBadInput(t *testing.T) {
	png := readCorpus(t, "assets/red.png")
	garbage := make([]byte, 1<<20)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range garbage {
		garbage[i] = byte(r.Uint32())
	}
	deep := func(n int) []byte {
		var b strings.Builder
		b.WriteString("From: a@example.com\r\nSubject: deep\r\nMIME-Version: 1.0\r\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=\"n%03dz\"\r\n\r\n--n%03dz\r\n", i, i)
		}
		b.WriteString("Content-Type: text/plain\r\n\r\nbottom\r\n")
		return []byte(b.String())
	}
	tests := []struct {
		name    string
		data    []byte
		want    string // in the error
		maxTime time.Duration
		maxMem  uint64
	}{
		{"binary garbage", garbage, "not a mail message", time.Second, 8 << 20},
		{"1 MB header line", []byte("From: a@example.com\r\nSubject: " + strings.Repeat("x", 1<<20) + "\r\n\r\nbody\r\n"), "mail.max_header_bytes", time.Second, 8 << 20},
		{"10000 parts", genParts(10000, png), "mail.max_parts", 2 * time.Second, 64 << 20},
		{"nesting 40 deep", deep(40), "limits.max_depth", time.Second, 8 << 20},
		{"no header", []byte("\r\njust a body\r\n"), "no header fields", time.Second, 1 << 20},
		{"empty", nil, "no header fields", time.Second, 1 << 20},
	}
	_, s := testEngine(t, Options{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			d, mem := measure(func() { _, _, err = run(t, s, tc.data) })
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Sanitize() error = %v, want one containing %q", err, tc.want)
			}
			if d > tc.maxTime || mem > tc.maxMem {
				t.Errorf("took %v and allocated %d bytes, want at most %v and %d", d, mem, tc.maxTime, tc.maxMem)
			}
		})
	}
}

// TestTruncated cuts every corpus message at several points: each cut either yields a
// message that parses independently or an error, never a panic.
func TestTruncated(t *testing.T) {
	_, s := testEngine(t, Options{})
	for _, f := range corpusFiles(t) {
		data := readCorpus(t, f[len(corpusDir)+1:])
		for _, frac := range []int{10, 33, 50, 77, 95} {
			cut := len(data) * frac / 100
			out, _, err := run(t, s, data[:cut])
			if err != nil {
				continue
			}
			if _, perr := parseIndependent(out); perr != nil {
				t.Errorf("%s cut at %d%%: output does not parse: %v", f, frac, perr)
			}
		}
	}
}

// TestManyAttachments: 500 attachments stay within the defaults and all come through.
func TestManyAttachments(t *testing.T) {
	_, s := testEngine(t, Options{})
	data := genParts(500, readCorpus(t, "assets/red.png"))
	out, res, err := run(t, s, data)
	if err != nil {
		t.Fatal(err)
	}
	p, err := parseIndependent(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.atts) != 500 {
		t.Errorf("got %d attachments, want 500", len(p.atts))
	}
	if !res.Verdict.HasOutput() {
		t.Errorf("verdict = %s, want output", res.Verdict)
	}
}

// TestLargeMessage sanitizes a 25 MB message and checks that the heap stays far below the
// message size: decoded parts are spooled to temp files above 1 MiB.
func TestLargeMessage(t *testing.T) {
	if testing.Short() {
		t.Skip("25 MB")
	}
	data := gen25MB(t)
	// The payload is random bytes behind a PNG signature: pass PNG so the 18 MB travel the
	// whole path (decode, spool, engine, re-encode) instead of being quarantined.
	_, s := testEnginePolicy(t, Options{}, map[string]sanitize.PolicyAction{"png": sanitize.Pass})
	var out countWriter
	var peak uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		var m runtime.MemStats
		for {
			select {
			case <-done:
				return
			default:
			}
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse)
			time.Sleep(20 * time.Millisecond)
		}
	}()
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item"}
	start := time.Now()
	res, err := s.Sanitize(context.Background(), in, &out, sanitize.NewBudget(sanitize.Limits{}))
	took := time.Since(start)
	close(done)
	<-stopped
	if err != nil {
		t.Fatal(err)
	}
	if out.n < 18<<20 {
		t.Errorf("output %d bytes, want the big attachment through", out.n)
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	alloc := after.TotalAlloc - base.TotalAlloc
	t.Logf("25 MB message: verdict %s in %v, output %d bytes, allocated %d MiB, peak heap in use %d MiB (input held: %d MiB)",
		res.Verdict, took, out.n, alloc>>20, peak>>20, len(data)>>20)
	// Decoded parts above 1 MiB go to temp files: allocation must not follow the size
	// (about 8 MiB; the race detector's instrumentation roughly doubles it).
	if alloc > 32<<20 {
		t.Errorf("allocated %d MiB on a 25 MB message, want under 32", alloc>>20)
	}
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// gen25MB is a message of about 25 MB: some Japanese text and an 18 MB PNG-typed
// attachment (the test policy passes PNG, so the bytes travel the whole path).
func gen25MB(t testing.TB) []byte {
	png := readCorpus(t, "assets/red.png")
	payload := make([]byte, 18<<20)
	copy(payload, png)
	r := rand.New(rand.NewPCG(3, 4))
	for i := len(png); i < len(payload); i++ {
		payload[i] = byte(r.Uint32())
	}
	var b bytes.Buffer
	b.WriteString("From: big@example.com\r\nTo: b@example.lg.jp\r\nSubject: =?UTF-8?B?5aSn44GN44Gq5re75LuY?=\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=\"BIG\"\r\n\r\n--BIG\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
	for i := 0; i < 2000; i++ {
		b.WriteString("大きな添付ファイルを送ります。\r\n")
	}
	b.WriteString("--BIG\r\nContent-Type: image/png; name=\"big.png\"\r\nContent-Disposition: attachment; filename=\"big.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	b.WriteString(b64lines(payload))
	b.WriteString("\r\n--BIG--\r\n")
	return b.Bytes()
}

func TestLimitErrorsAreTyped(t *testing.T) {
	_, s := testEngine(t, Options{MaxParts: 10})
	_, _, err := run(t, s, genParts(20, readCorpus(t, "assets/red.png")))
	var le *sanitize.LimitError
	if !errors.As(err, &le) || le.Limit != "mail.max_parts" {
		t.Fatalf("error = %v, want a *LimitError for mail.max_parts", err)
	}
}

// TestNestedMessagesDepth forwards a message inside itself 12 times: the engine's Budget
// (limits.max_depth, default 8) stops the recursion and the too-deep part is quarantined,
// while the outer levels are delivered.
func TestNestedMessagesDepth(t *testing.T) {
	msg := "From: a@example.com\r\nSubject: level 0\r\nContent-Type: text/plain\r\n\r\nbottom\r\n"
	for i := 1; i <= 12; i++ {
		msg = fmt.Sprintf("From: a@example.com\r\nSubject: level %d\r\nMIME-Version: 1.0\r\n"+
			"Content-Type: multipart/mixed; boundary=\"lv%02dx\"\r\n\r\n--lv%02dx\r\nContent-Type: text/plain\r\n\r\nlevel %d\r\n"+
			"--lv%02dx\r\nContent-Type: message/rfc822\r\n\r\n%s\r\n--lv%02dx--\r\n", i, i, i, i, i, msg, i)
	}
	_, s := testEngine(t, Options{})
	out, res, err := run(t, s, []byte(msg))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := parseIndependent(out); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, a := range res.Actions {
		found = found || a.Kind == sanitize.ActQuarantined && strings.Contains(a.Detail, "limits.max_depth")
	}
	if !found {
		t.Errorf("no part quarantined for limits.max_depth: %+v", res.Actions)
	}
}

// TestISO2022JPFallbackReported: a message with characters outside JIS X 0208 goes out in
// UTF-8 and the result says why.
func TestISO2022JPFallbackReported(t *testing.T) {
	_, s := testEngine(t, Options{OutputCharset: "iso-2022-jp"})
	_, res, err := run(t, s, readCorpus(t, "jp-newsletter-sjis.eml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "utf-8 instead of iso-2022-jp") {
		t.Errorf("Notes = %q, want the fallback explained", res.Notes)
	}
	if res.Reason != "" {
		t.Errorf("Reason = %q, want none: the message was delivered", res.Reason)
	}
}

// TestUndeterminableCharset: a body whose charset cannot be told (8-bit bytes that no
// candidate decodes, here an EBCDIC mainframe listing, no label) is not shown as text; the
// part goes to the engine and the message is still delivered. (Undeclared Western,
// Cyrillic or Arabic text is decoded by the text family's 8-bit model.)
func TestUndeterminableCharset(t *testing.T) {
	msg := "From: a@example.com\r\nSubject: latin\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=Q\r\n\r\n" +
		"--Q\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nfirst part\r\n" +
		"--Q\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
		"\xd7\xc1\xe8\xd9\xd6\xd3\xd3@\xd9\xc5\xd7\xd6\xd9\xe3@\xc6\xd6\xd9@\xd7\xc1\xd9\xc9\xe2@\xc4\xc5\xd7\xc1\xd9\xe3\xd4\xc5\xd5\xe3@\xf4\xf2\r\n--Q--\r\n"
	_, s := testEngine(t, Options{})
	out, res, err := run(t, s, []byte(msg))
	if err != nil {
		t.Fatalf("Sanitize error = %v, want the rest of the message delivered", err)
	}
	p, err := parseIndependent(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p.text, "first part") {
		t.Errorf("text lacks the first part:\n%s", p.text)
	}
	if strings.Contains(p.text, "PARIS") || strings.Contains(p.text, "×ÁèÙ") {
		t.Errorf("text of undeterminable charset shown as text")
	}
	t.Logf("actions: %+v", res.Actions)
}

// TestNestedNotSniffedAsMail: a forwarded message is sanitized as mail whether or not the
// content sniffer recognizes it (a first header it does not know sends the part down this
// package's own path, a From: down the engine's), so its attachment never passes as text
// and the executable in it is blocked on both paths.
func TestNestedNotSniffedAsMail(t *testing.T) {
	for _, first := range []string{"X-Custom: first\r\nX-Other: second\r\n", ""} {
		inner := first + "From: a@example.com\r\nSubject: inner\r\nMIME-Version: 1.0\r\n" +
			"Content-Type: multipart/mixed; boundary=IN\r\n\r\n--IN\r\nContent-Type: text/plain\r\n\r\ninner text\r\n" +
			"--IN\r\nContent-Type: application/octet-stream; name=run.exe\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
			"TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAA=\r\n--IN--\r\n"
		class := sanitize.Detect(bytes.NewReader([]byte(inner))).Class
		t.Run(string(class), func(t *testing.T) {
			msg := "From: b@example.com\r\nSubject: fwd\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=OUT\r\n\r\n" +
				"--OUT\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--OUT\r\nContent-Type: message/rfc822\r\n\r\n" + inner + "\r\n--OUT--\r\n"
			_, s := testEngine(t, Options{})
			out, res, err := run(t, s, []byte(msg))
			if err != nil {
				t.Fatal(err)
			}
			blocked := false
			for _, a := range res.Actions {
				blocked = blocked || a.Kind == sanitize.ActBlocked && strings.HasSuffix(a.Path, "/run.exe")
			}
			if !blocked {
				t.Errorf("no blocked action for run.exe: %+v", res.Actions)
			}
			p, err := parseIndependent(out)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.atts) != 1 || p.atts[0].nested == nil {
				t.Fatalf("attachments = %+v, want one sanitized message", p.atts)
			}
			if n := p.atts[0].nested; len(n.atts) != 0 || strings.Contains(string(p.atts[0].data), "TVqQ") {
				t.Errorf("the executable inside the forwarded message came through")
			}
		})
	}
}
