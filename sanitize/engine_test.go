package sanitize

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

// funcSanitizer adapts a function; tests use it to provoke each failure mode of a family.
type funcSanitizer func(ctx context.Context, in *Item, w io.Writer, b *Budget) (Result, error)

func (f funcSanitizer) Sanitize(ctx context.Context, in *Item, w io.Writer, b *Budget) (Result, error) {
	return f(ctx, in, w, b)
}

// upper is a real, trivially correct family: it rebuilds text as upper case.
var upper = funcSanitizer(func(ctx context.Context, in *Item, w io.Writer, b *Budget) (Result, error) {
	data, err := io.ReadAll(io.LimitReader(in.Reader(), 1<<20))
	if err != nil {
		return Result{}, err
	}
	out := bytes.ToUpper(data)
	var r Result
	if !bytes.Equal(out, data) {
		r.Add(ActRebuilt, in.Path, "upper-cased")
	}
	_, err = w.Write(out)
	return r, err
})

// needsRender writes something, then says only a renderer can vouch for the item; what
// it wrote must never reach the output.
var needsRender = funcSanitizer(func(_ context.Context, _ *Item, w io.Writer, _ *Budget) (Result, error) {
	w.Write([]byte("structural output"))
	return Result{}, fmt.Errorf("pdf: %w: JBIG2 image stream (object 7) has no decoder here", ErrNeedsRender)
})

