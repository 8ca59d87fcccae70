// Package browsertest drives real headless Chromium (Debian's chromium package) from
// tests through chromedp. Each Browser is its own chromium process with a fresh profile
// directory, so two browsers are two users with separate cookies. Under CI a missing
// chromium fails the test (internal/testtool).
package browsertest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sekisho/sekisho/internal/testtool"
)

// Browser is one headless chromium with its own profile.
type Browser struct {
	t      testing.TB
	ctx    context.Context // the browser's first tab; the browser lives as long as it
	cancel context.CancelFunc
	// Timeout bounds each Do call; default 30s (a loaded CI machine is slow).
	Timeout time.Duration
}

// Start launches chromium until the test ends. The window is 1280x800, the size the
// portal is designed for; the TLS certificate of a test server is accepted.
func Start(t testing.TB) *Browser {
	t.Helper()
	bin := testtool.Need(t, "chromium")
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 800),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true), // tests run as root in containers
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("ignore-certificate-errors", true),
		chromedp.Flag("lang", "ja"),
		chromedp.Flag("accept-lang", "ja-JP,ja"), // the portal is Japanese first
	}
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithErrorf(t.Logf))
	b := &Browser{t: t, ctx: ctx, Timeout: 30 * time.Second}
	b.cancel = func() { cancel(); acancel() }
	t.Cleanup(b.cancel)
	// The first Run starts the process; it must not carry a timeout (it would stop the
	// browser when it expires).
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return b
}

// Do runs steps in the browser's tab, failing the test on error.
func (b *Browser) Do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, b.Timeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

// Text returns the text of the element sel (CSS).
func (b *Browser) Text(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, b.Timeout)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("browser: text of %s: %v", sel, err)
	}
	return s
}

// Eval evaluates a JavaScript expression and returns its value as a string.
func (b *Browser) Eval(expr string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, b.Timeout)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		b.t.Fatalf("browser: eval %s: %v", expr, err)
	}
	return s
}

// Location is the current URL.
func (b *Browser) Location() string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, b.Timeout)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		b.t.Fatalf("browser: location: %v", err)
	}
	return s
}

// Screenshot saves a full-page PNG to path (creating its directory).
func (b *Browser) Screenshot(path string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, b.Timeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("browser: screenshot: %v", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// Fill types value into the (empty) input sel, key by key as a person would.
func Fill(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.SendKeys(chromedp.CSS(sel), value))
}

// FillFunc is Fill with a value computed when the step runs, not when the steps are
// built: a one-time code made before a long run of steps may have expired by its turn.
func FillFunc(sel string, value func() string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.WaitVisible(chromedp.CSS(sel)),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := chromedp.SendKeys(chromedp.CSS(sel), value())(ctx, t)
			return err
		}))
}

// ClickAndWait clicks sel and waits until the element next is visible on the page that
// follows. The old page is marked before the click and the wait starts only once the mark
// is gone: next usually exists on the old page too (a search form above its own result
// list), and reading it there would test the page before the one the click asked for.
func ClickAndWait(sel, next string) chromedp.Action[chromedp.Void] {
	const mark = "window.__browsertestOldPage"
	return chromedp.Steps(
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool](mark+" = true")(ctx, t)
			return err
		}),
		chromedp.Click(chromedp.CSS(sel)),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			for {
				// While the navigation runs the evaluation may fail (its context is
				// destroyed); that is not an answer, so poll again.
				gone, err := chromedp.Evaluate[bool](mark+" === undefined")(ctx, t)
				if err == nil && gone {
					return nil
				}
				select {
				case <-ctx.Done():
					return fmt.Errorf("click %s: no new page before %s appeared: %w", sel, next, ctx.Err())
				case <-time.After(20 * time.Millisecond):
				}
			}
		}),
		chromedp.WaitVisible(chromedp.CSS(next)))
}
