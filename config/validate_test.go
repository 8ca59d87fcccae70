package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestDefaultIsValid(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatalf("Default().Validate() = %v, want nil", err)
	}
}

func TestValidateErrors(t *testing.T) {
	tests := []struct {
		name   string
		modify func(c *Config)
		want   string
	}{
		{"empty data dir", func(c *Config) { c.DataDir = " " }, `config: data_dir: must not be empty`},
		{"log level", func(c *Config) { c.Log.Level = "verbose" }, `config: log.level: must be one of debug, info, warn, error, got "verbose"`},
		{"log format", func(c *Config) { c.Log.Format = "xml" }, `config: log.format: must be one of text, json, got "xml"`},
		{"tiny file size", func(c *Config) { c.Limits.MaxFileSize = 12 }, "config: limits.max_file_size: must be at least 1KiB, got \"12\"\n" +
			`config: smtp.max_message_size: must not exceed limits.max_file_size (12): a larger message would be accepted, then quarantined as too large, got "25MiB"`},
		{"message larger than a file", func(c *Config) { c.SMTP.MaxMessageSize = 200 << 20 }, `config: smtp.max_message_size: must not exceed limits.max_file_size (100MiB): a larger message would be accepted, then quarantined as too large, got "200MiB"`},
		{"listen port not a number", func(c *Config) { c.SMTP.Listen = "127.0.0.1:smtp" }, `config: smtp.listen: port must be a number from 0 to 65535, got "127.0.0.1:smtp"`},
		{"listen without port", func(c *Config) { c.HTTP.Listen = "10.0.0.1" }, `config: http.listen: must be host:port, got "10.0.0.1"`},
		{"listen on a bad host", func(c *Config) { c.HTTP.Listen = "bad host:80" }, `config: http.listen: host must be an IP address or a host name, got "bad host:80"`},
		{"same listen twice", func(c *Config) { c.HTTP.Listen = c.SMTP.Listen }, `config: http.listen: must differ from smtp.listen, got "127.0.0.1:2525"`},
		{"route scheme", func(c *Config) { c.Delivery.Routes = map[string]string{"city.lg.jp": "lmtp://10.0.0.1"} }, `config: delivery.routes.city.lg.jp: must be smtp://host:port[?tls=...] or dir:/path, got "lmtp://10.0.0.1"`},
		{"route tls value", func(c *Config) { c.Delivery.Routes = map[string]string{"city.lg.jp": "smtp://10.0.0.1:25?tls=requird"} }, `config: delivery.routes.city.lg.jp: tls must be one of none, opportunistic, required, got "smtp://10.0.0.1:25?tls=requird"`},
		{"route misspelt parameter", func(c *Config) { c.Delivery.Routes = map[string]string{"*": "smtp://mx.example:25?tsl=required"} }, `config: delivery.routes.*: unknown parameter "tsl" (allowed: tls, insecure, server_name), got "smtp://mx.example:25?tsl=required"`},
		{"route port", func(c *Config) { c.Delivery.Routes = map[string]string{"*": "smtp://mx.example:99999"} }, `config: delivery.routes.*: port must be a number from 1 to 65535, got "smtp://mx.example:99999"`},
		{"route credentials in clear", func(c *Config) { c.Delivery.Routes = map[string]string{"*": "smtp://u:secret@mx.example:587"} }, `config: delivery.routes.*: credentials need tls=required, got "smtp://u:xxxxx@mx.example:587"`},
		{"route empty dir", func(c *Config) { c.Delivery.Routes = map[string]string{"*": "dir:"} }, `config: delivery.routes.*: dir: needs a directory, got "dir:"`},
		{"route domain", func(c *Config) { c.Delivery.Routes = map[string]string{"a b": "dir:/x"} }, `config: delivery.routes.a b: the key must be a domain, .domain for its subdomains, or *`},
		{"total below file", func(c *Config) { c.Limits.MaxTotalSize = 1 << 20 }, `config: limits.max_total_size: must be at least limits.max_file_size (100MiB), got "1MiB"`},
		{"depth zero", func(c *Config) { c.Limits.MaxDepth = 0 }, `config: limits.max_depth: must be between 1 and 64, got "0"`},
		{"entries negative", func(c *Config) { c.Limits.MaxEntries = -1 }, `config: limits.max_entries: must be between 1 and 10000000, got "-1"`},
		{"ratio zero", func(c *Config) { c.Limits.MaxRatio = 0 }, `config: limits.max_ratio: must be between 1 and 1000000, got "0"`},
		{"pixels zero", func(c *Config) { c.Limits.MaxPixels = 0 }, `config: limits.max_pixels: must be between 1 and 1099511627776, got "0"`},
		{"pages zero", func(c *Config) { c.Limits.MaxPages = 0 }, `config: limits.max_pages: must be between 1 and 1000000, got "0"`},
		{"timeout short", func(c *Config) { c.Limits.Timeout = Duration(time.Millisecond) }, `config: limits.timeout: must be between 1s and 24h, got "1ms"`},
		{"policy action", func(c *Config) { c.Policy["pdf"] = "allow" }, `config: policy.pdf: must be one of pass, sanitize, convert, render, strip, quarantine, block, got "allow"`},
		{"uri actions", func(c *Config) { c.PDF.URIActions = "defang" }, `config: pdf.uri_actions: must be one of keep, remove, got "defang"`},
		{"pdf fonts", func(c *Config) { c.PDF.Fonts = "keep" }, `config: pdf.fonts: must be one of keep-valid, drop, got "keep"`},
		{"jpeg quality", func(c *Config) { c.Image.JPEGQuality = 101 }, `config: image.jpeg_quality: must be between 1 and 100, got "101"`},
		{"png compression", func(c *Config) { c.Image.PNGCompression = "max" }, `config: image.png_compression: must be one of speed, default, best, got "max"`},
		{"rtf objects", func(c *Config) { c.RTF.Objects = "keep" }, `config: rtf.objects: must be one of strip, quarantine, got "keep"`},
		{"render dpi", func(c *Config) { c.Render.DPI = 1200 }, `config: render.dpi: must be between 36 and 600, got "1200"`},
		{"render gray", func(c *Config) { c.Render.Gray = "sepia" }, `config: render.gray: must be one of auto, always, never, got "sepia"`},
		{"render timeout", func(c *Config) { c.Render.ConvertTimeout = 0 }, `config: render.convert_timeout: must be between 1s and 1h, got "0s"`},
		{"output charset", func(c *Config) { c.Mail.OutputCharset = "shift_jis" }, `config: mail.output_charset: must be one of utf-8, iso-2022-jp, got "shift_jis"`},
		{"notice position", func(c *Config) { c.Mail.NoticePosition = "middle" }, `config: mail.notice_position: must be one of top, bottom, got "middle"`},
		{"nested messages", func(c *Config) { c.Mail.NestedMessages = "drop" }, `config: mail.nested_messages: must be one of attach, flatten, got "drop"`},
		{"header with colon", func(c *Config) { c.Mail.ExtraHeaders = []string{"List-Id", "X-Bad:"} }, `config: mail.extra_headers[1]: must be a header field name (printable ASCII, no spaces or colon), got "X-Bad:"`},
		{"own header", func(c *Config) { c.Mail.ExtraHeaders = []string{"X-Sekisho-Status"} }, `config: mail.extra_headers[0]: X-Sekisho-* headers are written by sekisho and never copied, got "X-Sekisho-Status"`},
		{"structure header", func(c *Config) { c.Mail.ExtraHeaders = []string{"Content-Type"} }, `config: mail.extra_headers[0]: is rebuilt by sekisho and cannot be copied, got "Content-Type"`},
		{"max parts", func(c *Config) { c.Mail.MaxParts = 0 }, `config: mail.max_parts: must be between 1 and 1000000, got "0"`},
		{"header bytes", func(c *Config) { c.Mail.MaxHeaderBytes = 100 }, `config: mail.max_header_bytes: must be at least 1KiB, got "100"`},
		{"template", func(c *Config) { c.Mail.NoticeTemplateJA = "{{.Items" }, `config: mail.notice_template_ja: invalid template: mail.notice_template_ja:1: unclosed action`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := Default()
			tc.modify(c)
			err := c.Validate()
			if err == nil || err.Error() != tc.want {
				t.Fatalf("Validate() = %v, want %s", err, tc.want)
			}
			var ke *KeyError
			if !errors.As(err, &ke) {
				t.Errorf("Validate() error %T is not a *KeyError", err)
			}
		})
	}
}

