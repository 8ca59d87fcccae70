package config

// Log configures the structured log written to standard error.
type Log struct {
	Level  string `yaml:"level"`  // debug, info, warn or error. Default info.
	Format string `yaml:"format"` // text or json. Default text.
}

func defaultLog() Log { return Log{Level: "info", Format: "text"} }

func (l Log) validate(p *problems) {
	p.oneOf("log.level", l.Level, "debug", "info", "warn", "error")
	p.oneOf("log.format", l.Format, "text", "json")
}
