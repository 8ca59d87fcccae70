//go:build !race

package metafile

const raceEnabled = false
