package assemble

import (
	"context"
	"time"

	"github.com/sekisho/sekisho/quarantine"
)

// taskRetention is the name of the retention purge among the work that must run once.
const taskRetention = "retention"

// retention expires quarantined items older than quarantine.retention every
// quarantine.purge_interval until ctx ends. With a store several nodes share, only the
// node that leads the task purges; a node that takes the lead over (the leader stopped or
// died) waits out the interval its predecessor started, so the purge runs once per
// interval whichever node does it.
func (g *Gateway) retention(ctx context.Context) {
	every := g.cfg.Quarantine.PurgeInterval.Std()
	el, shared := g.store.Backend().(quarantine.Elector)
	if !shared {
		g.purgeEvery(ctx, every, nil)
		return
	}
	for ctx.Err() == nil {
		lead, release, err := el.Lead(ctx, taskRetention)
		if err != nil {
			return // ctx ended
		}
		g.purgeEvery(lead, every, el)
		release()
	}
}

// purgeEvery purges now and then every interval until ctx ends; with el, when the
// interval since the last purge by any node has passed.
func (g *Gateway) purgeEvery(ctx context.Context, every time.Duration, el quarantine.Elector) {
	for {
		next := time.Now()
		if el != nil {
			last, err := el.LastRun(ctx, taskRetention)
			switch {
			case ctx.Err() != nil:
				return
			case err != nil:
				g.log.Error("quarantine purge: cannot read when it last ran", "err", err)
				next = next.Add(time.Minute)
			case !last.IsZero():
				next = last.Add(every)
			}
		}
		if !sleepUntil(ctx, next) {
			return
		}
		start := time.Now()
		g.purge(ctx)
		if el == nil {
			if !sleepUntil(ctx, start.Add(every)) {
				return
			}
			continue
		}
		if err := el.Ran(ctx, taskRetention, start); err != nil && ctx.Err() == nil {
			g.log.Error("quarantine purge: cannot record the run", "err", err)
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

// purge expires quarantined items older than quarantine.retention.
func (g *Gateway) purge(ctx context.Context) {
	n, err := g.store.Purge(ctx, g.cfg.Quarantine.Retention.Std(), quarantine.Retention)
	switch {
	case err != nil && ctx.Err() != nil:
		g.log.Warn("quarantine purge stopped", "items", n, "err", err)
	case err != nil:
		g.log.Error("quarantine purge failed", "err", err)
	case n > 0:
		g.log.Info("quarantine purged", "items", n, "retention", g.cfg.Quarantine.Retention.String())
	}
}
