package quarantine

import (
	"context"
	"log/slog"
	"time"
)

// Periodic runs f now and then every interval until ctx ends. With el (a store several
// nodes share) f runs only on the node that leads task: a node that takes the lead over
// (the leader stopped or died) waits out the interval its predecessor started, so f runs
// once per interval whichever node runs it. f gets a context that ends when the lead is
// lost. log may be nil.
func Periodic(ctx context.Context, el Elector, task string, every time.Duration, f func(context.Context), log *slog.Logger) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if el == nil {
		runEvery(ctx, every, nil, task, f, log)
		return
	}
	for ctx.Err() == nil {
		lead, release, err := el.Lead(ctx, task)
		if err != nil {
			return // ctx ended
		}
		runEvery(lead, every, el, task, f, log)
		release()
	}
}

// runEvery runs f now and then every interval until ctx ends; with el, when the interval
// since the last run by any node has passed.
func runEvery(ctx context.Context, every time.Duration, el Elector, task string, f func(context.Context), log *slog.Logger) {
	for {
		next := time.Now()
		if el != nil {
			last, err := el.LastRun(ctx, task)
			switch {
			case ctx.Err() != nil:
				return
			case err != nil:
				log.Error("cannot read when a task last ran", "task", task, "err", err)
				next = next.Add(time.Minute)
			case !last.IsZero():
				next = last.Add(every)
			}
		}
		if !sleepUntil(ctx, next) {
			return
		}
		start := time.Now()
		f(ctx)
		if el == nil {
			if !sleepUntil(ctx, start.Add(every)) {
				return
			}
			continue
		}
		if err := el.Ran(ctx, task, start); err != nil && ctx.Err() == nil {
			log.Error("cannot record a task's run", "task", task, "err", err)
			sleepUntil(ctx, time.Now().Add(time.Minute))
		}
	}
}

// sleepUntil waits for t; false when ctx ended first.
func sleepUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-timer.C:
		return true
	}
}
