// Command loadgen drives an SMTP relay on loopback with realistic messages, distinct in
// every byte that matters per message (messages.go), and measures what a sending MTA
// sees: messages/s, the time from DATA to the 250 reply (p50, p99), and with -sink the
// end-to-end rate at a next hop it runs itself, which counts every Message-ID so that
// lost and duplicated messages show.
//
// Throughput: N messages, generated before the clock starts, over C concurrent sessions
// (a new connection per message, as smtp-source does without -d):
//
//	loadgen -addr 127.0.0.1:2525 -sink 127.0.0.1:2526 -kind mixed -n 2000 -c 8
//
// Soak: messages generated as they go at a fixed rate for a duration, then a wait until
// every acknowledged message has arrived (the relay may be killed and restarted
// meanwhile; sends that fail are counted, not retried):
//
//	loadgen -addr 127.0.0.1:2525 -sink 127.0.0.1:2526 -kind mixed -rate 100 -duration 30m -c 16
//
// One result line (key=value) goes to standard output; the exit status is 1 when a
// message was refused in a throughput run or lost in a soak.
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	gosmtp "github.com/emersion/go-smtp"
)

type config struct {
	addr, sinkAddr, kind, file, label, testdata, run, from, to, write, started string
	n, c, size                                                                 int
	rate                                                                       float64
	duration, drain, timeout                                                   time.Duration
}

func main() {
	var cfg config
	flag.StringVar(&cfg.addr, "addr", "127.0.0.1:2525", "SMTP server under test (loopback only)")
	flag.StringVar(&cfg.sinkAddr, "sink", "", "run the next hop on this address and measure end to end")
	flag.StringVar(&cfg.kind, "kind", "text", "message kind: text, html-ja, mixed, large (see messages.go)")
	flag.StringVar(&cfg.file, "file", "", "send this message file instead (the same bytes every time)")
	flag.IntVar(&cfg.size, "size", 0, "with -kind text and no -file: pad to this size instead of 4 KiB")
	flag.IntVar(&cfg.n, "n", 1000, "messages to send (throughput run)")
	flag.IntVar(&cfg.c, "c", 8, "concurrent sessions")
	flag.Float64Var(&cfg.rate, "rate", 0, "messages per second: a soak run for -duration")
	flag.DurationVar(&cfg.duration, "duration", 0, "length of a soak run")
	flag.DurationVar(&cfg.drain, "drain", 10*time.Minute, "how long to wait for acknowledged messages at the sink after sending")
	flag.DurationVar(&cfg.timeout, "timeout", 10*time.Minute, "give up sending after")
	flag.StringVar(&cfg.label, "label", "", "label printed first")
	flag.StringVar(&cfg.testdata, "testdata", "testdata", "the repository's testdata folder (document templates)")
	flag.StringVar(&cfg.run, "run", fmt.Sprint(time.Now().UnixNano()), "run name, part of every Message-ID")
	flag.StringVar(&cfg.from, "from", "sender@bench.test", "envelope sender")
	flag.StringVar(&cfg.to, "to", "rcpt@bench.test", "envelope recipient")
	flag.StringVar(&cfg.started, "started", "", "create this file when the clock starts, after the messages are generated")
	flag.StringVar(&cfg.write, "write", "", "write the -n messages as files into this folder and exit (to inspect them)")
	flag.Parse()

	for _, a := range []string{cfg.addr, cfg.sinkAddr} {
		if a == "" {
			continue
		}
		host, _, err := net.SplitHostPort(a)
		if err != nil || !(strings.HasPrefix(host, "127.") || host == "::1" || host == "localhost") {
			fatal("loadgen: addresses must be loopback")
		}
	}
	g := &gen{run: cfg.run, from: cfg.from, to: cfg.to}
	if cfg.kind == "mixed" || cfg.kind == "large" {
		tpl, err := loadTemplates(cfg.testdata)
		if err != nil {
			fatal("loadgen: %v", err)
		}
		g.tpl = tpl
	}
	make1, err := messageMaker(&cfg, g)
	if err != nil {
		fatal("loadgen: %v", err)
	}
	if cfg.write != "" {
		for i := 0; i < cfg.n; i++ {
			if err := os.WriteFile(fmt.Sprintf("%s/%s-%d.eml", cfg.write, cfg.kind, i), make1(i), 0o644); err != nil {
				fatal("loadgen: %v", err)
			}
		}
		return
	}
	var sk *sink
	if cfg.sinkAddr != "" {
		if sk, err = startSink(cfg.sinkAddr); err != nil {
			fatal("loadgen: sink: %v", err)
		}
		defer sk.close()
	}
	if cfg.rate > 0 {
		os.Exit(soak(&cfg, g, make1, sk))
	}
	os.Exit(throughput(&cfg, g, make1, sk))
}

func fatal(format string, a ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", a...)
	os.Exit(2)
}

