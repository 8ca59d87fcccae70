// Package assemble builds sekisho from a *config.Config: the engine with every sanitizer
// family, renderer and notice templates; the quarantine; the mail spool and the relay; the
// LGWAN-side HTTP server; the retention ticker. It is the one place where construction
// happens. cmd/sekisho keeps flags, subcommands and exit codes; tests (sanitize/e2e, the
// serve tests) build through it, so what they exercise is what runs.
//
// Builders take a configuration that has passed Check (the start-up validation every
// command runs) and explicit Options for what the configuration cannot say: the logger and,
// for tests, families that replace built-in ones. There are no init-time registries.
//
// A later component (portal, transfer) adds one file here with its constructor and one
// step in NewGateway.
package assemble
