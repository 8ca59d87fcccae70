package text

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"reflect"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
)

// restartSpool is an output of its own, as the engine gives a family.
type restartSpool struct{ *sanitize.Spool }

func (r restartSpool) Restart() error { return r.Reset() }

// TestHeadDecidesLikeWholeScan: for inputs larger than the detected head, the output and
// result written through a restartable output (head decides, rest checked, rescan on a
// contradiction) are exactly those of the whole-input scan, on real corpus files grown past
// the head and on heads the rest contradicts.
func TestHeadDecidesLikeWholeScan(t *testing.T) {
	old := detectPrefix
	detectPrefix = 64 << 10
	t.Cleanup(func() { detectPrefix = old })
	head := int(detectPrefix)
	growTo := func(file string, n int) []byte {
		data := corpusFile(t, file)
		var out []byte
		for len(out) < n {
			out = append(out, data...)
		}
		return out
	}
	ascii := bytes.Repeat([]byte("English line with ASCII only, 0123456789.\n"), head/40+10)
	utf8Head := growTo("utf8-clean.txt", head+1000)
	textType := sanitize.Type{Name: "text", Class: sanitize.ClassText, MIME: "text/plain"}
	for _, tc := range []struct {
		name   string
		data   []byte
		typ    sanitize.Type
		fast   bool // the head decides (no whole scan before decoding)
		rescan bool // the rest contradicts it: decoded twice
	}{
		{"utf-8", growTo("utf8-clean.txt", 3*head), textType, true, false},
		{"utf-8 bom", growTo("utf8-bom.txt", 3*head), textType, true, false},
		{"shift_jis", growTo("sjis-cp932.txt", 3*head), textType, true, false},
		{"euc-jp", growTo("eucjp.txt", 3*head), textType, true, false},
		{"euc-jp then shift_jis", append(growTo("eucjp.txt", head+1000), corpusFile(t, "sjis-cp932.txt")...), textType, true, true},
		{"latin-1 (undecided head)", growTo("latin1-undeclared.txt", 3*head), textType, false, false},
		{"iso-2022-jp", growTo("iso2022jp.txt", 3*head), textType, true, false},
		{"utf-16le bom", growTo("utf16le-bom.txt", 3*head), textType, true, false},
		{"ascii", ascii, textType, true, false},
		{"csv shift_jis", growTo("meibo-sjis.csv", 3*head), sanitize.Type{Name: "csv", Class: sanitize.ClassText, MIME: "text/csv"}, true, false},
		{"html utf-8", growTo("ja-newsletter-utf8.html", 3*head), sanitize.Type{Name: "html", Class: sanitize.ClassText, MIME: "text/html"}, true, false},
		{"ascii then shift_jis", append(append([]byte(nil), ascii...), corpusFile(t, "sjis-cp932.txt")...), textType, true, true},
		{"ascii then escape", append(append([]byte(nil), ascii...), corpusFile(t, "iso2022jp.txt")...), textType, true, true},
		{"utf-8 then shift_jis", append(append([]byte(nil), utf8Head...), corpusFile(t, "sjis-cp932.txt")...), textType, true, true},
		{"utf-8 then nul", append(append([]byte(nil), utf8Head...), make([]byte, 64)...), textType, true, true},
		{"shift_jis then euc-jp", append(growTo("sjis-cp932.txt", head+1000), corpusFile(t, "eucjp.txt")...), textType, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := New(Options{})
			item := func() *sanitize.Item {
				return &sanitize.Item{Body: bytes.NewReader(tc.data), Path: "item", Name: "a.txt", Detected: tc.typ}
			}
			_, rc, err := s.charsetOf(context.Background(), item(), true)
			if err != nil {
				t.Fatal(err)
			}
			if (rc != nil) != tc.fast {
				t.Fatalf("head decides = %v, want %v", rc != nil, tc.fast)
			}
			var whole bytes.Buffer // not restartable: the whole-input scan
			want, werr := s.Sanitize(context.Background(), item(), &whole, nil)
			sp := sanitize.NewSpool(sanitize.SpoolOptions{Dir: t.TempDir(), Threshold: 16 << 10})
			defer sp.Remove()
			b := sanitize.NewBudget(sanitize.Limits{})
			got, gerr := s.Sanitize(context.Background(), item(), restartSpool{sp}, b)
			if werr != nil || gerr != nil {
				t.Fatalf("whole scan: %v; head: %v", werr, gerr)
			}
			if !reflect.DeepEqual(want, got) {
				t.Fatalf("results differ:\nwhole scan %+v\nhead       %+v", want, got)
			}
			var out bytes.Buffer
			if _, err := sp.WriteTo(&out); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(whole.Bytes(), out.Bytes()) {
				t.Fatalf("outputs differ: whole scan %d bytes, head %d bytes", whole.Len(), out.Len())
			}
			// A rescan gives back what the abandoned decode charged.
			if exp := int64(whole.Len()); tc.rescan && b.Expanded() > exp+int64(len(tc.data)) {
				t.Fatalf("expanded %d bytes charged for %d of output", b.Expanded(), exp)
			}
			if rc != nil {
				it := item()
				s.write(context.Background(), it, io.Discard, sanitize.NewBudget(sanitize.Limits{}), sanitize.Result{}, rc.cs, rc)
				if rc.bad != tc.rescan {
					t.Fatalf("the rest's check asks for a rescan: %v, want %v", rc.bad, tc.rescan)
				}
			}
		})
	}
}

// FuzzHeadDecides: with a head of 256 bytes, any input gives through a restartable output
// exactly the result, error and output of the whole-input scan.
func FuzzHeadDecides(f *testing.F) {
	for _, file := range corpus(f) {
		data, _ := os.ReadFile(file)
		f.Add(data, uint8(0))
		f.Add(append(bytes.Repeat([]byte("ascii head "), 30), data...), uint8(2))
	}
	old := detectPrefix
	detectPrefix = 256
	f.Cleanup(func() { detectPrefix = old })
	f.Fuzz(func(t *testing.T, data []byte, ty uint8) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		typ := fuzzTypes[int(ty)%len(fuzzTypes)]
		s := New(Options{})
		lim := sanitize.Limits{MaxFileSize: 4 << 20}
		var whole bytes.Buffer
		want, werr := s.Sanitize(context.Background(), &sanitize.Item{Body: bytes.NewReader(data), Path: "item", Detected: typ}, &whole, sanitize.NewBudget(lim))
		sp := sanitize.NewSpool(sanitize.SpoolOptions{Dir: t.TempDir(), Threshold: 128})
		defer sp.Remove()
		got, gerr := s.Sanitize(context.Background(), &sanitize.Item{Body: bytes.NewReader(data), Path: "item", Detected: typ}, restartSpool{sp}, sanitize.NewBudget(lim))
		if fmt.Sprint(werr) != fmt.Sprint(gerr) {
			t.Fatalf("errors differ: whole scan %v, head %v", werr, gerr)
		}
		if werr != nil {
			return
		}
		if !reflect.DeepEqual(want, got) {
			t.Fatalf("results differ:\nwhole scan %+v\nhead       %+v", want, got)
		}
		var out bytes.Buffer
		if _, err := sp.WriteTo(&out); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(whole.Bytes(), out.Bytes()) {
			t.Fatalf("outputs differ:\nwhole scan %q\nhead       %q", whole.Bytes(), out.Bytes())
		}
	})
}
