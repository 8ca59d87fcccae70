package e2e

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image/png"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sekisho/sekisho/sanitize"
)

// heapPeak samples the live heap while f runs and returns the highest value seen above
// the level before the call.
func heapPeak(f func()) uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > base && m.HeapInuse-base > peak.Load() {
				peak.Store(m.HeapInuse - base)
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	f()
	close(done)
	wg.Wait()
	return peak.Load()
}

// zipOf builds a zip whose entries are (name, size of zeros or body) with the given
// method; zeros are streamed so that a large bomb costs no memory to build.
type bombEntry struct {
	name   string
	zeros  int64
	body   []byte
	stored bool
}

func bombZip(t testing.TB, entries ...bombEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	zero := make([]byte, 1<<20)
	for _, e := range entries {
		m := zip.Deflate
		if e.stored {
			m = zip.Store
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: m})
		if err != nil {
			t.Fatal(err)
		}
		for n := e.zeros; n > 0; n -= int64(len(zero)) {
			if _, err := w.Write(zero[:min(n, int64(len(zero)))]); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := w.Write(e.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// nestedZip wraps data in depth levels of zip.
func nestedZip(t testing.TB, data []byte, depth int) []byte {
	for i := range depth {
		data = mkzip(t, zipEntry{fmt.Sprintf("level%d.zip", i), string(data)})
	}
	return data
}

// deepMIME nests multipart/mixed depth times.
func deepMIME(depth int) []byte {
	var b strings.Builder
	b.WriteString("From: a@example.invalid\r\nTo: b@example.invalid\r\nSubject: deep\r\nMIME-Version: 1.0\r\n")
	for i := range depth {
		fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=\"bnd%04d\"\r\n\r\n--bnd%04d\r\n", i, i)
	}
	b.WriteString("Content-Type: text/plain\r\n\r\nhello\r\n")
	for i := depth - 1; i >= 0; i-- {
		fmt.Fprintf(&b, "--bnd%04d--\r\n", i)
	}
	return []byte(b.String())
}

// manyParts is a message with n attachments.
func manyParts(n int) []byte {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf("Content-Type: text/plain; name=\"p%d.txt\"\r\nContent-Disposition: attachment\r\n\r\nx", i)
	}
	return eml(parts...)
}

// TestBudgets: bombs, deep nesting and huge part counts are refused within the time limit
// and without holding their expanded size in memory; the reason names the limit.
func TestBudgets(t *testing.T) {
	leaf := bombZip(t, bombEntry{name: "a.txt", zeros: 2 << 20}, bombEntry{name: "b.txt", zeros: 2 << 20})
	var mid []bombEntry
	for i := range 16 {
		mid = append(mid, bombEntry{name: fmt.Sprintf("m%d.zip", i), body: leaf, stored: true})
	}
	midZip := bombZip(t, mid...)
	var top []bombEntry
	for i := range 16 {
		top = append(top, bombEntry{name: fmt.Sprintf("t%d.zip", i), body: midZip, stored: true})
	}
	tiny := make([]zipEntry, 12000)
	for i := range tiny {
		tiny[i] = zipEntry{fmt.Sprintf("e%05d.txt", i), "x"}
	}
	cases := []struct {
		name    string
		file    string
		data    []byte
		want    string // a substring of the reason, "" when it may be delivered
		maxHeap uint64
		maxTime time.Duration
		lim     sanitize.Limits
		refusal bool
	}{
		{"ratio-bomb-zip", "a.zip", bombZip(t, bombEntry{name: "zeros.txt", zeros: 8 << 20}), "limits.max_ratio", 64 << 20, 20 * time.Second, sanitize.Limits{}, true},
		{"ratio-bomb-gzip", "a.txt.gz", gz(t, make([]byte, 8<<20)), "limits.max_", 64 << 20, 20 * time.Second, sanitize.Limits{}, true},
		{"nested-bomb-42", "42.zip", bombZip(t, top...), "limits.max_", 128 << 20, 30 * time.Second, sanitize.Limits{}, true},
		{"zip-depth-20", "deep.zip", nestedZip(t, []byte("hello"), 20), "limits.max_depth", 32 << 20, 10 * time.Second, sanitize.Limits{}, true},
		{"many-tiny-entries", "many.zip", mkzip(t, tiny...), "limits.max_entries", 256 << 20, 30 * time.Second, sanitize.Limits{}, true},
		{"deep-mime-200", "deep.eml", deepMIME(200), "", 64 << 20, 10 * time.Second, sanitize.Limits{}, true},
		{"mail-10k-parts", "many.eml", manyParts(10000), "", 256 << 20, 30 * time.Second, sanitize.Limits{}, true},
		{"pdf-deep-arrays", "deep.pdf", mkpdf("<< /Type /Catalog /Pages 2 0 R /X "+strings.Repeat("[", 200000)+strings.Repeat("]", 200000)+" >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 9 9] >>"), "", 256 << 20, 20 * time.Second, sanitize.Limits{}, false},
		{"pdf-deep-dicts", "deep.pdf", mkpdf("<< /Type /Catalog /Pages 2 0 R /X "+strings.Repeat("<< /A ", 100000)+strings.Repeat(">> ", 100000)+" >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 9 9] >>"), "", 256 << 20, 20 * time.Second, sanitize.Limits{}, false},
		{"rtf-deep-groups", "deep.rtf", []byte(`{\rtf1 ` + strings.Repeat("{", 300000) + strings.Repeat("}", 300000) + "}"), "", 64 << 20, 10 * time.Second, sanitize.Limits{}, false},
		{"html-deep-divs", "deep.html", []byte("<html><body>" + strings.Repeat("<div>", 200000) + "x</body></html>"), "", 512 << 20, 20 * time.Second, sanitize.Limits{}, false},
		{"docx-deep-xml", "deep.docx", docx(t, strings.Repeat("<w:p>", 200000)+strings.Repeat("</w:p>", 200000), "", ""), "", 256 << 20, 20 * time.Second, sanitize.Limits{MaxRatio: 100000}, false},
		{"total-size-nested-below-ratio", "42.zip", totalBomb(t), "limits.max_total_size", 128 << 20, 30 * time.Second, sanitize.Limits{MaxTotalSize: 8 << 20}, true},
		{"timeout-honoured", "deep.html", []byte("<html><body>" + strings.Repeat("<div>", 200000) + "x</body></html>"), "limits.timeout", 512 << 20, 10 * time.Second, sanitize.Limits{Timeout: time.Millisecond}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEngine(t, c.lim)
			var out []byte
			var res sanitize.Result
			start := time.Now()
			peak := heapPeak(func() { out, res = run(t, e, c.file, "", c.data) })
			d := time.Since(start)
			t.Logf("%d bytes in: %s in %v, heap peak %d MiB: %s", len(c.data), res.Verdict, d.Round(time.Millisecond), peak>>20, summarize(res))
			if raceEnabled {
				// The bounds catch a bomb that expands without limit, which takes
				// minutes or forever; the race detector alone makes the 512 MiB the
				// nested bomb may expand before max_total_size stops it take 20-35 s
				// on a loaded machine.
				c.maxTime *= 3
			}
			if d > c.maxTime {
				t.Errorf("took %v, want under %v", d, c.maxTime)
			}
			if peak > c.maxHeap {
				t.Errorf("heap peak %d MiB, want under %d MiB", peak>>20, c.maxHeap>>20)
			}
			if c.refusal && res.Verdict.HasOutput() && !strings.Contains(summarize(res), "limits.") {
				t.Errorf("verdict %s without a limit in any action, want the item (or its parts) refused by a limit", res.Verdict)
			}
			if c.want != "" && !strings.Contains(summarize(res), c.want) {
				t.Errorf("reason and actions %q do not name %s", summarize(res), c.want)
			}
			if res.Verdict.HasOutput() {
				if err := reparse(outResult(res, c.file), out); err != nil {
					t.Error(err)
				}
			}
		})
	}
}

