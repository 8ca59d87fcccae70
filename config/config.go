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
// Adding a section: a file of its own (see pdf.go) with the struct type, yaml tags and
// operator-facing field comments, a defaultX function and a validate method; a field in
// Config, a line in Default and in Validate; its keys in sekisho.example.yaml (the
// coverage test fails until they are there).
package config

import "os"

// Config is the whole configuration. Every setting is optional; the defaults are
// documented in sekisho.example.yaml and set by Default.
type Config struct {
	// DataDir holds everything sekisho keeps (spool, quarantine). Default "./sekisho-data".
	DataDir string `yaml:"data_dir" config:"path"`
	// TempDir is where large inputs and outputs spill from memory while being sanitized.
	// Empty means the operating system's temp directory.
	TempDir string `yaml:"temp_dir" config:"path"`
	// Store is where the quarantine, the audit log, portal accounts and transfers live:
	// "sqlite" (default: embedded, under data_dir/quarantine) or a postgres:// URL of a
	// database that several nodes share (pool settings under postgres).
	Store string `yaml:"store"`
	// Node names this process in the audit log and in the database's sessions; several
	// nodes on one store need distinct names. Empty: the host name.
	Node     string   `yaml:"node"`
	Postgres Postgres `yaml:"postgres"`

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
	// Metadata: strip or keep the document metadata that names people, per direction.
	Metadata Metadata `yaml:"metadata"`
	Render   Render   `yaml:"render"`
	Mail     Mail     `yaml:"mail"`

	SMTP       SMTP       `yaml:"smtp"`
	Delivery   Delivery   `yaml:"delivery"`
	Quarantine Quarantine `yaml:"quarantine"`
	HTTP       HTTP       `yaml:"http"`
	Portal     Portal     `yaml:"portal"`
	Transfer   Transfer   `yaml:"transfer"`

	// Where the values came from, for error messages: file name and the line of each
	// dotted key. Filled by Load; empty for Default.
	file  string
	lines map[string]int
}

// Default returns the configuration used when no file is given.
func Default() *Config {
	return &Config{
		DataDir:    "./sekisho-data",
		TempDir:    "",
		Store:      StoreSQLite,
		Postgres:   defaultPostgres(),
		Log:        defaultLog(),
		Limits:     defaultLimits(),
		Policy:     map[string]string{},
		PDF:        defaultPDF(),
		Image:      defaultImage(),
		Text:       defaultText(),
		OOXML:      defaultOOXML(),
		RTF:        defaultRTF(),
		Metadata:   defaultMetadata(),
		Render:     defaultRender(),
		Mail:       defaultMail(),
		SMTP:       defaultSMTP(),
		Delivery:   defaultDelivery(),
		Quarantine: defaultQuarantine(),
		HTTP:       defaultHTTP(),
		Portal:     defaultPortal(),
		Transfer:   defaultTransfer(),
	}
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
