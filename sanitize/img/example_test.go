package img_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"

	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/img"
)

// A PNG with a script appended after IEND comes back re-encoded without it; the output,
// sanitized again, is clean.
func Example() {
	var buf bytes.Buffer
	png.Encode(&buf, image.NewGray(image.Rect(0, 0, 4, 4)))
	buf.WriteString("<script>alert(1)</script>")

	s := img.New(img.Options{})
	sanitizeOnce := func(data []byte) ([]byte, sanitize.Result) {
		in := &sanitize.Item{Body: bytes.NewReader(data), Path: "attachment[1]", Name: "a.png"}
		in.Detected = sanitize.Detect(in.Body)
		var out bytes.Buffer
		res, err := s.Sanitize(context.Background(), in, &out, sanitize.NewBudget(sanitize.Limits{}))
		if err != nil {
			panic(err)
		}
		return out.Bytes(), res
	}
	out, res := sanitizeOnce(buf.Bytes())
	fmt.Println(res.Verdict)
	for _, a := range res.Actions {
		fmt.Printf("%s %s: %s\n", a.Kind, a.Path, a.Detail)
	}
	_, again := sanitizeOnce(out)
	fmt.Println(again.Verdict, len(again.Actions))
	// Output:
	// sanitized
	// re-encoded attachment[1]: png 4x4 re-encoded
	// removed-trailing-data attachment[1]: 25 bytes after IEND (html)
	// clean 0
}
