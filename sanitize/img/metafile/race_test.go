//go:build race

package metafile

// raceEnabled: under the race detector the comparison with LibreOffice is left to the run
// without it (.ci/run's full-sets phase): LibreOffice is most of its time, out of the race
// detector's sight.
const raceEnabled = true
