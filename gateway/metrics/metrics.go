// Package metrics is a small Prometheus text-format registry: counters with one label,
// histograms and gauges read at scrape time. It exists so the gateway needs no client
// library for the handful of series it exports.
package metrics

import (
	"fmt"
	"io"
	"math"
	"net/http"
	"sort"
	"strings"
	"sync"
)

// Registry holds the series; it is safe for concurrent use.
type Registry struct {
	mu     sync.Mutex
	series []writer
}

type writer interface{ write(w io.Writer) }

// New returns an empty registry.
func New() *Registry { return &Registry{} }

func (r *Registry) add(s writer) {
	r.mu.Lock()
	r.series = append(r.series, s)
	r.mu.Unlock()
}

// Counter is a monotonically increasing count, optionally split by one label.
type Counter struct {
	name, help, label string
	mu                sync.Mutex
	vals              map[string]float64
}

// Counter registers a counter; label is the label name ("" for none).
func (r *Registry) Counter(name, help, label string) *Counter {
	c := &Counter{name: name, help: help, label: label, vals: map[string]float64{}}
	r.add(c)
	return c
}

// Inc adds one for the label value ("" when the counter has no label).
func (c *Counter) Inc(v string) { c.Add(v, 1) }

// Add adds n for the label value.
func (c *Counter) Add(v string, n float64) {
	c.mu.Lock()
	c.vals[v] += n
	c.mu.Unlock()
}

// Value returns the current count for a label value.
func (c *Counter) Value(v string) float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.vals[v]
}

func (c *Counter) write(w io.Writer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n", c.name, c.help, c.name)
	if len(c.vals) == 0 && c.label == "" {
		fmt.Fprintf(w, "%s 0\n", c.name)
	}
	keys := make([]string, 0, len(c.vals))
	for k := range c.vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if c.label == "" {
			fmt.Fprintf(w, "%s %g\n", c.name, c.vals[k])
		} else {
			fmt.Fprintf(w, "%s{%s=%q} %g\n", c.name, c.label, k, c.vals[k])
		}
	}
}

// Histogram counts observations into fixed buckets.
type Histogram struct {
	name, help string
	bounds     []float64
	mu         sync.Mutex
	counts     []uint64
	sum        float64
	n          uint64
}

// DefBuckets suit latencies in seconds from 1 ms to 1 minute.
var DefBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}

// Histogram registers a histogram.
func (r *Registry) Histogram(name, help string, bounds []float64) *Histogram {
	h := &Histogram{name: name, help: help, bounds: bounds, counts: make([]uint64, len(bounds))}
	r.add(h)
	return h
}

// Observe records one value.
func (h *Histogram) Observe(v float64) {
	h.mu.Lock()
	for i, b := range h.bounds {
		if v <= b {
			h.counts[i]++
		}
	}
	h.sum += v
	h.n++
	h.mu.Unlock()
}

func (h *Histogram) write(w io.Writer) {
	h.mu.Lock()
	defer h.mu.Unlock()
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s histogram\n", h.name, h.help, h.name)
	for i, b := range h.bounds {
		fmt.Fprintf(w, "%s_bucket{le=\"%g\"} %d\n", h.name, b, h.counts[i])
	}
	fmt.Fprintf(w, "%s_bucket{le=\"+Inf\"} %d\n%s_sum %g\n%s_count %d\n", h.name, h.n, h.name, h.sum, h.name, h.n)
}

// GaugeFunc is read at scrape time; f returns label value → gauge value.
type GaugeFunc struct {
	name, help, label string
	f                 func() map[string]float64
}

// GaugeFunc registers a gauge computed on each scrape.
func (r *Registry) GaugeFunc(name, help, label string, f func() map[string]float64) {
	r.add(&GaugeFunc{name: name, help: help, label: label, f: f})
}

func (g *GaugeFunc) write(w io.Writer) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s gauge\n", g.name, g.help, g.name)
	vals := g.f()
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := vals[k]
		if math.IsNaN(v) {
			continue
		}
		if g.label == "" {
			fmt.Fprintf(w, "%s %g\n", g.name, v)
		} else {
			fmt.Fprintf(w, "%s{%s=%q} %g\n", g.name, g.label, k, v)
		}
	}
}

// Write writes every series in the Prometheus text exposition format.
func (r *Registry) Write(w io.Writer) {
	r.mu.Lock()
	series := append([]writer(nil), r.series...)
	r.mu.Unlock()
	for _, s := range series {
		s.write(w)
	}
}

// Handler serves the registry at /metrics.
func (r *Registry) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		var b strings.Builder
		r.Write(&b)
		io.WriteString(w, b.String())
	})
}
