package config

// PDF configures the structural PDF sanitizer.
type PDF struct {
	// URIActions: keep (links stay, as plain URI actions) or remove. Default keep.
	URIActions string `yaml:"uri_actions"`
}

func defaultPDF() PDF { return PDF{URIActions: "keep"} }

func (c PDF) validate(p *problems) {
	p.oneOf("pdf.uri_actions", c.URIActions, "keep", "remove")
}
