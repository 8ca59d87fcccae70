package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/sekisho/sekisho/sanitize"
)

// itemBuckets reach the default limits.timeout (2m) and beyond: a rendered document takes
// seconds, a text part microseconds.
var itemBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300}

// Items counts what the engine does with every item, nested ones included: a held
// attachment is an item with verdict quarantined, not only a whole message. It is a
// sanitize.Observer; pass it in the engine's options.
type Items struct {
	items   *prometheus.CounterVec
	actions *prometheus.CounterVec
	seconds *prometheus.HistogramVec
}

var _ sanitize.Observer = (*Items)(nil)

// NewItems registers the engine's series on r.
func NewItems(r *Registry) *Items {
	return &Items{
		items: r.CounterVec("sekisho_items_total",
			"Items sanitized (messages, attachments, archive entries, files), by detected type, policy action and verdict.",
			"type", "policy", "verdict"),
		actions: r.CounterVec("sekisho_actions_total",
			"Actions taken (removed-macros, re-encoded, quarantined, ...), counted once per top-level item.",
			"action"),
		seconds: r.HistogramVec("sekisho_item_sanitize_seconds",
			"Time to sanitize one item, nested items included, by family (the class of its detected type).",
			itemBuckets, "family"),
	}
}

// Observe counts one item.
func (m *Items) Observe(o sanitize.Observation) {
	t := o.Result.Detected
	if t.Name == "" {
		t = o.Item.Detected
	}
	verdict := string(o.Result.Verdict)
	if verdict == "" {
		verdict = "error"
	}
	m.items.WithLabelValues(t.Name, string(o.Policy), verdict).Inc()
	m.seconds.WithLabelValues(string(t.Class)).Observe(o.Duration.Seconds())
	if o.Depth == 0 {
		// Nested results are merged into their parent's: counting at the top counts each
		// action once.
		for _, a := range o.Result.Actions {
			m.actions.WithLabelValues(string(a.Kind)).Inc()
		}
	}
}
