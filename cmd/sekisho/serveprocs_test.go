package main

import (
	"runtime"
	"testing"
)

func TestServeProcs(t *testing.T) {
	tests := []struct{ cpus, workers, want int }{
		{2, 2, 4},
		{2, 1, 3},
		{8, 0, 8 + runtime.NumCPU()},
		{1, 4, 5},
	}
	for _, tc := range tests {
		if got := serveProcs(tc.cpus, tc.workers); got != tc.want {
			t.Errorf("serveProcs(%d, %d) = %d, want %d", tc.cpus, tc.workers, got, tc.want)
		}
	}
}
