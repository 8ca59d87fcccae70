package portal

// PDFPages lets the external tests compare the page extraction with pdfcpu's.
func PDFPages(pdf []byte, max int) ([]PageImage, error) {
	p, _, err := pdfPages(pdf, max)
	return p, err
}
