package text

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"os"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
)

func seedCorpus(f *testing.F, suffixes ...string) {
	for _, file := range corpus(f) {
		ok := len(suffixes) == 0
		for _, s := range suffixes {
			ok = ok || strings.HasSuffix(file, s)
		}
		if !ok {
			continue
		}
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// FuzzHTMLToText: no panic, valid UTF-8 without controls, output bounded by MaxOutput and
// by a small multiple of the input.
func FuzzHTMLToText(f *testing.F) {
	seedCorpus(f, ".html")
	f.Add([]byte(`<div hidden><p>x<div style="display:none">y</div></p></div><table><tr><td>a<td>b</table>`))
	f.Add([]byte(strings.Repeat("<ul><li>", 300) + "x"))
	f.Fuzz(func(t *testing.T, data []byte) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		const max = 1 << 20
		var out bytes.Buffer
		_, err := HTMLToText(&out, bytes.NewReader(data), HTMLOptions{MaxOutput: max})
		if out.Len() > max {
			t.Fatalf("wrote %d bytes, over MaxOutput %d", out.Len(), max)
		}
		var le *sanitize.LimitError
		if err != nil && !errors.As(err, &le) {
			t.Fatalf("HTMLToText error: %v", err)
		}
		if err == nil {
			if err := checkOutput(out.Bytes()); err != nil {
				t.Fatal(err)
			}
			if out.Len() > 16*len(data)+1024 {
				t.Fatalf("%d input bytes gave %d output bytes", len(data), out.Len())
			}
		}
	})
}

var fuzzCharsets = []string{"", "utf-8", "shift_jis", "euc-jp", "iso-2022-jp", "utf-16le", "utf-16be", "utf-16", "us-ascii", "windows-1252"}

// FuzzToUTF8: whatever the bytes and label, the output is valid UTF-8 with no controls,
// and at most three output bytes per input byte (one 〓 per undecodable byte).
func FuzzToUTF8(f *testing.F) {
	for _, file := range corpus(f) {
		data, _ := os.ReadFile(file)
		f.Add(data, uint8(0))
	}
	f.Add([]byte("a\r\r\nb\x00\xff\xfe"), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, cs uint8) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		label := fuzzCharsets[int(cs)%len(fuzzCharsets)]
		var out bytes.Buffer
		st, err := ToUTF8(&out, bytes.NewReader(data), label)
		if err != nil {
			if !errors.Is(err, sanitize.ErrUnsupported) {
				t.Fatalf("ToUTF8(%q) error: %v", label, err)
			}
			return
		}
		if err := checkOutput(out.Bytes()); err != nil {
			t.Fatalf("ToUTF8(%q): %v", label, err)
		}
		if out.Len() > 3*len(data)+3 {
			t.Fatalf("ToUTF8(%q): %d bytes in, %d out", label, len(data), out.Len())
		}
		if int64(utf8.RuneCount(out.Bytes())) != st.Runes {
			t.Fatalf("ToUTF8(%q): Runes = %d, output has %d", label, st.Runes, utf8.RuneCount(out.Bytes()))
		}
		// Fed a byte at a time the normalizer sees no run to copy whole: its bulk path
		// must give what its per-character path gives.
		var slow bytes.Buffer
		st2, err := ToUTF8(&slow, iotest.OneByteReader(bytes.NewReader(data)), label)
		if err != nil || !bytes.Equal(slow.Bytes(), out.Bytes()) || st2 != st {
			t.Fatalf("ToUTF8(%q) a byte at a time: %q %+v %v, whole: %q %+v", label, slow.Bytes(), st2, err, out.Bytes(), st)
		}
	})
}

// FuzzCSV: a neutralized CSV re-parses, no cell in it can start a formula, and a second
// pass changes nothing.
func FuzzCSV(f *testing.F) {
	seedCorpus(f, ".csv", ".tsv")
	f.Add([]byte("=1,\"@x\",\" -1+2\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		if !utf8.Valid(data) {
			return // NeutralizeCSV takes decoded text; Sanitize decodes first
		}
		var out bytes.Buffer
		if _, err := NeutralizeCSV(&out, bytes.NewReader(data), ','); err != nil {
			return
		}
		recs, err := csv.NewReader(bytes.NewReader(out.Bytes())).ReadAll()
		if err != nil && out.Len() > 0 {
			r := csv.NewReader(bytes.NewReader(out.Bytes()))
			r.FieldsPerRecord = -1
			if recs, err = r.ReadAll(); err != nil {
				t.Fatalf("output does not re-parse: %v\n%q", err, out.Bytes())
			}
		}
		for _, rec := range recs {
			for _, cell := range rec {
				for _, seg := range strings.Split(cell, ";")[1:] {
					if formulaLike(seg) {
						t.Fatalf("cell %q in the output can start a formula where ';' separates cells", cell)
					}
				}
				if formulaLike(cell) {
					t.Fatalf("cell %q in the output can start a formula", cell)
				}
			}
		}
		var again bytes.Buffer
		st, err := NeutralizeCSV(&again, bytes.NewReader(out.Bytes()), ',')
		if err != nil || st.Neutralized != 0 || !bytes.Equal(again.Bytes(), out.Bytes()) {
			t.Fatalf("second pass: %v, %d neutralized, changed=%v", err, st.Neutralized, !bytes.Equal(again.Bytes(), out.Bytes()))
		}
	})
}

var fuzzTypes = []sanitize.Type{
	{Name: "text", Class: sanitize.ClassText, MIME: "text/plain"},
	{Name: "csv", Class: sanitize.ClassText, MIME: "text/csv"},
	{Name: "tsv", Class: sanitize.ClassText, MIME: "text/tab-separated-values"},
	{Name: "html", Class: sanitize.ClassText, MIME: "text/html"},
	{Name: "xml", Class: sanitize.ClassText, MIME: "text/xml"},
}

// FuzzSanitize drives the Sanitizer with every text type: on success the output is clean
// UTF-8 within the budget, and sanitizing it again (as text, for HTML) is Clean with no
// actions.
func FuzzSanitize(f *testing.F) {
	for _, file := range corpus(f) {
		data, _ := os.ReadFile(file)
		for i := range fuzzTypes {
			f.Add(data, uint8(i))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, ty uint8) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		typ := fuzzTypes[int(ty)%len(fuzzTypes)]
		s := New(Options{DefangLinks: ty&0x80 != 0})
		run := func(data []byte, typ sanitize.Type) ([]byte, sanitize.Result, error) {
			in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item", Detected: typ}
			var out bytes.Buffer
			b := sanitize.NewBudget(sanitize.Limits{MaxFileSize: 4 << 20})
			res, err := s.Sanitize(context.Background(), in, &out, b)
			return out.Bytes(), res, err
		}
		out, res, err := run(data, typ)
		if err != nil {
			return
		}
		if err := checkOutput(out); err != nil {
			t.Fatal(err)
		}
		if len(out) > 4<<20 {
			t.Fatalf("output %d bytes over the budget", len(out))
		}
		if !res.Verdict.HasOutput() {
			t.Fatalf("verdict %s without error", res.Verdict)
		}
		next := typ
		if typ.Name == "html" {
			next = fuzzTypes[0]
		}
		_, res2, err := run(out, next)
		if err != nil {
			t.Fatalf("second pass (%s) error: %v\n%q", next.Name, err, out)
		}
		if res2.Verdict != sanitize.Clean || len(res2.Actions) != 0 {
			t.Fatalf("second pass (%s) = %s %v, want clean\n%q", next.Name, res2.Verdict, res2.Actions, out)
		}
	})
}
