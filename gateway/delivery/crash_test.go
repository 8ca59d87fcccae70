package delivery_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"
	"github.com/sekisho/sekisho/gateway/delivery"
	"github.com/sekisho/sekisho/gateway/queue"
	"github.com/sekisho/sekisho/internal/relaytest"
)

// TestMain lets the crash test re-execute this test binary as a relay process it can
// SIGKILL: with SEKISHO_CRASH_CHILD set, the binary runs a relay and nothing else.
func TestMain(m *testing.M) {
	if dir := os.Getenv("SEKISHO_CRASH_CHILD"); dir != "" {
		runCrashChild(dir, os.Getenv("SEKISHO_CRASH_ADDR"), os.Getenv("SEKISHO_CRASH_HOP"))
		return
	}
	os.Exit(m.Run())
}

func runCrashChild(dir, addr, hop string) {
	cfg := relaytest.Defaults(dir)
	cfg.SMTP.Addr = addr
	cfg.Delivery.RetryBase, cfg.Delivery.RetryMax = 100*time.Millisecond, 200*time.Millisecond
	cfg.Delivery.Routes = []delivery.Route{{Domain: "city.lg.jp", Transport: "smtp", Addr: hop, TLS: "none"}}
	if _, err := relaytest.Build(dir, cfg); err != nil {
		panic(err)
	}
	select {} // serves until killed
}

// TestKillNineLosesNothing sends mail under load while the relay is killed with SIGKILL
// again and again, then checks at the sink that every message that got a 250 arrived.
func TestKillNineLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test skipped in -short mode")
	}
	for _, format := range []string{queue.FormatJournal, queue.FormatFiles} {
		t.Run(format, func(t *testing.T) { killNine(t, format) })
	}
}

func killNine(t *testing.T, format string) {
	dir := t.TempDir()
	sink := relaytest.StartSink(t, "")
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()

	var mu sync.Mutex
	var child *exec.Cmd
	start := func() {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		// A child must not outlive a test that dies (timeout, crash).
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		cmd.Env = append(os.Environ(), "SEKISHO_CRASH_CHILD="+dir, "SEKISHO_CRASH_ADDR="+addr, "SEKISHO_CRASH_HOP="+sink.Addr(), "SEKISHO_TEST_QUEUE="+format)
		logf, _ := os.OpenFile(filepath.Join(dir, "child.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
		cmd.Stdout, cmd.Stderr = logf, logf
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		child = cmd
		mu.Unlock()
		go func() { cmd.Wait(); logf.Close() }()
		// A restarted child replays the queue first; under -race on a loaded machine that
		// took more than 10 s (the test failed with the child still starting).
		for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if c, err := net.Dial("tcp", addr); err == nil {
				c.Close()
				return
			}
		}
		log, _ := os.ReadFile(filepath.Join(dir, "child.log"))
		t.Fatalf("relay child did not come up:\n%s", log)
	}
	kill := func() {
		mu.Lock()
		defer mu.Unlock()
		if child != nil {
			child.Process.Signal(syscall.SIGKILL)
			time.Sleep(20 * time.Millisecond)
		}
	}
	start()
	defer kill()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var amu sync.Mutex
	acked := map[string]bool{}
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				id := fmt.Sprintf("w%d-%d", w, i)
				if err := sendBounded(addr, "load@example.com", "staff@city.lg.jp", fmt.Sprintf(relaytest.Msg, id)); err == nil {
					amu.Lock()
					acked[id] = true
					amu.Unlock()
				} else {
					time.Sleep(10 * time.Millisecond)
				}
			}
		}(w)
	}
	// Five seconds of load, or more until 40 messages were acknowledged (a minute at most):
	// on a loaded machine a relay killed every few hundred milliseconds has often done
	// little more than start.
	acks := func() int { amu.Lock(); defer amu.Unlock(); return len(acked) }
	for begin := time.Now(); time.Since(begin) < 5*time.Second || acks() < 40 && time.Since(begin) < time.Minute; {
		time.Sleep(time.Duration(150+time.Now().UnixNano()%250) * time.Millisecond)
		kill()
		start()
	}
	cancel()
	wg.Wait()

	re := regexp.MustCompile(`Message-ID: <([^@>]+)@example\.com>`)
	waitForLong := func() (map[string]int, []string) {
		deadline := time.Now().Add(30 * time.Second)
		for {
			got := map[string]int{}
			for _, m := range sink.Messages() {
				if sm := re.FindSubmatch(m.Data); sm != nil {
					got[string(sm[1])]++
				}
			}
			var missing []string
			for id := range acked {
				if got[id] == 0 {
					missing = append(missing, id)
				}
			}
			if len(missing) == 0 || time.Now().After(deadline) {
				return got, missing
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	got, missing := waitForLong()
	if len(acked) < 20 {
		t.Fatalf("only %d messages acknowledged; the load did not run", len(acked))
	}
	if len(missing) > 0 {
		t.Fatalf("%d of %d acknowledged messages never arrived, e.g. %v", len(missing), len(acked), missing[:min(5, len(missing))])
	}
	dups := 0
	for _, n := range got {
		if n > 1 {
			dups += n - 1
		}
	}
	t.Logf("acknowledged %d, delivered %d distinct, %d duplicate deliveries", len(acked), len(got), dups)
}

// sendBounded sends one message with a deadline on the whole transaction: a relay killed
// at the wrong moment must cost the sender an error, never a hang.
func sendBounded(addr, from, to, msg string) error {
	conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return err
	}
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	c := gosmtp.NewClient(conn)
	defer c.Close()
	return c.SendMail(from, []string{to}, strings.NewReader(msg))
}
