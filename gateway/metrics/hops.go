package metrics

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Hops records delivery results per next hop: the counter
// sekisho_delivery_results_total{next_hop, result} and the state /healthz reports. A hop
// is failing once its last FailAfter attempts all failed; one success clears it.
type Hops struct {
	results *prometheus.CounterVec
	now     func() time.Time

	mu    sync.Mutex
	state map[string]*hopState
}

type hopState struct {
	failures int // consecutive
	since    time.Time
	lastErr  string
}

// FailAfter is how many consecutive failed attempts make a next hop count as failing.
const FailAfter = 3

// NewHops registers the delivery series on r.
func NewHops(r *Registry) *Hops {
	h := &Hops{
		results: r.CounterVec("sekisho_delivery_results_total",
			"Delivery attempts per recipient, by next hop and result (delivered, deferred, bounced).",
			"next_hop", "result"),
		now:   time.Now,
		state: map[string]*hopState{},
	}
	r.GaugeFunc("sekisho_next_hop_up", "1 while a next hop takes mail, 0 after "+fmt.Sprint(FailAfter)+" failed attempts in a row.",
		"next_hop", func() map[string]float64 {
			h.mu.Lock()
			defer h.mu.Unlock()
			out := map[string]float64{}
			for k, s := range h.state {
				out[k] = 1
				if s.failures >= FailAfter {
					out[k] = 0
				}
			}
			return out
		})
	return h
}

// Result records n recipients' outcome at hop ("smtp:10.1.2.3:25", "dir:/path"): result
// is delivered, deferred or bounced. err is the reason of a failure, for /healthz.
// A bounce is the next hop's answer, so it counts as the hop working.
func (h *Hops) Result(hop, result string, n int, err error) {
	h.results.WithLabelValues(hop, result).Add(float64(n))
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.state[hop]
	if s == nil {
		s = &hopState{}
		h.state[hop] = s
	}
	if result != "deferred" {
		s.failures, s.lastErr = 0, ""
		return
	}
	if s.failures == 0 {
		s.since = h.now()
	}
	s.failures++
	if err != nil {
		s.lastErr = err.Error()
	}
}

// Check is the health check: degraded while any next hop is failing.
func (h *Hops) Check() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	var bad []string
	for k, s := range h.state {
		if s.failures >= FailAfter {
			bad = append(bad, fmt.Sprintf("%s failing since %s (%d attempts): %s", k, s.since.Format(time.RFC3339), s.failures, s.lastErr))
		}
	}
	if len(bad) == 0 {
		return nil
	}
	sort.Strings(bad)
	return fmt.Errorf("next hop %s", strings.Join(bad, "; "))
}
