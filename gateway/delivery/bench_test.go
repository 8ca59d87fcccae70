package delivery_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	gosmtp "github.com/emersion/go-smtp"
	"github.com/sekisho/sekisho/gateway/delivery"
	"github.com/sekisho/sekisho/internal/relaytest"
	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/mail"
	"github.com/sekisho/sekisho/sanitize/text"
)

// BenchmarkRelay measures the whole path in one process: SMTP accept with fsync before
// 250, sanitization by the real mail family (HTML to text, Japanese charsets), and
// delivery to an SMTP sink over reused connections. One op is one message delivered.
func BenchmarkRelay(b *testing.B) {
	html := "<html><body>" + strings.Repeat("<p>いつもお世話になっております。月次報告をお送りします。 <a href=\"https://example.com/r\">詳細</a></p>\n", 20) + "</body></html>"
	bodies := map[string]string{
		"4KiB-text":    "From: a@example.com\r\nTo: staff@city.lg.jp\r\nSubject: report\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + strings.Repeat("The quick brown fox jumps over the lazy dog 0123456789.\r\n", 70),
		"8KiB-ja-html": "From: a@example.com\r\nTo: staff@city.lg.jp\r\nSubject: =?UTF-8?B?5pyI5qyh5aCx5ZGK?=\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html,
	}
	for _, name := range []string{"4KiB-text", "8KiB-ja-html"} {
		for _, sessions := range []int{1, 16} {
			b.Run(fmt.Sprintf("msg=%s/sessions=%d", name, sessions), func(b *testing.B) {
				benchRelay(b, bodies[name], sessions)
			})
		}
	}
}

func benchRelay(b *testing.B, msg string, sessions int) {
	dir := b.TempDir()
	sink := relaytest.StartSink(b, "")
	st, err := relaytest.OpenStore(filepath.Join(dir, "q"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	eng := sanitize.NewEngine(sanitize.EngineOptions{TempDir: dir})
	eng.Register(string(sanitize.ClassText), text.New(text.Options{}))
	ms := mail.New(mail.Options{Inner: eng, Holder: delivery.AttachmentHolder{Store: st}, TempDir: dir})
	eng.Register(string(sanitize.ClassMessage), ms)
	r := relaytest.Start(b, dir, func(c *relaytest.Config) {
		c.Sanitizer = ms
		c.Delivery.Workers = 16
		c.Delivery.Routes = []delivery.Route{{Domain: "city.lg.jp", Transport: "smtp", Addr: sink.Addr(), TLS: "none"}}
	})
	a := r.Addr

	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	b.ResetTimer()
	var wg sync.WaitGroup
	work := make(chan struct{})
	for w := 0; w < sessions; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := gosmtp.Dial(a)
			if err != nil {
				b.Error(err)
				return
			}
			defer c.Close()
			for range work {
				if err := c.SendMail("a@example.com", []string{"staff@city.lg.jp"}, bytes.NewReader([]byte(msg))); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	for i := 0; i < b.N; i++ {
		work <- struct{}{}
	}
	close(work)
	wg.Wait()
	for range b.N {
		<-sink.Got
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
