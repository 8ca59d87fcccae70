package ooxml

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/klauspost/compress/flate"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/img"
)

// newBenchEngine wires the engine as the command does, with the product's image family
// (pooled encoders, JPEGs rebuilt from their coefficients) rather than the tests' minimal
// one, which builds a standard-library zlib writer per picture: a benchmark measures what
// a gateway spends on the document.
func newBenchEngine() *Sanitizer {
	e := sanitize.NewEngine(sanitize.EngineOptions{})
	s := New(Options{Inner: e, KeepHyperlinks: true})
	e.Register(string(sanitize.ClassOOXML), s)
	e.Register(string(sanitize.ClassODF), s)
	e.Register(string(sanitize.ClassImage), img.New(img.Options{}))
	return s
}

// bigDocx grows the real report.docx to about target bytes by repeating its body (text,
// a table, fields, the picture reference) with varying numbers, as a long report would.
func bigDocx(tb testing.TB, target int) []byte {
	tb.Helper()
	gen := func(n int) []byte {
		es := unpack(tb, readCorpus(tb, "ooxml/report.docx"))
		for i := range es {
			if es[i].name != docMain {
				continue
			}
			doc := string(es[i].data)
			start := strings.Index(doc, "<w:body>") + len("<w:body>")
			end := strings.Index(doc, "<w:sectPr>")
			body := doc[start:end]
			r := rand.New(rand.NewPCG(1, 2))
			var b strings.Builder
			for k := range n {
				if k%20 == 0 {
					b.WriteString(strings.Replace(body, "1200", fmt.Sprint(r.IntN(1e9)), 1))
				}
				b.WriteString(`<w:p><w:pPr><w:pStyle w:val="Normal"/></w:pPr><w:r><w:rPr></w:rPr><w:t xml:space="preserve">`)
				for range 12 + r.IntN(30) {
					b.WriteString(words[r.IntN(len(words))])
					b.WriteByte(' ')
				}
				fmt.Fprintf(&b, `</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>%d</w:t></w:r></w:p>`, r.IntN(1e6))
			}
			es[i].data = []byte(doc[:start] + b.String() + doc[end:])
		}
		return pack(tb, es)
	}
	return scaleTo(target, gen)
}

// photoDocx is the shape of a large real docx: a megabyte of text plus photos. Each photo
// is a JPEG (1600x1200, noisy, so it does not compress) shown by a copy of the report's
// inline picture.
func photoDocx(tb testing.TB, target int) []byte {
	tb.Helper()
	es := unpack(tb, bigDocx(tb, 1<<20))
	photo := noisyJPEG(tb, 1600, 1200)
	n := max((target-(1<<20))/len(photo), 1)
	for i := range es {
		switch es[i].name {
		case docMain:
			doc := string(es[i].data)
			a := strings.Index(doc, "<w:drawing>")
			z := strings.Index(doc, "</w:drawing>") + len("</w:drawing>")
			drawing := doc[a:z]
			var b strings.Builder
			for k := range n {
				fmt.Fprintf(&b, `<w:p><w:r>%s</w:r></w:p>`, strings.Replace(drawing, `r:embed="rId3"`, fmt.Sprintf(`r:embed="rIdP%d"`, k), 1))
			}
			end := strings.Index(doc, "<w:sectPr>")
			es[i].data = []byte(doc[:end] + b.String() + doc[end:])
		case docRels:
			var b strings.Builder
			for k := range n {
				fmt.Fprintf(&b, `<Relationship Id="rIdP%d" Type="%simage" Target="media/photo%d.jpeg"/>`, k, relBase, k)
			}
			es[i].data = bytes.Replace(es[i].data, []byte("</Relationships>"), []byte(b.String()+"</Relationships>"), 1)
		}
	}
	for k := range n {
		es = append(es, entry{name: fmt.Sprintf("word/media/photo%d.jpeg", k), data: photo})
	}
	return pack(tb, es)
}

