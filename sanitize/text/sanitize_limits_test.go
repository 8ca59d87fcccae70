package text

import (
	"bytes"
	"context"
	"errors"
	"golang.org/x/text/encoding/charmap"
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
		{"ebcdic text", []byte("\xd7\xc1\xe8\xd9\xd6\xd3\xd3@\xd9\xc5\xd7\xd6\xd9\xe3@\xc6\xd6\xd9@\xc4\xc5\xd7\xc1\xd9\xe3\xd4\xc5\xd5\xe3@\xf4\xf2@`@\xc5\xd4\xd7\xd3\xd6\xe8\xc5\xc5@\xd5\xc1\xd4\xc5@\xc1\xd5\xc4@\xe2\xc1\xd3\xc1\xd9\xe8%"), typText, sanitize.ErrUnsupported},
		{"binary data taken for text", binaryText, typText, sanitize.ErrMalformed},
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
		{"undeclared latin-1 detected", "", typText,
			"Caf\xe9 cr\xe8me br\xfbl\xe9e.\n", "Café crème brûlée.\n", "windows-1252 → utf-8"},
		{"mime parameter fills an undecidable latin-1", "text/plain; charset=ISO-8859-1", typText,
			"Caf\xe9 cr\xe8me\n", "Café crème\n", "windows-1252 → utf-8"},
		{"html meta fills an undecidable latin-1", "", typHTML,
			"<html><head><meta charset=\"windows-1252\"></head><body><p>Caf\xe9 cr\xe8me</p></body></html>", "Café crème\n", "windows-1252 → utf-8"},
		{"meta after a long script", "", typHTML,
			"<html><head><script>" + strings.Repeat("var x = 1; // padding the head\n", 120) + "</script>" +
				"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\"></head><body><p>" +
				cp(t, charmap.Windows1251, "Аренда офиса в центре города") + "</p></body></html>",
			"Аренда офиса в центре города\n", "windows-1251 → utf-8"},
		{"a false utf-8 declaration is not believed", "text/html; charset=utf-8", typHTML,
			"<html><body><p>" + cp(t, charmap.Windows1256, "في قرية صغيرة يعيش الناس بسلام") + "</p></body></html>",
			"في قرية صغيرة يعيش الناس بسلام\n", "windows-1256 → utf-8"},
		{"undeclared cp866 russian", "", typText,
			cp(t, charmap.CodePage866, "Все люди рождаются свободными и равными в своем достоинстве и правах.\n"),
			"Все люди рождаются свободными и равными в своем достоинстве и правах.\n", "ibm866 → utf-8"},
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

// cp encodes s in a legacy code page.
func cp(t *testing.T, e *charmap.Charmap, s string) string {
	t.Helper()
	b, err := e.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
