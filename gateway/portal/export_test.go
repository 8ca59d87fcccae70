package portal

// PDFPages lets the external tests compare the page extraction with pdfcpu's.
var PDFPages = pdfPages