func TestEngineFailClosed(t *testing.T) {
	text := []byte("hello, world\n")
	tests := []struct {
		name       string
		handler    Sanitizer
		renderer   Sanitizer
		item       Item
		policy     map[string]PolicyAction
		limits     Limits
		wantV      Verdict
		wantOut    string
		wantReason string
	}{
		{name: "sanitized", handler: upper, item: Item{Name: "a.txt"}, wantV: Sanitized, wantOut: "HELLO, WORLD\n"},
		{name: "panic is quarantined", handler: funcSanitizer(func(context.Context, *Item, io.Writer, *Budget) (Result, error) {
			var m map[string]int
			m["x"]++
			return Result{}, nil
		}), wantV: Quarantined, wantReason: "sanitizer crashed"},
		{name: "error discards partial output", handler: funcSanitizer(func(_ context.Context, in *Item, w io.Writer, _ *Budget) (Result, error) {
			io.Copy(w, in.Reader())
			return Result{}, fmt.Errorf("%w: bad structure", ErrMalformed)
		}), wantV: Quarantined, wantReason: "malformed: bad structure"},
		{name: "encrypted", handler: funcSanitizer(func(context.Context, *Item, io.Writer, *Budget) (Result, error) {
			return Result{}, fmt.Errorf("%w: password protected", ErrEncrypted)
		}), wantV: Quarantined, wantReason: "encrypted"},
		{name: "timeout", limits: Limits{Timeout: 20 * time.Millisecond}, handler: funcSanitizer(func(ctx context.Context, _ *Item, w io.Writer, _ *Budget) (Result, error) {
			w.Write([]byte("partial"))
			<-ctx.Done()
			return Result{}, ctx.Err()
		}), wantV: Quarantined, wantReason: "limits.timeout"},
		{name: "ignored deadline still quarantined", limits: Limits{Timeout: 10 * time.Millisecond}, handler: funcSanitizer(func(ctx context.Context, _ *Item, w io.Writer, _ *Budget) (Result, error) {
			time.Sleep(30 * time.Millisecond)
			w.Write([]byte("late"))
			return Result{}, nil
		}), wantV: Quarantined, wantReason: "timeout"},
		{name: "no handler", handler: nil, wantV: Quarantined, wantReason: "no sanitizer for type"},
		{name: "family refuses without error", handler: funcSanitizer(func(_ context.Context, _ *Item, w io.Writer, _ *Budget) (Result, error) {
			w.Write([]byte("x"))
			return Result{Verdict: Quarantined, Reason: "xlsb is not supported"}, nil
		}), wantV: Quarantined, wantReason: "xlsb"},
		{name: "blocked by name", handler: upper, item: Item{Name: "請求書.pdf.exe"}, wantV: Blocked, wantReason: ".exe"},
		{name: "blocked by declared type", handler: upper, item: Item{DeclaredType: "application/x-msdownload"}, wantV: Blocked},
		{name: "policy strip", handler: upper, policy: map[string]PolicyAction{"text": Strip}, wantV: Stripped},
		{name: "policy quarantine", handler: upper, policy: map[string]PolicyAction{"text": Quarantine}, wantV: Quarantined, wantReason: "policy quarantines text"},
		{name: "policy pass", handler: nil, policy: map[string]PolicyAction{"text": Pass}, wantV: Clean, wantOut: "hello, world\n"},
		{name: "render without renderer", handler: upper, policy: map[string]PolicyAction{"text": Render}, wantV: Quarantined, wantReason: "renderer unavailable"},
		{name: "needs render without renderer", handler: needsRender, wantV: Quarantined, wantReason: "needs render: JBIG2 image stream (object 7)"},
		{name: "needs render goes to the renderer", handler: needsRender, renderer: upper, wantV: Sanitized, wantOut: "HELLO, WORLD\n"},
		{name: "renderer asking for render is quarantined", handler: upper, renderer: needsRender, policy: map[string]PolicyAction{"text": Render}, wantV: Quarantined, wantReason: "needs render"},
		{name: "file too large", handler: upper, limits: Limits{MaxFileSize: 4}, wantV: Quarantined, wantReason: "limits.max_file_size"},
		{name: "output too large", handler: funcSanitizer(func(_ context.Context, _ *Item, w io.Writer, _ *Budget) (Result, error) {
			_, err := w.Write(make([]byte, 64))
			return Result{}, err
		}), limits: Limits{MaxFileSize: 32}, wantV: Quarantined, wantReason: "limits.max_file_size"},
	}
	// Each case three times: spooled into a plain writer, and written straight into a
	// Restartable output (a buffer, an ItemSpool) that must be empty after a refusal.
	for i := range 3 * len(tests) {
		tc, direct, itemSpool := tests[i/3], i%3 == 1, i%3 == 2
		name := tc.name
		if direct {
			name += "/direct"
		}
		if itemSpool {
			name += "/itemspool"
		}
		t.Run(name, func(t *testing.T) {
			e := NewEngine(EngineOptions{Policy: DefaultPolicy().With(tc.policy), Limits: tc.limits})
			if tc.handler != nil {
				e.Register("text", tc.handler)
			}
			if tc.renderer != nil {
				e.RegisterRenderer("text", tc.renderer)
			}
			item := tc.item
			item.Body = bytes.NewReader(text)
			item.Path = "item"
			var out restartBuffer
			var w io.Writer = &out.Buffer
			if direct {
				w = &out
			}
			sp := NewSpool(SpoolOptions{Dir: t.TempDir(), Threshold: 8})
			defer sp.Remove()
			if itemSpool {
				w = ItemSpool{sp}
			}
			res, err := e.Sanitize(context.Background(), &item, w, nil)
			if err != nil {
				t.Fatalf("Sanitize error: %v", err)
			}
			if itemSpool {
				sp.WriteTo(&out.Buffer)
			}
			if res.Verdict != tc.wantV {
				t.Fatalf("verdict = %s (%s), want %s", res.Verdict, res.Reason, tc.wantV)
			}
			if !strings.Contains(res.Reason, tc.wantReason) {
				t.Errorf("reason = %q, want it to contain %q", res.Reason, tc.wantReason)
			}
			if got := out.String(); got != tc.wantOut {
				t.Errorf("output = %q, want %q", got, tc.wantOut)
			}
			if tc.name == "needs render goes to the renderer" && (len(res.Actions) == 0 || res.Actions[0].Kind != ActRasterized || !strings.Contains(res.Actions[0].Detail, "JBIG2")) {
				t.Errorf("re-dispatch to the renderer not reported first: %+v", res.Actions)
			}
			if !tc.wantV.HasOutput() && (len(res.Actions) == 0 || res.Actions[len(res.Actions)-1].Path != "item") {
				t.Errorf("refusal without an action on the item's path: %+v", res.Actions)
			}
		})
	}
}

// restartBuffer is a Restartable output in memory.
type restartBuffer struct{ bytes.Buffer }

func (r *restartBuffer) Restart() error { r.Reset(); return nil }

