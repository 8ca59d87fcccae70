package main

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// soak sends at cfg.rate for cfg.duration, generating each message as it goes, then waits
// up to cfg.drain for every acknowledged message at the sink. It prints a progress line a
// minute and one result line: acknowledged, failed (no 250: the sender would retry),
// delivered, lost (acknowledged, never delivered) and duplicates.
func soak(cfg *config, g *gen, make1 func(int) []byte, sk *sink) int {
	if sk == nil {
		fatal("loadgen: a soak needs -sink")
	}
	tokens := make(chan int, cfg.c)
	var acked sync.Map
	var nAcked, nFailed atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < cfg.c; w++ {
		wg.Add(1)
		go func() { // ends when tokens is closed
			defer wg.Done()
			for i := range tokens {
				if _, err := send(cfg.addr, cfg.from, cfg.to, make1(i)); err != nil {
					nFailed.Add(1)
					continue
				}
				acked.Store(i, true)
				nAcked.Add(1)
			}
		}()
	}
	start := time.Now()
	interval := time.Duration(float64(time.Second) / cfg.rate)
	tick := time.NewTicker(interval)
	report := time.NewTicker(time.Minute)
	sent, behind := 0, 0
	for end := start.Add(cfg.duration); time.Now().Before(end); {
		select {
		case <-tick.C:
			select {
			case tokens <- sent:
				sent++
			default:
				behind++ // every session busy: the rate is above what the relay takes now
			}
		case <-report.C:
			d, _ := sk.counts()
			fmt.Fprintf(os.Stderr, "soak %s: sent %d, acknowledged %d, failed %d, delivered %d, skipped %d\n",
				time.Since(start).Round(time.Second), sent, nAcked.Load(), nFailed.Load(), d, behind)
		}
	}
	tick.Stop()
	report.Stop()
	close(tokens)
	wg.Wait()
	elapsed := time.Since(start)

	ids := func() (want []int) {
		acked.Range(func(k, _ any) bool { want = append(want, k.(int)); return true })
		return want
	}()
	missing := func() int {
		n := 0
		for _, i := range ids {
			if sk.has(g.msgID(i)) == 0 {
				n++
			}
		}
		return n
	}
	for deadline := time.Now().Add(cfg.drain); missing() > 0 && time.Now().Before(deadline); {
		time.Sleep(time.Second)
	}
	lost := missing()
	distinct, total := sk.counts()
	dups := total - distinct
	if cfg.label != "" {
		fmt.Print(cfg.label, " ")
	}
	fmt.Printf("kind=%s soak_s=%.0f rate=%.1f sessions=%d sent=%d acknowledged=%d failed=%d skipped=%d delivered=%d lost=%d duplicates=%d\n",
		kindName(cfg), elapsed.Seconds(), cfg.rate, cfg.c, sent, len(ids), nFailed.Load(), behind, distinct, lost, dups)
	if lost > 0 {
		return 1
	}
	return 0
}
