package portal_test

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"github.com/sekisho/sekisho/gateway/portal/accounts"
	"github.com/sekisho/sekisho/quarantine/sqlite"
)

// fillItems inserts n held items directly (one transaction: the benchmark measures the
// portal's queries and pages, not fsync'd inserts).
func fillItems(b *testing.B, g *gateway, n int) {
	db := g.gw.Quarantine().Backend().(*sqlite.Backend).DB()
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	t0 := time.Now().Add(-time.Duration(n) * time.Minute)
	subjects := []string{"請求書の送付について", "会議資料", "Invoice 2026", "見積書", "RE: 打ち合わせ"}
	reasons := []string{"encrypted archive", "policy quarantines docm", "malformed MIME", "limits.max_file_size"}
	statuses := []string{"held", "held", "held", "released", "deleted", "expired"}
	for i := 0; i < n; i++ {
		if _, err := tx.Exec(`INSERT INTO items (id, time, kind, direction, queue_id, mail_from, rcpts, subject,
			file_name, declared_type, detected_type, size, sha256, reason, status) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
			fmt.Sprintf("Q20260101-%012X", i), t0.Add(time.Duration(i)*time.Minute).UnixNano(), "attachment", "inbound",
			fmt.Sprintf("QID%d", i), fmt.Sprintf("sender%d@example%d.com", i%5000, i%97), fmt.Sprintf(`["staff%d@city.lg.jp"]`, i%800),
			subjects[i%len(subjects)], fmt.Sprintf("資料%d.zip", i), "application/zip", "application/zip", 1000+i%50000,
			"0000", reasons[i%len(reasons)], statuses[i%len(statuses)]); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

func percentiles(b *testing.B, d []time.Duration) {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	at := func(p float64) float64 { return float64(d[int(p*float64(len(d)-1))].Microseconds()) / 1000 }
	b.ReportMetric(at(0.5), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
	b.ReportMetric(0, "ns/op") // the percentiles are the figures; the mean hides the tail
}

// BenchmarkListPage100k measures the quarantine list page (the whole HTTPS request: TLS,
// session, search with the total counted, 50 rows rendered) over 100,000 items, for the
// filters operators use.
func BenchmarkListPage100k(b *testing.B) {
	g := startGateway(b, true, nil)
	g.user("op", "operator-pw-1", accounts.Operator)
	fillItems(b, g, 100_000)
	c := g.login("op", "operator-pw-1")
	for _, bc := range []struct{ name, q string }{
		{"newest", ""},
		{"held", "status=held"},
		{"subject-ja/held", "subject=" + url.QueryEscape("請求書") + "&status=held"},
		{"recipient", "rcpt=staff17%40"},
		{"reason-ja", "reason=" + url.QueryEscape("暗号化")},
		{"sender/sort-size", "sender=example42.com&sort=size"},
		{"page-100", "status=held&offset=5000"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var d []time.Duration
			for b.Loop() {
				t0 := time.Now()
				resp, body := c.Get("/items?" + bc.q)
				d = append(d, time.Since(t0))
				if resp.StatusCode != 200 || !bytes.Contains([]byte(body), []byte(`id="items"`)) {
					b.Fatalf("%d", resp.StatusCode)
				}
			}
			percentiles(b, d)
		})
	}
}

// BenchmarkPreview20Pages measures a preview of a 20-page PDF: rasterized by PDFium (warm)
// and the page images extracted.
func BenchmarkPreview20Pages(b *testing.B) {
	pv := previewer(b)
	pv.MaxPages = 20
	src, err := os.ReadFile("../../testdata/pdf/text-100p.pdf")
	if err != nil {
		b.Fatal(err)
	}
	var pdf bytes.Buffer
	conf := model.NewDefaultConfiguration()
	if err := api.Trim(bytes.NewReader(src), &pdf, []string{"1-20"}, conf); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := pv.Build(ctx, "a.pdf", "", false, pdf.Bytes()); err != nil { // compiles PDFium
		b.Fatal(err)
	}
	var d []time.Duration
	for b.Loop() {
		t0 := time.Now()
		p, err := pv.Build(ctx, "a.pdf", "", false, pdf.Bytes())
		d = append(d, time.Since(t0))
		if err != nil || len(p.Pages) != 20 {
			b.Fatalf("%d pages, %v", len(p.Pages), err)
		}
	}
	percentiles(b, d)
}
