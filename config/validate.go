package config

import (
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"text/template"
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

// PolicyActions are the values a policy entry may take. They mirror sanitize.PolicyActions
// (a test in cmd/sekisho keeps the two lists equal; config imports no sekisho package).
var PolicyActions = []string{"pass", "sanitize", "render", "strip", "quarantine", "block"}

// problems collects KeyErrors for Validate.
type problems struct {
	c    *Config
	errs []error
}

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
	c.Log.validate(p)
	c.Limits.validate(p)
	for _, k := range sortedKeys(c.Policy) {
		if !slices.Contains(PolicyActions, c.Policy[k]) {
			p.add("policy."+k, c.Policy[k], "must be one of "+strings.Join(PolicyActions, ", "))
		}
	}
	p.oneOf("pdf.uri_actions", c.PDF.URIActions, "keep", "remove")
	p.intRange("image.jpeg_quality", int64(c.Image.JPEGQuality), 1, 100)
	p.oneOf("image.png_compression", c.Image.PNGCompression, "speed", "default", "best")
	p.oneOf("rtf.objects", c.RTF.Objects, "strip", "quarantine")
	c.Render.validate(p)
	c.Mail.validate(p)
	c.SMTP.validate(p)
	c.Delivery.validate(p)
	c.Quarantine.validate(p)
	c.HTTP.validate(p)
	return errors.Join(p.errs...)
}

// CheckPolicyKeys reports every policy key that known rejects, as
// `policy.<key>: unknown type`.
func (c *Config) CheckPolicyKeys(known func(string) bool) error {
	p := &problems{c: c}
	for _, k := range sortedKeys(c.Policy) {
		if !known(k) {
			p.add("policy."+k, "", "unknown type or class")
		}
	}
	return errors.Join(p.errs...)
}

func (l Log) validate(p *problems) {
	p.oneOf("log.level", l.Level, "debug", "info", "warn", "error")
	p.oneOf("log.format", l.Format, "text", "json")
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

func (r Render) validate(p *problems) {
	p.intRange("render.dpi", int64(r.DPI), 36, 600)
	p.intRange("render.instances", int64(r.Instances), 0, 64)
	p.oneOf("render.gray", r.Gray, "auto", "always", "never")
	p.intRange("render.jpeg_quality", int64(r.JPEGQuality), 1, 100)
	if r.ConvertTimeout < Duration(time.Second) || r.ConvertTimeout > Duration(time.Hour) {
		p.add("render.convert_timeout", r.ConvertTimeout.String(), "must be between 1s and 1h")
	}
	p.intRange("render.converters", int64(r.Converters), 1, 16)
}

// UsesRender reports whether any policy entry asks for rendering.
func (c *Config) UsesRender() bool {
	for _, a := range c.Policy {
		if a == "render" {
			return true
		}
	}
	return false
}

// Headers sekisho always writes itself or never copies; an operator cannot add them.
var reservedHeaders = []string{"content-type", "content-transfer-encoding", "content-disposition",
	"mime-version", "received"}

func (m Mail) validate(p *problems) {
	p.oneOf("mail.output_charset", m.OutputCharset, "utf-8", "iso-2022-jp")
	p.oneOf("mail.notice_position", m.NoticePosition, "top", "bottom")
	p.oneOf("mail.nested_messages", m.NestedMessages, "attach", "flatten")
	for i, h := range m.ExtraHeaders {
		key := fmt.Sprintf("mail.extra_headers[%d]", i)
		switch lh := strings.ToLower(h); {
		case !validHeaderName(h):
			p.add(key, h, "must be a header field name (printable ASCII, no spaces or colon)")
		case strings.HasPrefix(lh, "x-sekisho-"):
			p.add(key, h, "X-Sekisho-* headers are written by sekisho and never copied")
		case slices.Contains(reservedHeaders, lh):
			p.add(key, h, "is rebuilt by sekisho and cannot be copied")
		}
	}
	p.intRange("mail.max_parts", int64(m.MaxParts), 1, 1_000_000)
	p.atLeastSize("mail.max_header_bytes", m.MaxHeaderBytes, 1<<10)
	for _, t := range []struct{ key, src string }{
		{"mail.notice_template_ja", m.NoticeTemplateJA},
		{"mail.notice_template_en", m.NoticeTemplateEN},
	} {
		key, src := t.key, t.src
		if src == "" {
			continue
		}
		if _, err := template.New(key).Parse(src); err != nil {
			p.add(key, "", "invalid template: "+strings.TrimPrefix(err.Error(), "template: "))
		}
	}
}

// validHeaderName follows RFC 5322 section 3.6.8: printable US-ASCII except colon.
func validHeaderName(h string) bool {
	if h == "" {
		return false
	}
	for i := 0; i < len(h); i++ {
		if c := h[i]; c < 33 || c > 126 || c == ':' {
			return false
		}
	}
	return true
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
