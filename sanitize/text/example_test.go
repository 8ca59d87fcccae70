package text_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/sekisho/sekisho/sanitize/text"
)

// A mail body in Shift_JIS HTML, as the mail family handles it: decode, then convert.
func Example() {
	body := "<p>\x96{\x93\xfa\x82\xcd<b>\x90\xb0\x93V</b>\x82\xc8\x82\xe8\x81B</p>" + // 本日は<b>晴天</b>なり。
		`<p style="display:none">hidden</p><a href="https://example.jp/news">news</a>`
	utf8, dst, err := text.NewUTF8Reader(strings.NewReader(body), "Shift_JIS")
	if err != nil {
		fmt.Println(err)
		return
	}
	st, err := text.HTMLToText(os.Stdout, utf8, text.HTMLOptions{DefangLinks: true})
	fmt.Println(dst.Charset, dst.Unmappable, st.Links, st.DroppedHidden, err)
	// Output:
	// 本日は晴天なり。
	//
	// news <hxxps://example[.]jp/news>
	// shift_jis 0 1 1 <nil>
}

func ExampleToUTF8() {
	// ISO-2022-JP, detected from its escape sequences; CRLF becomes LF.
	st, err := text.ToUTF8(os.Stdout, strings.NewReader("\x1b$BF|K\\8l\x1b(B\r\n"), "")
	fmt.Printf("%s %d %v %v\n", st.Charset, st.Unmappable, st.NewlinesNormalized, err)
	// Output:
	// 日本語
	// iso-2022-jp 0 true <nil>
}

func ExampleDetectCharset() {
	fmt.Println(text.DetectCharset([]byte("\x93\xfa\x96{\x8c\xea\x82\xcc\x95\xb6\x8f\xcd\x82\xc5\x82\xb7\x81B")))
	// Output: shift_jis
}
