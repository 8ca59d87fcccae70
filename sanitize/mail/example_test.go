package mail_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/mail"
	"github.com/sekisho/sekisho/sanitize/text"
)

// Example wires the mail sanitizer the way cmd/sekisho does: the engine sanitizes every
// attachment, and the mail family is registered on the engine for nested messages.
func Example() {
	e := sanitize.NewEngine(sanitize.EngineOptions{})
	e.Register(string(sanitize.ClassText), text.New(text.Options{}))
	m := mail.New(mail.Options{Inner: e, Hostname: "gw.example.lg.jp"})
	e.Register(string(sanitize.ClassMessage), m)

	msg := "From: sender@example.com\r\nTo: staff@example.lg.jp\r\nSubject: =?UTF-8?B?5Lya6K2w?=\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" +
		"<p>Agenda: <a href=\"https://example.com/a\">here</a></p><script>alert(1)</script>\r\n"
	var out bytes.Buffer
	res, err := m.Sanitize(context.Background(), &sanitize.Item{Body: strings.NewReader(msg), Path: "msg"}, &out, e.NewBudget())
	if err != nil {
		fmt.Println("quarantine the whole message:", err)
		return
	}
	fmt.Println(res.Verdict)
	for _, a := range res.Actions {
		fmt.Println(a.Kind, a.Path)
	}
	// Output:
	// sanitized
	// converted-to-text msg/body/html
}
