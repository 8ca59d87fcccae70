package delivery

import (
	"testing"
	"time"

	"github.com/sekisho/sekisho/gateway/queue"
)

// TestBackoff: the delay doubles from RetryBase with every attempt up to RetryMax, each
// with ±20% jitter (so retries of many messages deferred at once spread out).
func TestBackoff(t *testing.T) {
	d := &Delivery{o: Options{RetryBase: time.Minute, RetryMax: time.Hour}}
	want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute, 32 * time.Minute, time.Hour, time.Hour, time.Hour}
	for i, w := range want {
		lo, hi := time.Duration(0.8*float64(w)), time.Duration(1.2*float64(w))
		low, high := hi, time.Duration(0)
		for range 2000 {
			b := d.backoff(i + 1)
			if b < lo || b > hi {
				t.Fatalf("attempt %d: backoff %v outside %v..%v", i+1, b, lo, hi)
			}
			low, high = min(low, b), max(high, b)
		}
		if high-low < (hi-lo)/2 {
			t.Errorf("attempt %d: delays spread over %v..%v only: no jitter?", i+1, low, high)
		}
	}
}

func TestDSNStatus(t *testing.T) {
	tests := []struct {
		f    queue.RcptError
		want string
	}{
		{queue.RcptError{Code: 550, Status: "5.1.1"}, "5.1.1"},
		{queue.RcptError{Code: 554, Status: "5.7.1"}, "5.7.1"},
		{queue.RcptError{Code: 550}, "5.0.0"},
		{queue.RcptError{Code: 550, Status: "4.2.0"}, "5.0.0"}, // class differs from the reply's
		{queue.RcptError{Code: 550, Status: "5.1"}, "5.0.0"},
		{queue.RcptError{Code: 550, Status: "5.1.1\r\nX: y"}, "5.0.0"},
		{queue.RcptError{Code: 451, Status: "4.4.7"}, "4.4.7"},
		{queue.RcptError{Code: 451}, "4.4.7"}, // an expiry recorded without a status
	}
	for _, tc := range tests {
		if got := dsnStatus(tc.f); got != tc.want {
			t.Errorf("dsnStatus(%+v) = %q, want %q", tc.f, got, tc.want)
		}
	}
}
