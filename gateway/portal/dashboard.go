package portal

import (
	"sort"
	"time"

	"github.com/sekisho/sekisho/gateway/portal/web"
	"github.com/sekisho/sekisho/quarantine"
)

type dashData struct {
	Today, Month  map[string]int // delivered, sanitized, held, blocked
	Held, Pending int            // items held now, release requests waiting
	Queue         map[string]int
	TopTypes      []kv
	TopReasons    []kv
	Chart         chart
}

type kv struct {
	K        string
	JA       string
	N        int
	Held, Bl int
}

// chart is a server-rendered SVG bar chart of 30 days: numbers only, laid out here, drawn
// by the template.
type chart struct {
	W, H   int
	Bars   []bar
	Max    int
	Labels []axisLabel
}

type bar struct {
	X, Y, W, H int
	Day        string
	N          int
	Class      string
}

type axisLabel struct {
	X    int
	Text string
}

func (p *Portal) dashboard(c *web.Ctx) error {
	now := p.o.Now().Local()
	today := now.Format("2006-01-02")
	tomorrow := now.AddDate(0, 0, 1).Format("2006-01-02")
	monthAgo := now.AddDate(0, 0, -29).Format("2006-01-02")
	d := dashData{Today: map[string]int{}, Month: map[string]int{}}
	for _, m := range []string{"delivered", "sanitized", "held", "blocked"} {
		t, err := p.stats.counts(c, m, "-", today, tomorrow)
		if err != nil {
			return err
		}
		d.Today[m] = t[""]
		mo, err := p.stats.counts(c, m, "-", monthAgo, tomorrow)
		if err != nil {
			return err
		}
		d.Month[m] = mo[""]
	}
	types, reasons := map[string]*kv{}, map[string]*kv{}
	for _, m := range []string{"held", "blocked"} {
		for prefix, dst := range map[string]map[string]*kv{"type:": types, "reason:": reasons} {
			got, err := p.stats.counts(c, m, prefix, monthAgo, tomorrow)
			if err != nil {
				return err
			}
			for l, n := range got {
				if l == "" {
					continue
				}
				k := l[len(prefix):]
				e := dst[k]
				if e == nil {
					e = &kv{K: k, JA: reasonJA(k)}
					dst[k] = e
				}
				e.N += n
				if m == "held" {
					e.Held += n
				} else {
					e.Bl += n
				}
			}
		}
	}
	d.TopTypes, d.TopReasons = top(types, 8), top(reasons, 8)
	for _, st := range []quarantine.Status{quarantine.Held, quarantine.ReleaseRequested} {
		pg, err := p.q.Search(c, quarantine.Query{Status: []quarantine.Status{st}, Limit: 1, Count: true})
		if err != nil {
			return err
		}
		if st == quarantine.Held {
			d.Held = pg.Total
		} else {
			d.Pending = pg.Total
		}
	}
	if p.o.QueueDepth != nil {
		d.Queue = p.o.QueueDepth()
	}
	days := make([]string, 30)
	for i := range days {
		days[i] = now.AddDate(0, 0, i-29).Format("2006-01-02")
	}
	delivered, err := p.stats.daily(c, "delivered", days)
	if err != nil {
		return err
	}
	held, err := p.stats.daily(c, "held", days)
	if err != nil {
		return err
	}
	d.Chart = barChart(days, delivered, held)
	return c.Render("dashboard.html", d)
}

func top(m map[string]*kv, n int) []kv {
	var out []kv
	for _, e := range m {
		out = append(out, *e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].N > out[j].N || out[i].N == out[j].N && out[i].K < out[j].K })
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// barChart lays out paired bars (delivered, held) per day.
func barChart(days []string, a, b []int) chart {
	const w, h, pad, base = 900, 220, 30, 190
	ch := chart{W: w, H: h}
	for i := range days {
		ch.Max = max(ch.Max, a[i], b[i])
	}
	scale := func(n int) int {
		if ch.Max == 0 {
			return 0
		}
		return n * (base - 10) / ch.Max
	}
	slot := (w - 2*pad) / len(days)
	for i, d := range days {
		x := pad + i*slot
		ha, hb := scale(a[i]), scale(b[i])
		ch.Bars = append(ch.Bars, bar{X: x, Y: base - ha, W: slot/2 - 1, H: ha, Day: d, N: a[i], Class: "delivered"},
			bar{X: x + slot/2, Y: base - hb, W: slot/2 - 1, H: hb, Day: d, N: b[i], Class: "held"})
		if i%5 == 0 || i == len(days)-1 {
			t, _ := time.Parse("2006-01-02", d)
			ch.Labels = append(ch.Labels, axisLabel{X: x, Text: t.Format("1/2")})
		}
	}
	return ch
}
