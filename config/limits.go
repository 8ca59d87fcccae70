package config

import "time"

// Limits bound the work for one top-level item (a file, a message) and everything nested
// in it; they mirror sanitize.Limits, and a limit hit names its key here in the
// quarantine reason.
type Limits struct {
	MaxFileSize  Size     `yaml:"max_file_size"`  // one item, input or output. Default 100MiB.
	MaxTotalSize Size     `yaml:"max_total_size"` // decoded/decompressed bytes across all nested work. Default 512MiB.
	MaxDepth     int      `yaml:"max_depth"`      // nesting (zip in zip, message in message). Default 8.
	MaxEntries   int      `yaml:"max_entries"`    // archive entries and MIME parts, all levels. Default 10000.
	MaxRatio     int64    `yaml:"max_ratio"`      // expanded/compressed ratio of one entry. Default 200.
	MaxPixels    int64    `yaml:"max_pixels"`     // width*height of one image or page. Default 50000000 (a decoded RGBA image costs 4 bytes per pixel).
	MaxPages     int      `yaml:"max_pages"`      // pages of one document. Default 2000.
	Timeout      Duration `yaml:"timeout"`        // wall-clock time for one top-level item. Default 2m.
}

func defaultLimits() Limits {
	return Limits{
		MaxFileSize:  100 << 20,
		MaxTotalSize: 512 << 20,
		MaxDepth:     8,
		MaxEntries:   10000,
		MaxRatio:     200,
		MaxPixels:    50_000_000,
		MaxPages:     2000,
		Timeout:      Duration(2 * time.Minute),
	}
}

func (l Limits) validate(p *problems) {
	p.atLeastSize("limits.max_file_size", l.MaxFileSize, 1<<10)
	if l.MaxTotalSize < l.MaxFileSize {
		p.add("limits.max_total_size", l.MaxTotalSize.String(),
			"must be at least limits.max_file_size ("+l.MaxFileSize.String()+")")
	}
	p.intRange("limits.max_depth", int64(l.MaxDepth), 1, 64)
	p.intRange("limits.max_entries", int64(l.MaxEntries), 1, 10_000_000)
	p.intRange("limits.max_ratio", l.MaxRatio, 1, 1_000_000)
	p.intRange("limits.max_pixels", l.MaxPixels, 1, 1<<40)
	p.intRange("limits.max_pages", int64(l.MaxPages), 1, 1_000_000)
	if l.Timeout < Duration(time.Second) || l.Timeout > Duration(24*time.Hour) {
		p.add("limits.timeout", l.Timeout.String(), "must be between 1s and 24h")
	}
}
