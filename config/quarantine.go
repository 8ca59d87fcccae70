package config

import "time"

// Quarantine configures the embedded quarantine store under data_dir/quarantine.
type Quarantine struct {
	// KeyFile holds a 32-byte key (raw, or 64 hex characters) sealing originals with
	// AES-256-GCM. Empty: originals are stored unencrypted.
	KeyFile string `yaml:"key_file" config:"path"`
	// Retention: items older than this are purged (originals removed, records kept as
	// expired) every purge_interval by serve (on one node of a shared store) and by
	// `quarantine purge`. Default 720h (30 days).
	Retention Duration `yaml:"retention"`
	// PurgeInterval is how often serve purges. Default 24h.
	PurgeInterval Duration `yaml:"purge_interval"`
}

func defaultQuarantine() Quarantine {
	return Quarantine{Retention: Duration(720 * time.Hour), PurgeInterval: Duration(24 * time.Hour)}
}

func (q Quarantine) validate(p *problems) {
	p.durRange("quarantine.retention", q.Retention, time.Hour, 100*365*24*time.Hour)
	p.durRange("quarantine.purge_interval", q.PurgeInterval, time.Second, 7*24*time.Hour)
}
