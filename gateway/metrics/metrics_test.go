package metrics

import (
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/sanitize"
)

// scrape returns the registry's exposition as served at /metrics.
func scrape(t *testing.T, r *Registry) string {
	t.Helper()
	rec := httptest.NewRecorder()
	r.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

func wantLines(t *testing.T, got string, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if !strings.Contains(got, l+"\n") {
			t.Errorf("exposition lacks %q:\n%s", l, got)
		}
	}
}

func TestRegistrySeries(t *testing.T) {
	r := New()
	c := r.Counter("sekisho_test_total", "A test counter.", "reason")
	c.Inc("a")
	c.Add("b", 2)
	p := r.Counter("sekisho_plain_total", "No label.", "")
	p.Inc("")
	h := r.Histogram("sekisho_test_seconds", "A histogram.", []float64{1, 2})
	h.Observe(1.5)
	r.GaugeFunc("sekisho_depth", "A gauge.", "state", func() map[string]float64 { return map[string]float64{"ready": 3, "gone": nanValue()} })
	got := scrape(t, r)
	wantLines(t, got,
		`sekisho_test_total{reason="a"} 1`, `sekisho_test_total{reason="b"} 2`, `sekisho_plain_total 1`,
		`sekisho_test_seconds_bucket{le="1"} 0`, `sekisho_test_seconds_bucket{le="2"} 1`, `sekisho_test_seconds_count 1`,
		`sekisho_depth{state="ready"} 3`, "# TYPE sekisho_depth gauge")
	if strings.Contains(got, `state="gone"`) {
		t.Error("a NaN gauge value was exported")
	}
	if !strings.Contains(got, "go_goroutines") || !strings.Contains(got, "process_") {
		t.Error("the Go runtime and process collectors are missing")
	}
	if c.Value("b") != 2 || p.Value("") != 1 {
		t.Errorf("Value = %v, %v", c.Value("b"), p.Value(""))
	}
}

func nanValue() float64 { var z float64; return z / z }

func TestItemsCountEveryItem(t *testing.T) {
	r := New()
	m := NewItems(r)
	zip := sanitize.Type{Name: "zip", Class: sanitize.ClassArchive}
	exe := sanitize.Type{Name: "exe", Class: sanitize.ClassExecutable}
	txt := sanitize.Type{Name: "text", Class: sanitize.ClassText}
	m.Observe(sanitize.Observation{Item: &sanitize.Item{}, Policy: sanitize.Block, Depth: 1, Duration: time.Millisecond,
		Result: sanitize.Result{Detected: exe, Verdict: sanitize.Blocked, Actions: []sanitize.Action{{Kind: sanitize.ActBlocked}}}})
	m.Observe(sanitize.Observation{Item: &sanitize.Item{}, Policy: sanitize.Sanitize, Depth: 1, Duration: time.Millisecond,
		Result: sanitize.Result{Detected: txt, Verdict: sanitize.Clean}})
	m.Observe(sanitize.Observation{Item: &sanitize.Item{}, Policy: sanitize.Sanitize, Depth: 0, Duration: 3 * time.Millisecond,
		Result: sanitize.Result{Detected: zip, Verdict: sanitize.Sanitized, Actions: []sanitize.Action{{Kind: sanitize.ActBlocked}, {Kind: "rebuilt"}}}})
	wantLines(t, scrape(t, r),
		`sekisho_items_total{policy="block",type="exe",verdict="blocked"} 1`,
		`sekisho_items_total{policy="sanitize",type="text",verdict="clean"} 1`,
		`sekisho_items_total{policy="sanitize",type="zip",verdict="sanitized"} 1`,
		// the nested blocked action is in the zip's merged list: counted once
		`sekisho_actions_total{action="blocked"} 1`, `sekisho_actions_total{action="rebuilt"} 1`,
		`sekisho_item_sanitize_seconds_count{family="archive"} 1`, `sekisho_item_sanitize_seconds_count{family="executable"} 1`)
}

func TestHops(t *testing.T) {
	r := New()
	h := NewHops(r)
	clock := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	h.now = func() time.Time { return clock }
	down := errors.New("connection refused")
	steps := []struct {
		hop, result string
		wantErr     string // "" healthy
	}{
		{"smtp:10.0.0.1:25", "delivered", ""},
		{"smtp:10.0.0.1:25", "deferred", ""},
		{"smtp:10.0.0.1:25", "deferred", ""},
		{"smtp:10.0.0.1:25", "deferred", "next hop smtp:10.0.0.1:25 failing since 2026-12-01T09:00:00Z (3 attempts): connection refused"},
		{"dir:/var/mail", "delivered", "failing since"},
		{"smtp:10.0.0.1:25", "bounced", ""},
	}
	for i, s := range steps {
		h.Result(s.hop, s.result, 1, down)
		err := h.Check()
		switch {
		case s.wantErr == "" && err != nil:
			t.Fatalf("step %d: Check = %v, want healthy", i, err)
		case s.wantErr != "" && (err == nil || !strings.Contains(err.Error(), s.wantErr)):
			t.Fatalf("step %d: Check = %v, want %q", i, err, s.wantErr)
		}
	}
	wantLines(t, scrape(t, r),
		`sekisho_delivery_results_total{next_hop="smtp:10.0.0.1:25",result="deferred"} 3`,
		`sekisho_delivery_results_total{next_hop="smtp:10.0.0.1:25",result="bounced"} 1`,
		`sekisho_next_hop_up{next_hop="smtp:10.0.0.1:25"} 1`, `sekisho_next_hop_up{next_hop="dir:/var/mail"} 1`)
}

func TestDiskCheck(t *testing.T) {
	dir := t.TempDir()
	if err := DiskCheck(dir, 1)(); err != nil {
		t.Errorf("DiskCheck(1 byte) = %v", err)
	}
	if err := DiskCheck(dir, 1<<62)(); err == nil || !strings.Contains(err.Error(), "below smtp.min_free_space") {
		t.Errorf("DiskCheck(4 EiB) = %v, want degraded", err)
	}
	if err := DiskCheck(dir+"/missing", 0)(); err == nil {
		t.Error("DiskCheck on a missing directory passed")
	}
}
