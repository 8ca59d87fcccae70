package mail

import (
	"bytes"
	"io"
	"mime/quotedprintable"
	"strings"
	"testing"
)

// A delivered text body never holds a line a structure-guessing reader would take for a
// MIME delimiter, and it still decodes to exactly the text sekisho read.
func TestTextBodyHasNoDelimiterLines(t *testing.T) {
	long := strings.Repeat("x", 74) + "--boundary"
	for _, text := range []string{
		"--b\nContent-Type: text/html\n\n<p>hi</p>\n--b--\n",
		"a\n--\n-\n-x\n---\n--",
		"-",
		"--",
		long + "\n" + long + "--\n",
		"日本語\n--境界\n",
		"",
	} {
		var buf bytes.Buffer
		if err := writeEncoded(&buf, "quoted-printable", []byte(text)); err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(buf.String(), "\n") {
			if strings.HasPrefix(l, "--") {
				t.Errorf("%q: output line %q opens a delimiter", text, l)
			}
		}
		got, err := io.ReadAll(quotedprintable.NewReader(&buf))
		if err != nil {
			t.Fatalf("%q: decode: %v", text, err)
		}
		if want := strings.ReplaceAll(text, "\n", "\r\n"); string(got) != want && string(got) != text {
			t.Errorf("%q: decodes to %q", text, got)
		}
	}
	if !hasDashDashLine("a\n--b") || !hasDashDashLine("--b") || hasDashDashLine("a--b\n-c") {
		t.Error("hasDashDashLine")
	}
}
