package text

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// grow repeats a corpus file's body to about n bytes; head and tail (e.g. a CSV header
// or the HTML document element) are kept once.
func grow(b *testing.B, file string, n int, skipHead int) []byte {
	b.Helper()
	data := corpusFile(b, file)
	head, body := data[:skipHead], data[skipHead:]
	out := append([]byte(nil), head...)
	for len(out) < n {
		out = append(out, body...)
	}
	return out
}

// BenchmarkHTMLToText measures the HTML→text converter on a ~1 MB newsletter (the corpus
// newsletter repeated: nested tables, lists, links, hidden blocks, scripts).
func BenchmarkHTMLToText(b *testing.B) {
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"file=newsletter.html/size=1MB", grow(b, "newsletter.html", 1<<20, 0)},
		{"file=ja-newsletter-utf8.html/size=1MB", grow(b, "ja-newsletter-utf8.html", 1<<20, 0)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(tc.data)))
			for b.Loop() {
				if _, err := HTMLToText(io.Discard, bytes.NewReader(tc.data), HTMLOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkToUTF8 measures charset decoding plus normalization on ~1 MB inputs, with the
// charset given (the mail path) and detected from the head.
func BenchmarkToUTF8(b *testing.B) {
	for _, tc := range []struct {
		name, file, charset string
	}{
		{"charset=shift_jis/label=given", "sjis-cp932.txt", "shift_jis"},
		{"charset=shift_jis/label=detect", "sjis-cp932.txt", ""},
		{"charset=euc-jp/label=given", "eucjp.txt", "euc-jp"},
		{"charset=iso-2022-jp/label=given", "iso2022jp.txt", "iso-2022-jp"},
		{"charset=utf-8/label=given", "utf8-clean.txt", "utf-8"},
	} {
		data := grow(b, tc.file, 1<<20, 0)
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := ToUTF8(io.Discard, bytes.NewReader(data), tc.charset); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkNeutralizeCSV measures parsing and rewriting UTF-8 CSV with formula cells.
func BenchmarkNeutralizeCSV(b *testing.B) {
	data := grow(b, "formulas.csv", 1<<20, len("id,name,comment,amount\n"))
	b.Run("file=formulas.csv/size=1MB", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := NeutralizeCSV(io.Discard, bytes.NewReader(data), ','); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkSanitize measures the whole family call as the engine makes it: charset scan
// over the whole input, decode, then the type's rewrite.
func BenchmarkSanitize(b *testing.B) {
	sjisHeader := bytes.IndexByte(corpusFile(b, "meibo-sjis.csv"), '\n') + 1
	for _, tc := range []struct {
		name string
		typ  sanitize.Type
		data []byte
	}{
		{"type=text/file=sjis-cp932.txt/size=1MB", sanitize.Type{Name: "text", Class: sanitize.ClassText}, grow(b, "sjis-cp932.txt", 1<<20, 0)},
		{"type=csv/file=meibo-sjis.csv/size=1MB", sanitize.Type{Name: "csv", Class: sanitize.ClassText, MIME: "text/csv"}, grow(b, "meibo-sjis.csv", 1<<20, sjisHeader)},
		{"type=html/file=newsletter.html/size=1MB", sanitize.Type{Name: "html", Class: sanitize.ClassText}, grow(b, "newsletter.html", 1<<20, 0)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			s := New(Options{})
			b.ReportAllocs()
			b.SetBytes(int64(len(tc.data)))
			for b.Loop() {
				in := &sanitize.Item{Body: bytes.NewReader(tc.data), Path: "item", Detected: tc.typ}
				if _, err := s.Sanitize(context.Background(), in, io.Discard, sanitize.NewBudget(sanitize.Limits{})); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSanitizeLarge measures the family on a large clean UTF-8 text as a file
// transfer sends it (the transfer benchmark's text): the first 8 MiB decide the charset,
// the rest is judged as it is decoded and passes unchanged.
func BenchmarkSanitizeLarge(b *testing.B) {
	data := jaLines(64 << 20)
	typ := sanitize.Type{Name: "text", Class: sanitize.ClassText}
	s := New(Options{})
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item", Detected: typ}
		res, err := s.Sanitize(context.Background(), in, restartableDiscard{}, sanitize.NewBudget(sanitize.Limits{}))
		if err != nil || res.Verdict != sanitize.Clean {
			b.Fatal(res.Verdict, err)
		}
	}
}

// restartableDiscard is an output the engine may restart, as a transfer's blob is: a
// large input's head then decides its charset.
type restartableDiscard struct{}

func (restartableDiscard) Write(p []byte) (int, error) { return len(p), nil }
func (restartableDiscard) Restart() error              { return nil }

// jaLines is about n bytes of numbered Japanese lines with numbers between the kanji, the
// file-transfer benchmark's text (benchmarks/transferload gen-text).
func jaLines(n int) []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "%09d 令和8年度の業務委託契約について、東京都千代田区霞が関の庁舎で数量 %d、単価 %d 円として記録する。\n", i, i%97, i%10007)
	}
	return b.Bytes()
}

// BenchmarkCleanRun measures the normalizer's bulk path on text that needs no change:
// Japanese lines with numbers (the transfer benchmark's file) and English prose.
func BenchmarkCleanRun(b *testing.B) {
	ja := jaLines(1 << 20)
	var en bytes.Buffer
	for i := 0; en.Len() < 1<<20; i++ {
		fmt.Fprintf(&en, "%09d The contract for fiscal 2026 was recorded at the Kasumigaseki office: quantity %d, unit price %d yen.\n", i, i%97, i%10007)
	}
	for _, tc := range []struct {
		name string
		data []byte
	}{{"text=ja", ja}, {"text=en", en.Bytes()}} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(tc.data)))
			for b.Loop() {
				for p := tc.data; len(p) > 0; {
					k, _ := cleanRun(p, len(p))
					if k == 0 {
						k = 1
					}
					p = p[k:]
				}
			}
		})
	}
}
