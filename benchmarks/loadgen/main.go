// Command loadgen sends a bounded number of messages to an SMTP server on loopback with a
// fixed number of concurrent sessions and reports throughput and the time from the start
// of DATA to the 250 reply (p50, p99): the latency a sending MTA sees for a durable accept.
//
//	go run ./benchmarks/loadgen -addr 127.0.0.1:2525 -n 2000 -c 16 -size 4096
//	go run ./benchmarks/loadgen -addr 127.0.0.1:2525 -n 500 -c 16 -file mixed-50k.eml
package main

import (
	"bytes"
	"flag"
	"fmt"
	"net"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	gosmtp "github.com/emersion/go-smtp"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:2525", "SMTP server (loopback only)")
	n := flag.Int("n", 1000, "messages to send")
	c := flag.Int("c", 16, "concurrent sessions")
	size := flag.Int("size", 4096, "body size when -file is not given")
	file := flag.String("file", "", "send this message instead of a generated one")
	from := flag.String("from", "sender@bench.test", "envelope sender")
	to := flag.String("to", "rcpt@bench.test", "envelope recipient")
	label := flag.String("label", "", "label printed first")
	timeout := flag.Duration("timeout", 10*time.Minute, "give up after")
	flag.Parse()

	host, _, err := net.SplitHostPort(*addr)
	if err != nil || !(strings.HasPrefix(host, "127.") || host == "::1" || host == "localhost") {
		fmt.Fprintln(os.Stderr, "loadgen: target must be a loopback address")
		os.Exit(2)
	}
	var body []byte
	if *file != "" {
		if body, err = os.ReadFile(*file); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		body = bytes.ReplaceAll(bytes.ReplaceAll(body, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n"))
	} else {
		var b bytes.Buffer
		fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: load test\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n", *from, *to)
		line := "The quick brown fox jumps over the lazy dog. 0123456789 abcdefghijklmnopqrstu\r\n"
		for b.Len() < *size {
			b.WriteString(line)
		}
		body = b.Bytes()
	}

	var next, ok, failed atomic.Int64
	lat := make([][]time.Duration, *c)
	deadline := time.Now().Add(*timeout)
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < *c; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for next.Add(1) <= int64(*n) && time.Now().Before(deadline) {
				d, err := send(*addr, *from, *to, body)
				if err != nil {
					failed.Add(1)
					continue
				}
				ok.Add(1)
				lat[w] = append(lat[w], d)
			}
		}(w)
	}
	wg.Wait()
	el := time.Since(start)
	all := slices.Concat(lat...)
	slices.Sort(all)
	pct := func(p float64) float64 {
		if len(all) == 0 {
			return 0
		}
		return float64(all[min(len(all)-1, int(float64(len(all))*p))].Microseconds()) / 1000
	}
	if *label != "" {
		fmt.Print(*label, " ")
	}
	fmt.Printf("target=%s size=%d msgs=%d sessions=%d ok=%d failed=%d elapsed_s=%.2f msgs/s=%.0f MB/s=%.2f data_to_250_p50_ms=%.2f p99_ms=%.2f\n",
		*addr, len(body), *n, *c, ok.Load(), failed.Load(), el.Seconds(), float64(ok.Load())/el.Seconds(),
		float64(ok.Load())*float64(len(body))/el.Seconds()/1e6, pct(0.50), pct(0.99))
	if failed.Load() > 0 {
		os.Exit(1)
	}
}

// send delivers one message on a new connection (as smtp-source does without -d) and
// returns the time from the DATA command to the final 250.
func send(addr, from, to string, body []byte) (time.Duration, error) {
	c, err := gosmtp.Dial(addr)
	if err != nil {
		return 0, err
	}
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