// totalBomb expands to 64 MiB through stored zips of a leaf whose entries stay below the
// ratio limit (zeros salted with random bytes), so only limits.max_total_size stops it.
func totalBomb(t testing.TB) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	chunk := make([]byte, 1<<20)
	var leafBody []byte
	for range 1 {
		clear(chunk)
		for i := 0; i < len(chunk); i += 200 {
			chunk[i] = byte(r.Uint32())
		}
		leafBody = append(leafBody, chunk...)
	}
	var leafEntries []bombEntry
	for i := range 4 {
		leafEntries = append(leafEntries, bombEntry{name: fmt.Sprintf("l%d.txt", i), body: leafBody})
	}
	leaf := bombZip(t, leafEntries...)
	var mid []bombEntry
	for i := range 16 {
		mid = append(mid, bombEntry{name: fmt.Sprintf("m%d.zip", i), body: leaf, stored: true})
	}
	return bombZip(t, mid...)
}

// TestImagePixelBomb: a PNG of one colour compresses ~700:1, so a 0.5 MB attachment of
// 10000x10000 would decode to 400 MB of NRGBA. The default limits.max_pixels (50 M, lowered
// from 100 M for this) refuses it before decoding; what is delivered stays under 256 MiB.
func TestImagePixelBomb(t *testing.T) {
	// The construction decodes as what it claims, shown on a small one.
	small, err := png.Decode(bytes.NewReader(zeroPNG(t, 301, 7)))
	if err != nil || small.Bounds().Dx() != 301 || small.Bounds().Dy() != 7 {
		t.Fatalf("zeroPNG(301, 7) decodes as %v, %v", small, err)
	}
	b := bytes.NewBuffer(zeroPNG(t, 10000, 10000))
	if cfg, err := png.DecodeConfig(bytes.NewReader(b.Bytes())); err != nil || cfg.Width != 10000 {
		t.Fatalf("zeroPNG(10000, 10000): %+v, %v", cfg, err)
	}
	e := newEngine(t, sanitize.Limits{})
	var res sanitize.Result
	peak := heapPeak(func() { _, res = run(t, e, "a.png", "", b.Bytes()) })
	if res.Verdict.HasOutput() && peak > 256<<20 {
		t.Errorf("%d byte PNG delivered %s with a heap peak of %d MiB, want refused or under 256 MiB", b.Len(), res.Verdict, peak>>20)
	}
}