func TestEngineMismatchIsAFinding(t *testing.T) {
	e := NewEngine(EngineOptions{})
	e.Register("text", upper)
	in := &Item{Body: strings.NewReader("HELLO\n"), Name: "invoice.pdf", Path: "item"}
	var out bytes.Buffer
	res, err := e.Sanitize(context.Background(), in, &out, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Handled by content; delivered under a name that opens it as what it is.
	if res.Verdict != Sanitized || out.String() != "HELLO\n" || res.OutName != "invoice.txt" {
		t.Fatalf("verdict %s output %q name %q, want sanitized, the text handled by content, renamed invoice.txt", res.Verdict, out.String(), res.OutName)
	}
	if len(res.Actions) != 2 || res.Actions[0].Kind != ActTypeMismatch || res.Actions[1].Kind != ActRenamed {
		t.Fatalf("actions = %+v, want a type-mismatch finding and a rename", res.Actions)
	}
}

func TestEngineStricterByName(t *testing.T) {
	e := NewEngine(EngineOptions{})
	var seen string
	e.Register("text", funcSanitizer(func(_ context.Context, in *Item, w io.Writer, _ *Budget) (Result, error) {
		seen = in.Detected.Name
		return Result{}, nil
	}))
	in := &Item{Body: strings.NewReader("a,b\n=1+1,c\n"), Name: "data.csv"}
	if _, err := e.Sanitize(context.Background(), in, io.Discard, nil); err != nil {
		t.Fatal(err)
	}
	if seen != "csv" {
		t.Errorf("a .csv name on plain text gave type %q, want csv", seen)
	}
}

func TestBudgetSharedAcrossNesting(t *testing.T) {
	b := NewBudget(Limits{MaxDepth: 2, MaxEntries: 3, MaxTotalSize: 10})
	n1, err := b.Nest()
	if err != nil {
		t.Fatal(err)
	}
	n2, err := n1.Nest()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n2.Nest(); !isLimit(err, "limits.max_depth") {
		t.Errorf("third Nest error = %v, want limits.max_depth", err)
	}
	if err := n1.AddEntries(2); err != nil {
		t.Fatal(err)
	}
	if err := n2.AddEntries(2); !isLimit(err, "limits.max_entries") {
		t.Errorf("entries across levels = %v, want limits.max_entries", err)
	}
	r := n2.Expand(strings.NewReader(strings.Repeat("x", 64)), 0)
	if _, err := io.ReadAll(r); !isLimit(err, "limits.max_total_size") {
		t.Errorf("Expand past total = %v, want limits.max_total_size", err)
	}
	if got := b.Expanded(); got < 10 {
		t.Errorf("top-level budget saw %d expanded bytes, want the nested ones", got)
	}
}

func TestBudgetChecks(t *testing.T) {
	b := NewBudget(Limits{MaxPixels: 1000, MaxPages: 5, MaxRatio: 10, MaxFileSize: 100})
	tests := []struct {
		name string
		err  error
		key  string
	}{
		{"pixels ok", b.CheckPixels(10, 100), ""},
		{"pixels over", b.CheckPixels(1000, 1000), "limits.max_pixels"},
		{"pixels overflow", b.CheckPixels(1<<31-1, 1<<31-1), "limits.max_pixels"},
		{"pages over", b.CheckPages(6), "limits.max_pages"},
		{"ratio small entry exempt", b.CheckRatio(1, 1000), ""},
		{"ratio 667 at 5 MiB exempt", b.CheckRatio(5<<20/667, 5<<20), ""},
		{"ratio over at 8 MiB", b.CheckRatio(8<<10, 8<<20), "limits.max_ratio"},
		{"ratio over", b.CheckRatio(1000, 100<<20), "limits.max_ratio"},
		{"file size", b.CheckFileSize(101), "limits.max_file_size"},
	}
	for _, tc := range tests {
		if tc.key == "" && tc.err != nil || tc.key != "" && !isLimit(tc.err, tc.key) {
			t.Errorf("%s: err = %v, want key %q", tc.name, tc.err, tc.key)
		}
	}
	r := b.Expand(strings.NewReader(strings.Repeat("y", 20)), 20)
	if data, err := io.ReadAll(r); err != nil || len(data) != 20 {
		t.Errorf("Expand exactly at max = %d bytes, %v; want 20, nil", len(data), err)
	}
	r = b.Expand(strings.NewReader(strings.Repeat("y", 21)), 20)
	if _, err := io.ReadAll(r); !isLimit(err, "limits.max_file_size") {
		t.Errorf("Expand one past max = %v, want limits.max_file_size", err)
	}
}

func isLimit(err error, key string) bool {
	var le *LimitError
	return errors.As(err, &le) && le.Limit == key && errors.Is(err, ErrLimit)
}

func TestSpool(t *testing.T) {
	for _, size := range []int{0, 10, 100, 5000} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			s := NewSpool(SpoolOptions{Dir: t.TempDir(), Threshold: 64, Max: 4096})
			defer s.Remove()
			data := bytes.Repeat([]byte("0123456789"), size/10)
			_, err := s.ReadFrom(bytes.NewReader(data))
			if size > 4096 {
				if !isLimit(err, "limits.max_file_size") {
					t.Fatalf("over max: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := make([]byte, s.Size())
			if _, err := s.ReadAt(got, 0); err != nil && err != io.EOF {
				t.Fatal(err)
			}
			if !bytes.Equal(got, data) {
				t.Fatalf("spool read back %d bytes, want %d", len(got), len(data))
			}
			var out bytes.Buffer
			s.WriteTo(&out)
			if !bytes.Equal(out.Bytes(), data) {
				t.Fatal("WriteTo differs")
			}
			if err := s.Remove(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestSpoolReuse: the memory of a removed spool serves the next one (memBufs); the
// removed spool reads nothing, the new one exactly what was written to it, also when it
// is shorter than what the buffer held before or grows past it or spills to a file.
func TestSpoolReuse(t *testing.T) {
	dir := t.TempDir()
	prev := NewSpool(SpoolOptions{Dir: dir, Threshold: 1 << 20})
	prev.Write(bytes.Repeat([]byte("secret-of-the-last-message "), 1000))
	prev.Remove()
	for _, size := range []int{1, 100, 40 << 10, 2 << 20} {
		s := NewSpool(SpoolOptions{Dir: dir, Threshold: 1 << 20})
		data := bytes.Repeat([]byte{'n'}, size)
		for p := data; len(p) > 0; p = p[min(len(p), 4000):] {
			if _, err := s.Write(p[:min(len(p), 4000)]); err != nil {
				t.Fatal(err)
			}
		}
		got := make([]byte, size+100)
		n, err := s.ReadAt(got, 0)
		if err != nil && err != io.EOF || !bytes.Equal(got[:n], data) {
			t.Fatalf("size %d: spool read back %d bytes (%v), want exactly what was written", size, n, err)
		}
		if n, _ := prev.ReadAt(got, 0); n != 0 {
			t.Fatalf("a removed spool read %d bytes", n)
		}
		var out bytes.Buffer
		if _, err := prev.WriteTo(&out); err != nil || out.Len() != 0 {
			t.Fatalf("a removed spool wrote %d bytes (%v)", out.Len(), err)
		}
		if err := s.Remove(); err != nil {
			t.Fatal(err)
		}
		prev = s
	}
}

func TestEngineStricterByNameActiveMarkup(t *testing.T) {
	tests := []struct {
		name string
		want string
	}{
		{"picture.svg", "svg"},
		{"picture.SVGZ", "svg"},
		{"page.xht", "html"},
		{"page.shtml", "html"},
		{"style.xsl", "xml"},
		{"feed.rss", "xml"},
		{"notes.txt", "text"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := stricterByName(Type{Name: "text", Class: ClassText}, tc.name); got.Name != tc.want {
				t.Errorf("stricterByName(text, %q) = %q, want %q", tc.name, got.Name, tc.want)
			}
		})
	}
}

func TestFixOutputName(t *testing.T) {
	text := Type{Name: "text", Class: ClassText, Ext: ".txt"}
	pdf := Type{Name: "pdf", Class: ClassPDF, Ext: ".pdf"}
	png := Type{Name: "png", Class: ClassImage, Ext: ".png"}
	tests := []struct {
		desc    string
		t       Type
		name    string
		r       Result
		want    string
		renamed bool
	}{
		{"text named txt", text, "a.txt", Result{OutType: "text/plain"}, "", false},
		{"text named log", text, "a.log", Result{OutType: "text/plain"}, "", false},
		{"text without a name", text, "", Result{OutType: "text/plain"}, "", false},
		{"text named doc opens in Word", text, "a.doc", Result{OutType: "text/plain"}, "a.txt", true},
		{"text named iqy", text, "a.iqy", Result{OutType: "text/plain"}, "a.txt", true},
		{"csv named csv", text, "a.csv", Result{OutType: "text/csv; charset=utf-8"}, "", false},
		{"csv named slk", text, "a.slk", Result{OutType: "text/csv; charset=utf-8"}, "a.csv", true},
		{"family renamed html to txt", text, "a.html", Result{OutType: "text/plain", OutName: "a.txt"}, "a.txt", false},
		{"pdf named pdf", pdf, "a.pdf", Result{}, "", false},
		{"pdf named html", pdf, "a.html", Result{}, "a.pdf", true},
		{"png named svg", png, "a.svg", Result{}, "a.png", true},
		{"png named jpg keeps its image name", png, "a.jpg", Result{}, "", false},
		{"family rename trusted", pdf, "a.docm", Result{OutName: "a.pdf"}, "a.pdf", false},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			r := tc.r
			r.Verdict = Clean
			fixOutputName(tc.t, &Item{Name: tc.name, Path: "p"}, &r)
			if r.OutName != tc.want {
				t.Errorf("OutName = %q, want %q", r.OutName, tc.want)
			}
			renamed := len(r.Actions) > 0 && r.Actions[len(r.Actions)-1].Kind == ActRenamed
			if renamed != tc.renamed || (renamed && r.Verdict != Sanitized) {
				t.Errorf("renamed = %v verdict %s, want renamed %v (and sanitized if so)", renamed, r.Verdict, tc.renamed)
			}
		})
	}
}
