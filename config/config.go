// Package config is sekisho's configuration: one Config struct decoded from YAML with
// unknown keys rejected, defaults that work with no file (Default), and Validate, which
// reports every problem at once, each naming the dotted key, the bad value and what is
// allowed.
//
// The embedded sekisho.example.yaml (ExampleFile) is the operator reference: every key with
// its default and a comment. A test decodes it strictly, checks that it equals Default and
// that every field of Config appears in it, so the reference cannot drift from the code.
//
// The package is a leaf: it imports no other sekisho package. Components take their
// section by value and convert it to their own options in cmd/sekisho.
//
// Adding a section: a struct type with yaml tags and operator-facing field comments, a
// field in Config, its defaults in Default, a validate method called from Validate, and
// its keys in sekisho.example.yaml (the coverage test fails until they are there).
package config

import (
	"os"
	"time"
)

// Config is the whole configuration. Every setting is optional; the defaults are
// documented in sekisho.example.yaml and set by Default.
type Config struct {
	// DataDir holds everything sekisho keeps (spool, quarantine). Default "./sekisho-data".
	DataDir string `yaml:"data_dir"`
	// TempDir is where large inputs and outputs spill from memory while being sanitized.
	// Empty means the operating system's temp directory.
	TempDir string `yaml:"temp_dir"`

	Log    Log    `yaml:"log"`
	Limits Limits `yaml:"limits"`
	// Policy overrides the built-in action for a detected type name (docm, png, csv) or
	// class (pdf, image, text, ooxml, odf, ole, archive, message, executable, script, ...).
	// A type name wins over its class. Empty means the built-in, fail-closed table.
	Policy map[string]string `yaml:"policy"`
	PDF    PDF               `yaml:"pdf"`
	Image  Image             `yaml:"image"`
	Text   Text              `yaml:"text"`
	OOXML  OOXML             `yaml:"ooxml"`
	RTF    RTF               `yaml:"rtf"`
	Render Render            `yaml:"render"`
	Mail   Mail              `yaml:"mail"`

	SMTP       SMTP       `yaml:"smtp"`
	Delivery   Delivery   `yaml:"delivery"`
	Quarantine Quarantine `yaml:"quarantine"`
	HTTP       HTTP       `yaml:"http"`

	// Where the values came from, for error messages: file name and the line of each
	// dotted key. Filled by Load; empty for Default.
	file  string
	lines map[string]int
}

// Log configures the structured log written to standard error.
type Log struct {
	Level  string `yaml:"level"`  // debug, info, warn or error. Default info.
	Format string `yaml:"format"` // text or json. Default text.
}

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

// PDF configures the structural PDF sanitizer.
type PDF struct {
	// URIActions: keep (links stay, as plain URI actions) or remove. Default keep.
	URIActions string `yaml:"uri_actions"`
}

// Image configures image re-encoding.
type Image struct {
	JPEGQuality    int    `yaml:"jpeg_quality"`    // 1-100. Default 92.
	PNGCompression string `yaml:"png_compression"` // speed, default or best. Default speed.
}

// Text configures text, CSV and HTML normalization.
type Text struct {
	// DefangLinks rewrites links in converted HTML as hxxp://example[.]com. Default false.
	DefangLinks bool `yaml:"defang_links"`
	// CSVBOM starts CSV and TSV output with a UTF-8 byte order mark, which Excel on
	// Japanese Windows needs to read UTF-8 (without it, it assumes Shift_JIS). Default false.
	CSVBOM bool `yaml:"csv_bom"`
}

// OOXML configures the Office Open XML and OpenDocument sanitizer.
type OOXML struct {
	// KeepHyperlinks keeps external http, https and mailto hyperlinks (text links a person
	// must click). Other external relationships (remote templates, linked objects and
	// images, data connections, file: and UNC targets) are always removed. Default true.
	KeepHyperlinks bool `yaml:"keep_hyperlinks"`
}

