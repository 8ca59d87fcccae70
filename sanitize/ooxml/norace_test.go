//go:build !race

package ooxml

const raceEnabled = false
