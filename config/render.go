package config

import "time"

// Render configures the rasterizer used where the policy says render: PDFs (and, through
// LibreOffice, Office, ODF and RTF documents) become image-only PDFs. It is started only
// when some policy entry is render, since compiling PDFium takes seconds.
type Render struct {
	DPI       int  `yaml:"dpi"`        // resolution, 36-600. Default 150.
	Instances int  `yaml:"instances"`  // PDFium instances (pages at once), 0 = number of CPUs. Default 0.
	TextLayer bool `yaml:"text_layer"` // add the page text invisibly so it stays searchable. Default false.
	// Gray: auto (grayscale for pages without colour), always or never. Default auto.
	Gray        string `yaml:"gray"`
	JPEGQuality int    `yaml:"jpeg_quality"` // quality of photographic pages, 1-100. Default 80.
	// FontDir is the font folder PDFium sees, read-only; Japanese text in non-embedded
	// fonts needs CJK fonts there. Empty: /usr/share/fonts when it exists; "-": none.
	FontDir string `yaml:"font_dir" config:"path"`
	// ConvertTimeout and Converters also govern the convert policy (legacy doc, xls and
	// ppt rebuilt as docx, xlsx and pptx by LibreOffice), which needs no PDFium.
	ConvertTimeout Duration `yaml:"convert_timeout"` // LibreOffice time per document. Default 60s.
	Converters     int      `yaml:"converters"`      // LibreOffice conversions at once, 1-16. Default 1.
	// ConverterReuse is how many documents one LibreOffice process converts before a
	// fresh one replaces it, 1-1000; 1 starts one per document. Above 1 needs python3-uno
	// (without it, one per document). Default 20.
	ConverterReuse int `yaml:"converter_reuse"`
}

func defaultRender() Render {
	return Render{DPI: 150, Gray: "auto", JPEGQuality: 80, ConvertTimeout: Duration(time.Minute), Converters: 1, ConverterReuse: 20}
}

func (r Render) validate(p *problems) {
	p.intRange("render.dpi", int64(r.DPI), 36, 600)
	p.intRange("render.instances", int64(r.Instances), 0, 64)
	p.oneOf("render.gray", r.Gray, "auto", "always", "never")
	p.intRange("render.jpeg_quality", int64(r.JPEGQuality), 1, 100)
	if r.ConvertTimeout < Duration(time.Second) || r.ConvertTimeout > Duration(time.Hour) {
		p.add("render.convert_timeout", r.ConvertTimeout.String(), "must be between 1s and 1h")
	}
	p.intRange("render.converters", int64(r.Converters), 1, 16)
	p.intRange("render.converter_reuse", int64(r.ConverterReuse), 1, 1000)
}
