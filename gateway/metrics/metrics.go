// Package metrics exposes sekisho's Prometheus series through client_golang: the
// registry the gateway serves at /metrics, the collectors of the relay and the engine, and
// /healthz (Health).
//
// Every series has the sekisho_ prefix and is documented in the README's metrics table; a
// test keeps the two in step. The registry also carries the Go runtime and process
// collectors (go_*, process_*), as any Prometheus exporter does.
package metrics

import (
	"math"
	"net/http"
	"sort"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"
)

// Registry holds the series of one process; it is safe for concurrent use. Registering a
// name twice panics, as client_golang does: construction is explicit and happens once.
type Registry struct {
	reg      *prometheus.Registry
	hopsOnce sync.Once
	hops     *Hops
}

// Hops returns the registry's per-next-hop delivery results, registering them on first
// use: the relay records into it, /healthz reads it.
func (r *Registry) Hops() *Hops {
	r.hopsOnce.Do(func() { r.hops = NewHops(r) })
	return r.hops
}

// New returns a registry with the Go runtime and process collectors.
func New() *Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return &Registry{reg: reg}
}

// Prometheus returns the underlying registry, for collectors built elsewhere.
func (r *Registry) Prometheus() *prometheus.Registry { return r.reg }

// Handler serves the registry in the Prometheus exposition formats.
func (r *Registry) Handler() http.Handler {
	return promhttp.HandlerFor(r.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// CounterVec registers a counter with the given labels.
func (r *Registry) CounterVec(name, help string, labels ...string) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	r.reg.MustRegister(c)
	return c
}

// HistogramVec registers a histogram with the given buckets and labels.
func (r *Registry) HistogramVec(name, help string, buckets []float64, labels ...string) *prometheus.HistogramVec {
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets}, labels)
	r.reg.MustRegister(h)
	return h
}

// Counter is a monotonically increasing count, optionally split by one label. It is the
// small interface the relay uses; it counts into a client_golang CounterVec.
type Counter struct {
	vec   *prometheus.CounterVec
	plain prometheus.Counter // when there is no label
}

// Counter registers a counter; label is the label name ("" for none).
func (r *Registry) Counter(name, help, label string) *Counter {
	if label == "" {
		c := prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
		r.reg.MustRegister(c)
		return &Counter{plain: c}
	}
	return &Counter{vec: r.CounterVec(name, help, label)}
}

// Inc adds one for the label value ("" when the counter has no label).
func (c *Counter) Inc(v string) { c.Add(v, 1) }

// Add adds n for the label value.
func (c *Counter) Add(v string, n float64) {
	if c.plain != nil {
		c.plain.Add(n)
		return
	}
	c.vec.WithLabelValues(v).Add(n)
}

// Value returns the current count for a label value.
func (c *Counter) Value(v string) float64 {
	var m prometheus.Metric = c.plain
	if c.plain == nil {
		m = c.vec.WithLabelValues(v)
	}
	var pb dto.Metric
	if err := m.Write(&pb); err != nil || pb.Counter == nil {
		return 0
	}
	return pb.Counter.GetValue()
}

// Histogram counts observations into fixed buckets.
type Histogram struct{ h prometheus.Histogram }

// DefBuckets suit latencies in seconds from 1 ms to 1 minute.
var DefBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}

// Histogram registers a histogram.
func (r *Registry) Histogram(name, help string, bounds []float64) *Histogram {
	h := prometheus.NewHistogram(prometheus.HistogramOpts{Name: name, Help: help, Buckets: bounds})
	r.reg.MustRegister(h)
	return &Histogram{h}
}

// Observe records one value.
func (h *Histogram) Observe(v float64) { h.h.Observe(v) }

// GaugeFunc registers a gauge computed on each scrape: f returns label value → value
// (the key "" when label is ""). NaN values are left out.
func (r *Registry) GaugeFunc(name, help, label string, f func() map[string]float64) {
	var labels []string
	if label != "" {
		labels = []string{label}
	}
	r.reg.MustRegister(&gaugeFunc{desc: prometheus.NewDesc(name, help, labels, nil), labeled: label != "", f: f})
}

// gaugeFunc is a collector over a function read at scrape time; client_golang's own
// GaugeFunc has no labels.
type gaugeFunc struct {
	desc    *prometheus.Desc
	labeled bool
	mu      sync.Mutex // f may not be safe for concurrent scrapes
	f       func() map[string]float64
}

func (g *gaugeFunc) Describe(ch chan<- *prometheus.Desc) { ch <- g.desc }

func (g *gaugeFunc) Collect(ch chan<- prometheus.Metric) {
	g.mu.Lock()
	vals := g.f()
	g.mu.Unlock()
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
		var lv []string
		if g.labeled {
			lv = []string{k}
		}
		ch <- prometheus.MustNewConstMetric(g.desc, prometheus.GaugeValue, v, lv...)
	}
}
