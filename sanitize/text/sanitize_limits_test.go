package text

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

var (
	typText = sanitize.Type{Name: "text", Class: sanitize.ClassText, MIME: "text/plain"}
	typHTML = sanitize.Type{Name: "html", Class: sanitize.ClassText, MIME: "text/html"}
)

// cancelingBlob cancels a context once more than after bytes have been read from it.
type cancelingBlob struct {
	*bytes.Reader
	after  int64
	read   int64
	cancel context.CancelFunc
}

func (c *cancelingBlob) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.Reader.ReadAt(p, off)
	c.read += int64(n)
	if c.read > c.after {
		c.cancel()
	}
	return n, err
}

func TestSanitizeStopsWhenCanceledMidway(t *testing.T) {
	data := bytes.Repeat([]byte("関所ゲートウェイ試験文書。\n"), 200000) // ~7 MB
	for _, after := range []int64{1 << 20, int64(len(data)) + 1<<20} {
		// The first cut falls in the charset scan, the second in the decode pass.
		ctx, cancel := context.WithCancel(context.Background())
		blob := &cancelingBlob{Reader: bytes.NewReader(data), after: after, cancel: cancel}
		in := &sanitize.Item{Body: blob, Path: "item", Detected: typText}
		var out bytes.Buffer
		_, err := New(Options{}).Sanitize(ctx, in, &out, nil)
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancel after %d bytes: error %v, want context.Canceled", after, err)
		}
		if out.Len() >= len(data) {
			t.Errorf("cancel after %d bytes: wrote the whole output (%d bytes)", after, out.Len())
		}
	}
}

func TestSanitizeLimits(t *testing.T) {
	sj := sjis(t, strings.Repeat("あ", 400)) // 800 bytes in, 1200 bytes of UTF-8 out
	tests := []struct {
		name string
		data []byte
		typ  sanitize.Type
		max  int64
	}{
		{"input over max_file_size", bytes.Repeat([]byte("a"), 2000), typText, 1000},
		{"decoded output over max_file_size", sj, typText, 1000},
		{"html output over max_file_size", []byte(strings.Repeat("<li>x", 400)), typHTML, 1000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := &sanitize.Item{Body: bytes.NewReader(tc.data), Path: "item", Detected: tc.typ}
			var out bytes.Buffer
			_, err := New(Options{}).Sanitize(context.Background(), in, &out, sanitize.NewBudget(sanitize.Limits{MaxFileSize: tc.max}))
			var le *sanitize.LimitError
			if !errors.As(err, &le) || le.Limit != "limits.max_file_size" {
				t.Fatalf("error %v, want *LimitError limits.max_file_size", err)
			}
			if int64(out.Len()) > tc.max {
				t.Errorf("wrote %d bytes, over the %d limit", out.Len(), tc.max)
			}
		})
	}
}

func TestSanitizeRefuses(t *testing.T) {
	binaryText := bytes.Repeat([]byte("ab\x00\x01\x02\x03"), 100)
	tests := []struct {
		name    string
		data    []byte
		typ     sanitize.Type
		wantErr error
	}{
		{"not the text class", []byte("%PDF-1.7"), sanitize.Type{Name: "pdf", Class: sanitize.ClassPDF}, sanitize.ErrUnsupported},
		{"undecidable charset", []byte("Caf\xe9 cr\xe8me br\xfbl\xe9e."), typText, sanitize.ErrUnsupported},
		{"binary data taken for text", binaryText, typText, sanitize.ErrMalformed},
		{"invalid utf-8 everywhere", bytes.Repeat([]byte("\x80\xfe\xfd a"), 200), typText, sanitize.ErrUnsupported},
		{"random bytes after a utf-16 bom", append([]byte{0xff, 0xfe}, corpusFile(t, "bad-binary.bin")...), typText, sanitize.ErrMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := &sanitize.Item{Body: bytes.NewReader(tc.data), Path: "item", Detected: tc.typ}
			_, err := New(Options{}).Sanitize(context.Background(), in, &bytes.Buffer{}, nil)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Sanitize error = %v, want %v", err, tc.wantErr)
			}
		})
	}
}