// RTF configures the RTF rewriter.
type RTF struct {
	// Objects: strip (remove embedded and linked OLE objects, keep the picture or text
	// shown in their place) or quarantine (refuse documents that carry any). Default strip.
	Objects string `yaml:"objects"`
}

// Render configures the rasterizer used where the policy says render: PDFs (and, through
// LibreOffice, Office, ODF and RTF documents) become image-only PDFs. It is started only
// when some policy entry is render, since compiling PDFium takes seconds.
type Render struct {
	DPI       int  `yaml:"dpi"`        // resolution, 36-600. Default 150.
	Instances int  `yaml:"instances"`  // PDFium instances (pages at once), 0 = number of CPUs. Default 0.
	TextLayer bool `yaml:"text_layer"` // add the page text invisibly so it stays searchable. Default false.
	// Gray: auto (grayscale for pages without colour), always or never. Default auto.
	Gray        string `yaml:"gray"`
	JPEGQuality int    `yaml:"jpeg_quality"` // quality of photographic pages, 1-100. Default 80.
	// FontDir is the font folder PDFium sees, read-only; Japanese text in non-embedded
	// fonts needs CJK fonts there. Empty: /usr/share/fonts when it exists; "-": none.
	FontDir        string   `yaml:"font_dir"`
	ConvertTimeout Duration `yaml:"convert_timeout"` // LibreOffice time per document. Default 60s.
	Converters     int      `yaml:"converters"`      // LibreOffice conversions at once, 1-16. Default 1.
}

// Mail configures message sanitization.
type Mail struct {
	OutputCharset  string   `yaml:"output_charset"`  // utf-8 or iso-2022-jp. Default utf-8.
	NoticePosition string   `yaml:"notice_position"` // top or bottom. Default top.
	NestedMessages string   `yaml:"nested_messages"` // attach or flatten. Default attach.
	ExtraHeaders   []string `yaml:"extra_headers"`   // headers copied besides the standard set. Default none.
	MaxParts       int      `yaml:"max_parts"`       // MIME parts per message. Default 1000.
	MaxHeaderBytes Size     `yaml:"max_header_bytes"`
	// NoticeTemplateJA and NoticeTemplateEN are text/template sources for the notice
	// block. Empty means the built-in templates.
	NoticeTemplateJA string `yaml:"notice_template_ja"`
	NoticeTemplateEN string `yaml:"notice_template_en"`
}

// Default returns the configuration used when no file is given.
func Default() *Config {
	c := &Config{
		DataDir: "./sekisho-data",
		TempDir: "",
		Log:     Log{Level: "info", Format: "text"},
		Limits: Limits{
			MaxFileSize:  100 << 20,
			MaxTotalSize: 512 << 20,
			MaxDepth:     8,
			MaxEntries:   10000,
			MaxRatio:     200,
			MaxPixels:    50_000_000,
			MaxPages:     2000,
			Timeout:      Duration(2 * time.Minute),
		},
		Policy: map[string]string{},
		PDF:    PDF{URIActions: "keep"},
		Image:  Image{JPEGQuality: 92, PNGCompression: "speed"},
		Text:   Text{DefangLinks: false},
		OOXML:  OOXML{KeepHyperlinks: true},
		RTF:    RTF{Objects: "strip"},
		Render: Render{DPI: 150, Gray: "auto", JPEGQuality: 80, ConvertTimeout: Duration(time.Minute), Converters: 1},
		Mail: Mail{
			OutputCharset:  "utf-8",
			NoticePosition: "top",
			NestedMessages: "attach",
			ExtraHeaders:   []string{},
			MaxParts:       1000,
			MaxHeaderBytes: 64 << 10,
		},
	}
	defaultRelay(c)
	return c
}

// TempDirOrDefault returns TempDir, or the operating system's temp directory when empty.
func (c *Config) TempDirOrDefault() string {
	if c.TempDir == "" {
		return os.TempDir()
	}
	return c.TempDir
}

// File is the path the configuration was loaded from, or "" for defaults and readers.
func (c *Config) File() string { return c.file }
