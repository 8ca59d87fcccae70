// Package e2e holds the red-team tests of the fully wired engine: every family registered
// through internal/assemble, as every sekisho command does, fed hostile and malformed
// inputs, with the outputs checked by parsers and tools other than the ones that wrote
// them. It has no non-test code.
package e2e
