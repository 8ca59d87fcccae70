package text

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/transform"

	"github.com/sekisho/sekisho/sanitize"
)

func sjis(t testing.TB, s string) []byte {
	t.Helper()
	b, _, err := transform.Bytes(japanese.ShiftJIS.NewEncoder(), []byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func eucjp(t testing.TB, s string) []byte {
	t.Helper()
	b, _, err := transform.Bytes(japanese.EUCJP.NewEncoder(), []byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDetectCharset(t *testing.T) {
	const ja = "本日は晴天なり。メールの無害化を行います。"
	tests := []struct {
		name   string
		sample []byte
		want   string
	}{
		{"empty", nil, "us-ascii"},
		{"ascii", []byte("hello, world\n"), "us-ascii"},
		{"utf-8", []byte(ja), "utf-8"},
		{"utf-8 bom", append([]byte{0xef, 0xbb, 0xbf}, "abc"...), "utf-8"},
		{"utf-16le bom", []byte{0xff, 0xfe, 'a', 0}, "utf-16le"},
		{"utf-16be bom", []byte{0xfe, 0xff, 0, 'a'}, "utf-16be"},
		{"utf-16le no bom", []byte("h\x00e\x00l\x00l\x00o\x00 \x00w\x00"), "utf-16le"},
		{"utf-16be no bom", []byte("\x00h\x00e\x00l\x00l\x00o\x00 \x00w"), "utf-16be"},
		{"iso-2022-jp", []byte("\x1b$BF|K\\8l\x1b(B text"), "iso-2022-jp"},
		{"shift_jis", sjis(t, ja), "shift_jis"},
		{"shift_jis cp932 extensions", sjis(t, "①㈱髙橋さん"), "shift_jis"},
		{"euc-jp", eucjp(t, ja), "euc-jp"},
		{"euc-jp kanji only", eucjp(t, "東京都千代田区霞が関"), "euc-jp"},
		{"utf-8 cut mid-character", []byte(ja)[:len(ja)-1], "utf-8"},
		{"shift_jis cut after a lead byte", sjis(t, ja)[:len(sjis(t, ja))-1], "shift_jis"},
		{"latin-1 is undecided", []byte("Caf\xe9 cr\xe8me br\xfbl\xe9e, na\xefve r\xe9sum\xe9."), ""},
		{"random high bytes are undecided", []byte{0x80, 0xff, 0xfd, 0x80, 0xa0, 0xfe, 0x7f, 0x80}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := DetectCharset(tc.sample); got != tc.want {
				t.Errorf("DetectCharset(% x...) = %q, want %q", tc.sample[:min(8, len(tc.sample))], got, tc.want)
			}
		})
	}
}

// TestDetectorChunked checks that feeding the detector in tiny pieces gives the answer
// the whole sample gives: state must carry across Write calls.
func TestDetectorChunked(t *testing.T) {
	for _, file := range corpus(t) {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		want := DetectCharset(data)
		for _, size := range []int{1, 2, 3, 7} {
			var d detector
			for i := 0; i < len(data); i += size {
				d.Write(data[i:min(i+size, len(data))])
			}
			if got := d.Result(); got != want {
				t.Errorf("%s in %d-byte chunks: %q, want %q", filepath.Base(file), size, got, want)
			}
		}
	}
}

func TestToUTF8(t *testing.T) {
	tests := []struct {
		name    string
		in      []byte
		charset string
		want    string
		wantSt  DecodeStats
		wantErr error
	}{
		{"clean utf-8 unchanged", []byte("a\tb\nc\n"), "", "a\tb\nc\n", DecodeStats{Charset: "us-ascii", Runes: 6}, nil},
		{"crlf and cr", []byte("a\r\nb\rc\r"), "utf-8", "a\nb\nc\n", DecodeStats{Charset: "utf-8", NewlinesNormalized: true, Runes: 6}, nil},
		{"controls removed", []byte("a\x00b\x1b\x7fc\u0085d"), "utf-8", "abcd", DecodeStats{Charset: "utf-8", ControlRemoved: 4, Runes: 4}, nil},
		{"invalid utf-8 becomes geta", []byte("a\xffb\xe3\x81"), "utf-8", "a〓b〓〓", DecodeStats{Charset: "utf-8", Unmappable: 3, Runes: 5}, nil},
		{"existing U+FFFD is marked", []byte("a\uFFFDb"), "utf-8", "a〓b", DecodeStats{Charset: "utf-8", Unmappable: 1, Runes: 3}, nil},
		{"bom removed", []byte("\ufeffa\ufeffb"), "utf-8", "a\ufeffb", DecodeStats{Charset: "utf-8", BOM: true, Runes: 3}, nil},
		{"shift_jis by label", sjis(t, "髙橋①"), "Shift_JIS", "髙橋①", DecodeStats{Charset: "shift_jis", Runes: 3}, nil},
		{"cp932 label", sjis(t, "㈱"), "CP932", "㈱", DecodeStats{Charset: "shift_jis", Runes: 1}, nil},
		{"windows-31j label", sjis(t, "㈱"), "windows-31j", "㈱", DecodeStats{Charset: "shift_jis", Runes: 1}, nil},
		{"shift_jis user-defined area is geta", []byte{0xf0, 0x40, 'a'}, "shift_jis", "〓a", DecodeStats{Charset: "shift_jis", Unmappable: 1, Runes: 2}, nil},
		{"euc-jp detected", eucjp(t, "日本語のテキストです。"), "", "日本語のテキストです。", DecodeStats{Charset: "euc-jp", Runes: 11}, nil},
		{"iso-2022-jp", []byte("\x1b$BF|K\\8l\x1b(B"), "iso-2022-jp", "日本語", DecodeStats{Charset: "iso-2022-jp", Runes: 3}, nil},
		{"us-ascii label over shift_jis is checked", sjis(t, "これは日本語です。"), "us-ascii", "これは日本語です。", DecodeStats{Charset: "shift_jis", Runes: 9}, nil},
		{"utf-16le bom", []byte{0xff, 0xfe, 'h', 0, 'i', 0, '\r', 0, '\n', 0}, "", "hi\n", DecodeStats{Charset: "utf-16le", BOM: true, NewlinesNormalized: true, Runes: 3}, nil},
		{"latin-1 by label", []byte("caf\xe9"), "iso-8859-1", "café", DecodeStats{Charset: "windows-1252", Runes: 4}, nil},
		{"windows-1252 detected", []byte("caf\xe9 cr\xe8me."), "", "café crème.", DecodeStats{Charset: "windows-1252", Runes: 11}, nil},
		{"ebcdic undecidable", []byte("\xd7\xc1\xe8\xd9\xd6\xd3\xd3@\xd9\xc5\xd7\xd6\xd9\xe3@\xc6\xd6\xd9@\xc4\xc5\xd7\xc1\xd9\xe3\xd4\xc5\xd5\xe3@\xf4\xf2@`@\xc5\xd4\xd7\xd3\xd6\xe8\xc5\xc5@\xd5\xc1\xd4\xc5@\xc1\xd5\xc4@\xe2\xc1\xd3\xc1\xd9\xe8%"), "", "", DecodeStats{}, sanitize.ErrUnsupported},
		{"unknown label", []byte("abc"), "x-no-such-charset", "", DecodeStats{}, sanitize.ErrUnsupported},
		{"replacement charset refused", []byte("abc"), "iso-2022-kr", "", DecodeStats{}, sanitize.ErrUnsupported},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			readers := map[string]func() interface{ Read([]byte) (int, error) }{
				"whole":    func() interface{ Read([]byte) (int, error) } { return bytes.NewReader(tc.in) },
				"one-byte": func() interface{ Read([]byte) (int, error) } { return iotest.OneByteReader(bytes.NewReader(tc.in)) },
			}
			for rname, mk := range readers {
				var out bytes.Buffer
				st, err := ToUTF8(&out, mk(), tc.charset)
				if tc.wantErr != nil {
					if !errors.Is(err, tc.wantErr) {
						t.Fatalf("%s: ToUTF8 error = %v, want %v", rname, err, tc.wantErr)
					}
					continue
				}
				if err != nil {
					t.Fatalf("%s: ToUTF8 error: %v", rname, err)
				}
				if got := out.String(); got != tc.want {
					t.Errorf("%s: ToUTF8 = %q, want %q", rname, got, tc.want)
				}
				if st != tc.wantSt {
					t.Errorf("%s: stats = %+v, want %+v", rname, st, tc.wantSt)
				}
			}
		})
	}
}

func TestToUTF8CorpusMatchesWholeRead(t *testing.T) {
	// Reading the corpus a byte at a time must give what one big read gives: CR at a
	// chunk end, multibyte characters split across reads.
	for _, file := range corpus(t) {
		if strings.HasPrefix(filepath.Base(file), "bad-") {
			continue
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var a, b bytes.Buffer
		sa, erra := ToUTF8(&a, bytes.NewReader(data), "")
		sb, errb := ToUTF8(&b, iotest.HalfReader(iotest.OneByteReader(bytes.NewReader(data))), "")
		if erra != nil || errb != nil {
			t.Fatalf("%s: %v, %v", file, erra, errb)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) || sa != sb {
			t.Errorf("%s: byte-at-a-time decode differs", filepath.Base(file))
		}
	}
}
