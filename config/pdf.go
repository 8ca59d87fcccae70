package config

// PDF configures the structural PDF sanitizer.
type PDF struct {
	// URIActions: keep (links stay, as plain URI actions) or remove. Default keep.
	URIActions string `yaml:"uri_actions"`
	// Fonts: keep-valid (embedded font programs that an independent parser reads cleanly
	// are rebuilt and kept) or drop (every embedded program is removed; text shows in the
	// reader's substitute fonts). Default keep-valid.
	Fonts string `yaml:"fonts"`
}

func defaultPDF() PDF { return PDF{URIActions: "keep", Fonts: "keep-valid"} }

func (c PDF) validate(p *problems) {
	p.oneOf("pdf.uri_actions", c.URIActions, "keep", "remove")
	p.oneOf("pdf.fonts", c.Fonts, "keep-valid", "drop")
}
