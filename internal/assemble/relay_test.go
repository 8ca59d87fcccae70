package assemble

import (
	"runtime"
	"testing"

	"github.com/sekisho/sekisho/config"
)

func TestSanitizeWorkers(t *testing.T) {
	for _, c := range []struct {
		store   string
		workers int
		want    int
	}{
		{config.StoreSQLite, 0, 0}, // delivery's default: one per CPU
		{config.StoreSQLite, 5, 5},
		{"postgres://sekisho@db/sekisho", 0, 3 * runtime.NumCPU()},
		{"postgres://sekisho@db/sekisho", 5, 5},
	} {
		cfg := config.Default()
		cfg.Store, cfg.SMTP.SanitizeWorkers = c.store, c.workers
		if got := sanitizeWorkers(cfg); got != c.want {
			t.Errorf("store %s, sanitize_workers %d: %d workers, want %d", c.store, c.workers, got, c.want)
		}
	}
}