// messageMaker returns the function that makes message i.
func messageMaker(cfg *config, g *gen) (func(i int) []byte, error) {
	if cfg.file != "" {
		body, err := os.ReadFile(cfg.file)
		if err != nil {
			return nil, err
		}
		body = []byte(strings.ReplaceAll(strings.ReplaceAll(string(body), "\r\n", "\n"), "\n", "\r\n"))
		return func(int) []byte { return body }, nil
	}
	if cfg.kind == "text" && cfg.size > 0 {
		return func(i int) []byte {
			m := g.text(i)
			for len(m) < cfg.size {
				m = append(m, "padding line to reach the requested size of the message body.....\r\n"...)
			}
			return m
		}, nil
	}
	f, ok := kinds[cfg.kind]
	if !ok {
		return nil, fmt.Errorf("unknown kind %q", cfg.kind)
	}
	return func(i int) []byte { return f(g, i) }, nil
}

// throughput sends cfg.n pre-generated messages and prints the rates and latencies.
func throughput(cfg *config, g *gen, make1 func(int) []byte, sk *sink) int {
	msgs := make([][]byte, cfg.n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < cfg.n; i = int(next.Add(1)) - 1 {
				msgs[i] = make1(i)
			}
		}()
	}
	wg.Wait()
	var bytesTotal int
	for _, m := range msgs {
		bytesTotal += len(m)
	}

	next.Store(0)
	var ok, failed atomic.Int64
	lat := make([][]time.Duration, cfg.c)
	acked := make([]bool, cfg.n)
	var lastErr atomic.Value
	if cfg.started != "" {
		// Tells a watcher (relay.sh's cpuwatch) that generating is over and sending begins.
		if err := os.WriteFile(cfg.started, nil, 0o644); err != nil {
			fatal("loadgen: %v", err)
		}
	}
	deadline := time.Now().Add(cfg.timeout)
	start := time.Now()
	for w := 0; w < cfg.c; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < cfg.n && time.Now().Before(deadline); i = int(next.Add(1)) - 1 {
				d, err := send(cfg.addr, cfg.from, cfg.to, msgs[i])
				if err != nil {
					failed.Add(1)
					lastErr.Store(err.Error())
					continue
				}
				ok.Add(1)
				acked[i] = true
				lat[w] = append(lat[w], d)
			}
		}(w)
	}
	wg.Wait()
	inject := time.Since(start)
	all := slices.Concat(lat...)
	slices.Sort(all)
	pct := func(p float64) float64 {
		if len(all) == 0 {
			return 0
		}
		return float64(all[min(len(all)-1, int(float64(len(all))*p))].Microseconds()) / 1000
	}
	if cfg.label != "" {
		fmt.Print(cfg.label, " ")
	}
	fmt.Printf("kind=%s avg_bytes=%d msgs=%d sessions=%d ok=%d failed=%d inject_s=%.2f inject_msgs/s=%.1f data_to_250_p50_ms=%.2f p99_ms=%.2f",
		kindName(cfg), bytesTotal/max(1, cfg.n), cfg.n, cfg.c, ok.Load(), failed.Load(), inject.Seconds(),
		float64(ok.Load())/inject.Seconds(), pct(0.50), pct(0.99))
	status := 0
	if sk != nil {
		arrived := sk.waitFor(int(ok.Load()), time.Now().Add(cfg.drain))
		e2e := time.Since(start)
		distinct, total := sk.counts()
		lost := 0
		for i, a := range acked {
			if a && sk.has(g.msgID(i)) == 0 {
				lost++
			}
		}
		fmt.Printf(" e2e_s=%.2f e2e_msgs/s=%.1f delivered=%d duplicates=%d lost=%d", e2e.Seconds(), float64(distinct)/e2e.Seconds(), distinct, total-distinct, lost)
		if !arrived || lost > 0 {
			status = 1
		}
	}
	fmt.Println()
	if failed.Load() > 0 {
		fmt.Fprintf(os.Stderr, "loadgen: %d sends failed, last: %v\n", failed.Load(), lastErr.Load())
		status = 1
	}
	return status
}

func kindName(cfg *config) string {
	if cfg.file != "" {
		return "file"
	}
	return cfg.kind
}

// send delivers one message on a new connection and returns the time from the DATA
// command to the final 250.
func send(addr, from, to string, body []byte) (time.Duration, error) {
	conn, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return 0, err
	}
	conn.SetDeadline(time.Now().Add(5 * time.Minute))
	c := gosmtp.NewClient(conn)
	defer c.Close()
	if err := c.Hello("loadgen.bench.test"); err != nil {
		return 0, err
	}
	if err := c.Mail(from, nil); err != nil {
		return 0, err
	}
	if err := c.Rcpt(to, nil); err != nil {
		return 0, err
	}
	t0 := time.Now()
	w, err := c.Data()
	if err != nil {
		return 0, err
	}
	if _, err := w.Write(body); err != nil {
		return 0, err
	}
	if err := w.Close(); err != nil {
		return 0, err
	}
	d := time.Since(t0)
	c.Quit()
	return d, nil
}
