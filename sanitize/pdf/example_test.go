package pdf_test

import (
	"bytes"
	"context"
	"fmt"
	"os"

	"github.com/pdfcpu/pdfcpu/pkg/api"

	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/pdf"
)

// The engine normally does this wiring: it detects the type, builds the budget, caps the
// writer and commits the output only on success.
func Example() {
	api.DisableConfigDir() // once, in main
	data, err := os.ReadFile("../../testdata/pdf/hostile-js-openaction.pdf")
	if err != nil {
		panic(err)
	}
	s := pdf.New(pdf.Options{URIActions: pdf.URIKeep})
	in := &sanitize.Item{Body: bytes.NewReader(data), Path: "attachment[1]/invoice.pdf"}
	var out bytes.Buffer
	res, err := s.Sanitize(context.Background(), in, &out, sanitize.NewBudget(sanitize.Limits{}))
	if err != nil {
		fmt.Println("quarantine:", err)
		return
	}
	fmt.Println(res.Verdict)
	for _, a := range res.Actions {
		fmt.Println(a.Kind, a.Path, a.Detail)
	}
	// Output:
	// sanitized
	// removed-javascript attachment[1]/invoice.pdf /OpenAction on Catalog (JavaScript action)
}
