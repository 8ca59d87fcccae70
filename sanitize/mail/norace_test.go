//go:build !race

package mail

// raceEnabled says the race detector is on: it multiplies memory, so bounds widen.
const raceEnabled = false