func noisyJPEG(tb testing.TB, w, h int) []byte {
	tb.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(5, 6))
	for i := range img.Pix {
		img.Pix[i] = uint8(i/4%w/7) + uint8(r.IntN(64))
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// bigXlsx grows the real ledger.xlsx: its first sheet gets rows of numbers, text and
// formulas, the shape of an exported ledger.
func bigXlsx(tb testing.TB, target int) []byte {
	tb.Helper()
	gen := func(n int) []byte {
		es := unpack(tb, readCorpus(tb, "ooxml/ledger.xlsx"))
		for i := range es {
			if es[i].name != "xl/worksheets/sheet1.xml" {
				continue
			}
			doc := string(es[i].data)
			start := strings.Index(doc, "<sheetData>") + len("<sheetData>")
			end := strings.Index(doc, "</sheetData>")
			r := rand.New(rand.NewPCG(3, 4))
			var b strings.Builder
			for k := 1; k <= n; k++ {
				a, c := r.IntN(1e7), r.Float64()*1e4
				fmt.Fprintf(&b, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>item-%x</t></is></c><c r="B%d"><v>%d</v></c><c r="C%d"><v>%.4f</v></c><c r="D%d"><f>B%d*C%d</f><v>%.4f</v></c></row>`,
					k, k, r.Uint32(), k, a, k, c, k, k, k, float64(a)*c)
			}
			es[i].data = []byte(doc[:start] + b.String() + doc[end:])
		}
		return pack(tb, es)
	}
	return scaleTo(target, gen)
}

// words is a vocabulary for generated text, so that it compresses like prose (about 4:1)
// rather than like a repeated block.
var words = strings.Fields(`the of and to in is that for it as was with be by on not he this are or his from at which
but have an they you were her she there been one all we their has would when if so no what up out who
them some could him into its then two more these time may only new do my over such like other than first
municipal office budget report mail gateway sanitizer document policy review approved section amount total
関所 無害化 文書 予算 報告 承認 申請 住民 窓口 担当 年度 金額 合計 備考 会議 資料 添付 確認 送付 受付`)

// scaleTo builds once small, then corrects twice: deflate does better on larger inputs,
// so one extrapolation falls short by a third.
func scaleTo(target int, gen func(n int) []byte) []byte {
	n := 200
	out := gen(n)
	for range 2 {
		n = max(int(int64(n)*int64(target)/int64(len(out))), 1)
		out = gen(n)
	}
	return out
}

// BenchmarkSanitize measures the raw Sanitize call on generated real-shaped packages: zip
// validation, relationship analysis, the streaming XML rewrite of every part, image
// re-encoding through the engine (the product's image family, as the command registers
// it), and deflate of the new container. docx/20KB is the typical mail attachment
// (the real report with a few pages of text), memo the real LibreOffice memo as it is,
// report the real report as it is (the DOCX of benchmarks/loadgen's mixed message, where a
// document's fixed cost decides); docx/1MB is text only; docx/20MB adds photos, the usual
// reason a Word file is that large; xlsx grows a sheet of numbers and formulas; ja-ledger is the real Japanese
// ledger (606 formulas, rules, validation) and ja-guide 50 pages of Japanese text.
func BenchmarkSanitize(b *testing.B) {
	for _, tc := range []struct {
		name string
		gen  func(testing.TB, int) []byte
		size int
	}{
		{"type=docx/size=memo", func(tb testing.TB, _ int) []byte { return readCorpus(tb, "ooxml/memo.docx") }, 0},
		{"type=docx/size=report", func(tb testing.TB, _ int) []byte { return readCorpus(tb, "ooxml/report.docx") }, 0},
		{"type=docx/size=20KB", bigDocx, 20 << 10},
		{"type=docx/size=1MB", bigDocx, 1 << 20},
		{"type=docx/size=20MB", photoDocx, 20 << 20},
		{"type=xlsx/size=1MB", bigXlsx, 1 << 20},
		{"type=xlsx/size=ja-ledger", func(tb testing.TB, _ int) []byte { return readCorpus(tb, "ooxml/ja-ledger.xlsx") }, 0},
		{"type=ods/size=ja-ledger", func(tb testing.TB, _ int) []byte { return readCorpus(tb, "odf/ja-ledger.ods") }, 0},
		{"type=odt/size=ja-guide", func(tb testing.TB, _ int) []byte { return readCorpus(tb, "odf/ja-guide.odt") }, 0},
		{"type=xlsx/size=20MB", bigXlsx, 20 << 20},
	} {
		b.Run(tc.name, func(b *testing.B) {
			data := tc.gen(b, tc.size)
			s := newBenchEngine()
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			var out bytes.Buffer
			cpu0 := testtool.CPUTime()
			for b.Loop() {
				out.Reset()
				in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item"}
				if _, err := s.Sanitize(context.Background(), in, &out, sanitize.NewBudget(sanitize.Limits{})); err != nil {
					b.Fatal(err)
				}
			}
			// The machine is shared: CPU seconds per op are steadier than wall-clock time.
			cpu := (testtool.CPUTime() - cpu0).Seconds() / float64(b.N)
			b.ReportMetric(cpu*1000, "cpu-ms/op")
			b.ReportMetric(float64(len(data))/cpu/1e6, "cpu-MB/s")
			b.ReportMetric(float64(out.Len())/float64(len(data)), "out/in")
			b.ReportMetric(float64(len(data))/(1<<20), "in-MiB") // after b.Loop, which resets metrics
		})
	}
}

// BenchmarkSanitizeAfterGC measures small documents as a busy gateway meets them: the
// gateway's other work runs the collector every few messages, and every second collection
// empties each sync.Pool, so two collections before each document show what the family
// allocates per document when its pools are cold. Only the Sanitize call's CPU is counted.
func BenchmarkSanitizeAfterGC(b *testing.B) {
	for _, name := range []string{"memo", "report"} {
		b.Run("type=docx/size="+name, func(b *testing.B) {
			data := readCorpus(b, "ooxml/"+name+".docx")
			s := newBenchEngine()
			var out bytes.Buffer
			testtool.AfterGC(b, func() {
				out.Reset()
				in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item"}
				if _, err := s.Sanitize(context.Background(), in, &out, sanitize.NewBudget(sanitize.Limits{})); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

// discard is a stage that keeps nothing.
type discard struct{}

func (discard) push(*tok) error { return nil }
func (discard) finish() error   { return nil }

// BenchmarkReadXML measures the XML reader alone (scanner, namespace resolution and the
// structure checks) on the main part of the 1 MB docx, without the rules, the writer or
// the zip container: the per-token cost, with less of the machine's noise around it.
func BenchmarkReadXML(b *testing.B) {
	var doc []byte
	for _, e := range unpack(b, bigDocx(b, 1<<20)) {
		if e.name == docMain {
			doc = e.data
		}
	}
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	cpu0 := testtool.CPUTime()
	for b.Loop() {
		if err := readXML(context.Background(), bytes.NewReader(doc), discard{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((testtool.CPUTime()-cpu0).Seconds()*1000/float64(b.N), "cpu-ms/op")
}

// BenchmarkWriteXML measures the reader and the serializer without the rules (every
// element kept) on the 1 MB docx's main part: the writer's own cost is this minus
// BenchmarkReadXML.
func BenchmarkWriteXML(b *testing.B) {
	var doc []byte
	for _, e := range unpack(b, bigDocx(b, 1<<20)) {
		if e.name == docMain {
			doc = e.data
		}
	}
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	cpu0 := testtool.CPUTime()
	for b.Loop() {
		if err := readXML(context.Background(), bytes.NewReader(doc), newWriter(io.Discard, keepAll{})); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((testtool.CPUTime()-cpu0).Seconds()*1000/float64(b.N), "cpu-ms/op")
}

// BenchmarkDeflateLevel measures what deflateLevel trades: klauspost/compress at each
// level on the main part of the 1 MB docx and the sheet of the 1 MB xlsx, CPU per op and
// the compressed size over the markup's (ratio). Level -2 is Huffman coding alone.
func BenchmarkDeflateLevel(b *testing.B) {
	parts := map[string][]byte{}
	for _, e := range unpack(b, bigDocx(b, 1<<20)) {
		if e.name == docMain {
			parts["docx"] = e.data
		}
	}
	for _, e := range unpack(b, bigXlsx(b, 1<<20)) {
		if e.name == "xl/worksheets/sheet1.xml" {
			parts["xlsx"] = e.data
		}
	}
	for _, kind := range []string{"docx", "xlsx"} {
		data := parts[kind]
		for _, level := range []int{flate.HuffmanOnly, flate.BestSpeed, 2, 3, flate.DefaultCompression} {
			b.Run(fmt.Sprintf("type=%s/level=%d", kind, level), func(b *testing.B) {
				var out bytes.Buffer
				fw, err := flate.NewWriter(&out, level)
				if err != nil {
					b.Fatal(err)
				}
				b.SetBytes(int64(len(data)))
				cpu0 := testtool.CPUTime()
				for b.Loop() {
					out.Reset()
					fw.Reset(&out)
					if _, err := fw.Write(data); err != nil {
						b.Fatal(err)
					}
					if err := fw.Close(); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric((testtool.CPUTime()-cpu0).Seconds()*1000/float64(b.N), "cpu-ms/op")
				b.ReportMetric(float64(out.Len())/float64(len(data)), "ratio")
			})
		}
	}
}
