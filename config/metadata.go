package config

// Metadata says what happens to document metadata, per direction: the names, dates and
// identifiers of the people behind a document (authors, last editors, company, manager,
// template paths, custom properties, revision identifiers, comment and change authors).
// Title, subject, language and page and word counts are always kept; links hidden in
// properties (a hyperlink base, an attached template) always go. Each family applies it
// to its own properties: OOXML docProps, OpenDocument meta.xml, RTF {\info}, PDF /Info and
// XMP.
type Metadata struct {
	// Inbound applies to what arrives from the Internet side (mail, uploads): strip or
	// keep. Default strip.
	Inbound string `yaml:"inbound"`
	// Outbound applies to files leaving the LGWAN side (file transfer to the Internet):
	// strip or keep. Default strip, so that nothing about the staff who wrote a document
	// leaves with it.
	Outbound string `yaml:"outbound"`
}

// Directions of a transfer, as Metadata.For takes them.
const (
	Inbound  = "inbound"
	Outbound = "outbound"
)

func defaultMetadata() Metadata { return Metadata{Inbound: "strip", Outbound: "strip"} }

func (c Metadata) validate(p *problems) {
	p.oneOf("metadata.inbound", c.Inbound, "strip", "keep")
	p.oneOf("metadata.outbound", c.Outbound, "strip", "keep")
}

// For returns the mode for a direction (Inbound or Outbound; anything else is inbound,
// the side that sees untrusted content).
func (c Metadata) For(direction string) string {
	if direction == Outbound {
		return c.Outbound
	}
	return c.Inbound
}
