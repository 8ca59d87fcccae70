package queue

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkJournalCommit: concurrent sessions committing 50 KiB messages (relay case (c)),
// with busy goroutines beside them as the sanitize workers are: time to durable (the
// SMTP server's time from end of data to 250) at p50 and p99, and messages per second.
// On a real disk: the figures are the disk's fdatasync plus the waits around it.
//
//	go test -run '^$' -bench JournalCommit -benchtime 2000x ./gateway/queue
func BenchmarkJournalCommit(b *testing.B) {
	body := make([]byte, 50<<10)
	for i := range body {
		body[i] = byte('a' + i%26)
	}
	for _, sessions := range []int{8, 64} {
		for _, hogs := range []int{0, 2} {
			b.Run(fmt.Sprintf("sessions=%d/busy=%d", sessions, hogs), func(b *testing.B) {
				j, err := OpenJournal(b.TempDir(), JournalOptions{})
				if err != nil {
					b.Fatal(err)
				}
				defer j.Close()
				var stop atomic.Bool
				var hw sync.WaitGroup
				for range hogs {
					hw.Add(1)
					go func() { // spins until stop
						defer hw.Done()
						x := 0
						for !stop.Load() {
							for i := 0; i < 1e5; i++ {
								x += i * i
							}
						}
						_ = x
					}()
				}
				lat := make([][]time.Duration, sessions)
				var next atomic.Int64
				var wg sync.WaitGroup
				b.ResetTimer()
				start := time.Now()
				for s := range sessions {
					wg.Add(1)
					go func() { // commits until b.N messages are in
						defer wg.Done()
						for next.Add(1) <= int64(b.N) {
							env := Envelope{ID: NewID(time.Now()), Rcpts: []string{"r@city.lg.jp"}}
							w, err := j.Accept(env)
							if err != nil {
								b.Error(err)
								return
							}
							w.Write(body)
							t0 := time.Now()
							if err := w.Commit(); err != nil {
								b.Error(err)
								return
							}
							lat[s] = append(lat[s], time.Since(t0))
							j.RemoveIncoming(env.ID)
						}
					}()
				}
				wg.Wait()
				el := time.Since(start)
				b.StopTimer()
				stop.Store(true)
				hw.Wait()
				all := slices.Concat(lat...)
				slices.Sort(all)
				if len(all) > 0 {
					b.ReportMetric(float64(all[len(all)/2].Microseconds())/1000, "p50-ms")
					b.ReportMetric(float64(all[len(all)*99/100].Microseconds())/1000, "p99-ms")
					b.ReportMetric(float64(len(all))/el.Seconds(), "msgs/s")
				}
			})
		}
	}
}
