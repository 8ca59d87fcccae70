package transfer

import (
	"encoding/base64"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/sekisho/sekisho/internal/testtool"
)

// FuzzUploadHeaders feeds the upload protocol's header parsers what a client controls:
// tus Upload-Metadata, Upload-Offset/Upload-Length, Content-Range on a resumed PUT and
// Range on a download.
func FuzzUploadHeaders(f *testing.F) {
	for _, s := range []string{"filename " + base64.StdEncoding.EncodeToString([]byte("報告書.pdf")) + ",filetype dGV4dC9wbGFpbg==,is_confidential",
		"0", "1048576", "9223372036854775807", "9223372036854775808", "-1", "+5", " 5", "bytes 0-99/100",
		"bytes 100-199/1000", "bytes 5-4/10", "bytes=0-", "bytes=-500", "bytes=10-5", "bytes=0-0,5-9", "bytes=99999999999999999999-",
		"a ,a Yg==", "k " + strings.Repeat("QUFB", 2000)} {
		f.Add(s, int64(1000))
	}
	f.Fuzz(func(t *testing.T, s string, size int64) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		if m, err := ParseMetadata(s); err == nil {
			for k, v := range m {
				if k == "" || strings.ContainsAny(k, " ,") || len(v) > 4096 {
					t.Fatalf("metadata %q -> key %q, %d-byte value", s, k, len(v))
				}
			}
		}
		if n, ok := ParseOffset(s); ok {
			if n < 0 || strings.TrimLeft(s, "0") != strings.TrimLeft(strconv.FormatInt(n, 10), "0") {
				t.Fatalf("offset %q -> %d", s, n)
			}
		}
		if first, last, total, ok := parseContentRange(s); ok {
			if first < 0 || last < first || last >= total {
				t.Fatalf("Content-Range %q -> %d-%d/%d", s, first, last, total)
			}
		}
		if size < 0 {
			size = -size
		}
		if start, end, ok, sat := parseRange(s, size); ok && sat {
			if start < 0 || end < start || end >= size {
				t.Fatalf("Range %q of %d -> %d-%d", s, size, start, end)
			}
		}
	})
}

// FuzzSafeName checks that any declared file name comes out safe to store and to put in
// a header: one path element, no control or format characters, no Windows device name,
// bounded, stable when applied again.
func FuzzSafeName(f *testing.F) {
	for _, s := range []string{"報告書.pdf", "../../etc/passwd", `..\..\boot.ini`, "CON.txt", "com1", "a\u202etxt.exe", "  .. ",
		"a\x00b\r\nc", strings.Repeat("長", 300) + ".xlsx", "file:name?.doc", "\xff\xfe.txt", "lpt¹.log"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		s := SafeName(name)
		if s == "" || len(s) > maxNameBytes || !utf8.ValidString(s) || strings.ContainsAny(s, "/\\<>:\"|?*") {
			t.Fatalf("SafeName(%q) = %q", name, s)
		}
		for _, r := range s {
			if r < 0x20 || r == 0x7f || unicode.Is(unicode.Cf, r) {
				t.Fatalf("SafeName(%q) = %q keeps %U", name, s, r)
			}
		}
		if strings.HasPrefix(s, ".") || strings.HasSuffix(s, ".") || strings.HasPrefix(s, " ") || strings.HasSuffix(s, " ") {
			t.Fatalf("SafeName(%q) = %q: leading or trailing dot or space", name, s)
		}
		stem, _, _ := strings.Cut(strings.ToLower(s), ".")
		if reservedName(strings.TrimRight(stem, " ")) {
			t.Fatalf("SafeName(%q) = %q is a device name", name, s)
		}
		if again := SafeName(s); again != s {
			t.Fatalf("SafeName not stable: %q -> %q -> %q", name, s, again)
		}
		cd := ContentDisposition(name)
		if !strings.HasPrefix(cd, `attachment; filename="`) || strings.ContainsAny(cd, "\r\n\x00") {
			t.Fatalf("ContentDisposition(%q) = %q", name, cd)
		}
	})
}