// zeroPNG is a valid all-transparent RGBA PNG of w x h written without encoding its
// pixels: the image data is a deflate stream of zeros made of 258-byte matches, as any
// encoder would find them. png.Encode of 10000x10000 took 200 s under the race detector.
func zeroPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	raw := int64(h) * int64(1+4*w) // a filter byte and the pixels of each row, all zero
	var bw bitWriter
	bw.bits(1, 1)                 // final block
	bw.bits(1, 2)                 // fixed Huffman codes
	lit := func(code, n uint32) { // Huffman codes go first bit first
		for i := int(n) - 1; i >= 0; i-- {
			bw.bits(code>>uint(i)&1, 1)
		}
	}
	lit(0x30, 8) // literal 0
	left := raw - 1
	for ; left >= 258; left -= 258 {
		lit(0xc5, 8) // length 258 (code 285)
		lit(0, 5)    // distance 1
	}
	for ; left > 0; left-- {
		lit(0x30, 8)
	}
	lit(0, 7) // end of block
	z := append([]byte{0x78, 0x01}, bw.flush()...)
	// Adler-32 of zeros: a stays 1, b adds 1 per byte.
	z = binary.BigEndian.AppendUint32(z, uint32(raw%65521)<<16|1)

	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&out, binary.BigEndian, uint32(len(data)))
		c := crc32.NewIEEE()
		c.Write([]byte(typ))
		c.Write(data)
		out.WriteString(typ)
		out.Write(data)
		binary.Write(&out, binary.BigEndian, c.Sum32())
	}
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(w))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(h))
	chunk("IHDR", append(ihdr, 8, 6, 0, 0, 0)) // 8-bit RGBA
	chunk("IDAT", z)
	chunk("IEND", nil)
	return out.Bytes()
}

// bitWriter packs bits least significant first, as deflate stores them.
type bitWriter struct {
	out  []byte
	acc  uint64
	nacc uint
}

func (b *bitWriter) bits(v uint32, n uint) {
	b.acc |= uint64(v) << b.nacc
	b.nacc += n
	for b.nacc >= 8 {
		b.out = append(b.out, byte(b.acc))
		b.acc >>= 8
		b.nacc -= 8
	}
}

func (b *bitWriter) flush() []byte {
	if b.nacc > 0 {
		b.out = append(b.out, byte(b.acc))
	}
	return b.out
}
