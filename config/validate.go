package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"
)

// KeyError is one problem with one configuration key. Key is dotted
// ("limits.max_file_size"); Value is the offending value as written ("" when there is none
// to show); File and Line say where, when known.
type KeyError struct {
	File  string
	Line  int
	Key   string
	Value string
	Msg   string
}

// Error renders `config: sekisho.yaml:12: limits.max_file_size: must be at least 1KiB, got "12"`.
func (e *KeyError) Error() string {
	var b strings.Builder
	b.WriteString("config: ")
	switch {
	case e.File != "" && e.Line > 0:
		fmt.Fprintf(&b, "%s:%d: ", e.File, e.Line)
	case e.File != "":
		fmt.Fprintf(&b, "%s: ", e.File)
	case e.Line > 0:
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	b.WriteString(e.Key)
	b.WriteString(": ")
	b.WriteString(e.Msg)
	if e.Value != "" {
		fmt.Fprintf(&b, ", got %q", e.Value)
	}
	return b.String()
}

// LogValue keeps the fields structured in logs.
func (e *KeyError) LogValue() slog.Value {
	return slog.GroupValue(slog.String("key", e.Key), slog.String("value", e.Value),
		slog.String("problem", e.Msg), slog.String("file", e.File), slog.Int("line", e.Line))
}

// KeyError builds a *KeyError for key with the file and line it was loaded from, for
// checks made outside this package (policy keys are known only to the engine).
func (c *Config) KeyError(key, value, msg string) *KeyError {
	return &KeyError{File: c.file, Line: c.lines[key], Key: key, Value: value, Msg: msg}
}

// problems collects KeyErrors for Validate.
type problems struct {
	c    *Config
	errs []error
}

// err joins what was found; nil when nothing was.
func (p *problems) err() error { return errors.Join(p.errs...) }

func (p *problems) add(key, value, msg string) {
	p.errs = append(p.errs, p.c.KeyError(key, value, msg))
}

func (p *problems) oneOf(key, value string, allowed ...string) {
	if !slices.Contains(allowed, value) {
		p.add(key, value, "must be one of "+strings.Join(allowed, ", "))
	}
}

func (p *problems) atLeastSize(key string, v, min Size) {
	if v < min {
		p.add(key, v.String(), "must be at least "+min.String())
	}
}

func (p *problems) intRange(key string, v, lo, hi int64) {
	if v < lo || v > hi {
		p.add(key, strconv.FormatInt(v, 10), fmt.Sprintf("must be between %d and %d", lo, hi))
	}
}

// Validate checks every value and reports all problems at once, joined with errors.Join;
// each is a *KeyError. It does not check policy keys (type and class names belong to the
// engine): see CheckPolicyKeys.
func (c *Config) Validate() error {
	p := &problems{c: c}
	if strings.TrimSpace(c.DataDir) == "" {
		p.add("data_dir", "", "must not be empty")
	}
	validateStore(p, c)
	c.Log.validate(p)
	c.Limits.validate(p)
	validatePolicy(p, c.Policy)
	c.PDF.validate(p)
	c.Image.validate(p)
	c.Text.validate(p)
	c.OOXML.validate(p)
	c.RTF.validate(p)
	c.Metadata.validate(p)
	c.Render.validate(p)
	c.Mail.validate(p)
	c.SMTP.validate(p)
	c.Delivery.validate(p)
	c.Quarantine.validate(p)
	c.HTTP.validate(p)
	c.Portal.validate(p)
	c.Transfer.validate(p)
	c.crossChecks(p)
	return p.err()
}

// crossChecks are the rules between sections.
func (c *Config) crossChecks(p *problems) {
	if c.SMTP.MaxMessageSize > c.Limits.MaxFileSize {
		p.add("smtp.max_message_size", c.SMTP.MaxMessageSize.String(),
			"must not exceed limits.max_file_size ("+c.Limits.MaxFileSize.String()+"): a larger message would be accepted, then quarantined as too large")
	}
	if c.HTTP.Listen != "" && c.HTTP.Listen == c.SMTP.Listen && !strings.HasSuffix(c.SMTP.Listen, ":0") {
		p.add("http.listen", c.HTTP.Listen, "must differ from smtp.listen")
	}
	if t := c.Transfer; t.Enabled {
		if !c.Portal.Enabled || c.HTTP.Listen == "" {
			p.add("transfer.enabled", "true", "needs the portal (portal.enabled and http.listen): staff use transfers there")
		}
		if !strings.HasSuffix(t.InternetListen, ":0") && (t.InternetListen == c.HTTP.Listen || t.InternetListen == c.SMTP.Listen) {
			p.add("transfer.internet_listen", t.InternetListen, "must differ from http.listen and smtp.listen")
		}
	}
}

// hostPort checks a listen address: host:port with a numeric port (0 lets the kernel
// choose), the host an IP address, a host name or empty for every interface.
func (p *problems) hostPort(key, v string, allowEmpty bool) {
	if v == "" && allowEmpty {
		return
	}
	host, port, err := net.SplitHostPort(v)
	if err != nil {
		p.add(key, v, "must be host:port")
		return
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		p.add(key, v, "port must be a number from 0 to 65535")
	}
	if host != "" && net.ParseIP(host) == nil && !validHostName(host) {
		p.add(key, v, "host must be an IP address or a host name")
	}
}

func (p *problems) durRange(key string, d Duration, lo, hi time.Duration) {
	if d < Duration(lo) || d > Duration(hi) {
		p.add(key, d.String(), fmt.Sprintf("must be between %s and %s", lo, hi))
	}
}
