package assemble

import (
	"context"

	"github.com/sekisho/sekisho/quarantine"
)

// taskRetention is the name of the retention purge among the work that must run once.
const taskRetention = "retention"

// retention expires quarantined items older than quarantine.retention every
// quarantine.purge_interval until ctx ends; with a store several nodes share, on the one
// node that leads the task (quarantine.Periodic).
func (g *Gateway) retention(ctx context.Context) {
	el, _ := g.store.Backend().(quarantine.Elector)
	quarantine.Periodic(ctx, el, taskRetention, g.cfg.Quarantine.PurgeInterval.Std(), g.purge, g.log)
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