func TestSanitizeDeclaredCharset(t *testing.T) {
	tests := []struct {
		name, declared string
		typ            sanitize.Type
		data, want     string
		wantDetail     string
	}{
		{"mime parameter fills an undecidable latin-1", "text/plain; charset=ISO-8859-1", typText,
			"Caf\xe9 cr\xe8me\n", "Café crème\n", "windows-1252 → utf-8"},
		{"html meta fills an undecidable latin-1", "", typHTML,
			"<html><head><meta charset=\"windows-1252\"></head><body><p>Caf\xe9 cr\xe8me</p></body></html>", "Café crème\n", "windows-1252 → utf-8"},
		{"content wins over a wrong declaration", "text/plain; charset=iso-8859-1", typText,
			string(sjis(t, "これは日本語です。\n")), "これは日本語です。\n", "shift_jis → utf-8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := &sanitize.Item{Body: strings.NewReader(tc.data), Path: "item", DeclaredType: tc.declared, Detected: tc.typ}
			var out bytes.Buffer
			res, err := New(Options{}).Sanitize(context.Background(), in, &out, nil)
			if err != nil {
				t.Fatal(err)
			}
			if out.String() != tc.want {
				t.Errorf("output %q, want %q", out.String(), tc.want)
			}
			if len(res.Actions) == 0 || res.Actions[0].Kind != sanitize.ActNormalizedCharset || res.Actions[0].Detail != tc.wantDetail {
				t.Errorf("actions %v, want first %s %q", res.Actions, sanitize.ActNormalizedCharset, tc.wantDetail)
			}
		})
	}
}

func TestSanitizeDefangOption(t *testing.T) {
	in := &sanitize.Item{Body: strings.NewReader(`<p><a href="https://evil.example/x">here</a></p>`), Path: "item", Detected: typHTML}
	var out bytes.Buffer
	if _, err := New(Options{DefangLinks: true}).Sanitize(context.Background(), in, &out, nil); err != nil {
		t.Fatal(err)
	}
	if want := "here <hxxps://evil[.]example/x>\n"; out.String() != want {
		t.Errorf("output %q, want %q", out.String(), want)
	}
}

// TestSanitizeIdempotentWithNames runs each corpus file as the engine would, with its
// name, then sanitizes the output under the name the result gives it: clean, no actions.
func TestSanitizeIdempotentWithNames(t *testing.T) {
	s := New(Options{})
	for _, file := range corpus(t) {
		name := file[strings.LastIndexByte(file, '/')+1:]
		if strings.HasPrefix(name, "bad-") {
			continue
		}
		t.Run(name, func(t *testing.T) {
			out, res, err := sanitizeBytes(t, s, name, corpusFile(t, name))
			if err != nil {
				t.Fatal(err)
			}
			next := name
			if res.OutName != "" {
				next = res.OutName
			}
			in := &sanitize.Item{Body: bytes.NewReader(out), Path: "item", Name: next}
			in.Detected = sanitize.Detect(in.Body)
			if strings.HasSuffix(next, ".csv") && in.Detected.Name == "text" {
				in.Detected = sanitize.Type{Name: "csv", Class: sanitize.ClassText, MIME: "text/csv"} // as the engine's name rule does
			}
			var out2 bytes.Buffer
			res2, err := s.Sanitize(context.Background(), in, &out2, nil)
			if err != nil {
				t.Fatalf("second pass: %v", err)
			}
			if res2.Verdict != sanitize.Clean || len(res2.Actions) != 0 {
				t.Errorf("second pass as %s (%s) = %s %v, want clean", next, in.Detected.Name, res2.Verdict, res2.Actions)
			}
			if !bytes.Equal(out2.Bytes(), out) {
				t.Errorf("second pass changed the output")
			}
		})
	}
}

func TestSanitizeCSVBOM(t *testing.T) {
	s := New(Options{CSVBOM: true})
	out, res, err := sanitizeBytes(t, s, "meibo.csv", corpusFile(t, "meibo-sjis.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(out, []byte("\xef\xbb\xbf\xe6\xb0\x8f\xe5\x90\x8d,")) { // BOM, 氏名,
		t.Fatalf("output starts %q, want a BOM then the header", out[:min(12, len(out))])
	}
	if len(res.Actions) == 0 || res.Actions[0].Detail != "shift_jis → utf-8" {
		t.Errorf("actions %v, want shift_jis → utf-8 first", res.Actions)
	}
	in := &sanitize.Item{Body: bytes.NewReader(out), Path: "item", Name: "meibo.csv",
		Detected: sanitize.Type{Name: "csv", Class: sanitize.ClassText, MIME: "text/csv"}}
	var out2 bytes.Buffer
	res2, err := s.Sanitize(context.Background(), in, &out2, nil)
	if err != nil || res2.Verdict != sanitize.Clean || len(res2.Actions) != 0 || !bytes.Equal(out2.Bytes(), out) {
		t.Errorf("second pass = %s %v %v, changed=%v; want clean and unchanged", res2.Verdict, res2.Actions, err, !bytes.Equal(out2.Bytes(), out))
	}
}