func TestValidateReportsEverything(t *testing.T) {
	c := Default()
	c.Log.Level = "x"
	c.Limits.MaxDepth = 0
	c.Image.JPEGQuality = 0
	c.Mail.MaxParts = 0
	err := c.Validate()
	if err == nil {
		t.Fatal("Validate() = nil, want four errors")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 4 {
		t.Fatalf("Validate() gave %d errors, want 4:\n%s", len(lines), err)
	}
	for i, key := range []string{"log.level", "limits.max_depth", "image.jpeg_quality", "mail.max_parts"} {
		if !strings.Contains(lines[i], key) {
			t.Errorf("error %d = %q, want it to name %s", i, lines[i], key)
		}
	}
}

func TestCheckPolicyKeys(t *testing.T) {
	cfg, err := Load(strings.NewReader("policy:\n  pdf: render\n  exe: quarantine\n  docz: block\n"))
	if err != nil {
		t.Fatal(err)
	}
	known := func(k string) bool { return k == "pdf" || k == "exe" }
	got := cfg.CheckPolicyKeys(known)
	want := `config: line 4: policy.docz: unknown type or class`
	if got == nil || got.Error() != want {
		t.Errorf("CheckPolicyKeys() = %v, want %s", got, want)
	}
	if err := Default().CheckPolicyKeys(known); err != nil {
		t.Errorf("Default().CheckPolicyKeys() = %v, want nil", err)
	}
}
