//go:build race

package ooxml

// raceEnabled: under the race detector the checks that LibreOffice judges are left to CI's
// run without it (.ci/run's full-sets phase, which fails on any skip it does not list).
// LibreOffice is most of their time, and the race detector does not see into it.
const raceEnabled = true
