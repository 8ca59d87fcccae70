package metrics

import (
	"fmt"
	"net/http"
	"sync"
)

// Health answers /healthz: 200 and "ok" while every check passes, 503 and one line per
// degraded check otherwise ("audit_log: audit log: line 3: ..."), so a load balancer and
// an operator's curl read the same answer.
type Health struct {
	mu     sync.Mutex
	checks []healthCheck
}

type healthCheck struct {
	name string
	f    func() error
}

// NewHealth returns a Health with no checks: healthy.
func NewHealth() *Health { return &Health{} }

// Add registers a check; f returns nil while the component is healthy. Checks run on each
// request, so they must be cheap.
func (h *Health) Add(name string, f func() error) {
	h.mu.Lock()
	h.checks = append(h.checks, healthCheck{name, f})
	h.mu.Unlock()
}

// Problem is one degraded check.
type Problem struct {
	Check string
	Err   error
}

// Problems runs every check and returns the failing ones in registration order.
func (h *Health) Problems() []Problem {
	h.mu.Lock()
	checks := append([]healthCheck(nil), h.checks...)
	h.mu.Unlock()
	var out []Problem
	for _, c := range checks {
		if err := c.f(); err != nil {
			out = append(out, Problem{c.name, err})
		}
	}
	return out
}

// ServeHTTP writes the health report.
func (h *Health) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	probs := h.Problems()
	if len(probs) == 0 {
		fmt.Fprintln(w, "ok")
		return
	}
	w.WriteHeader(http.StatusServiceUnavailable)
	fmt.Fprintln(w, "degraded")
	for _, p := range probs {
		fmt.Fprintf(w, "%s: %v\n", p.Check, p.Err)
	}
}
