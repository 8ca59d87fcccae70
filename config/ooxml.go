package config

// OOXML configures the Office Open XML and OpenDocument sanitizer.
type OOXML struct {
	// KeepHyperlinks keeps external http, https and mailto hyperlinks (text links a person
	// must click). Other external relationships (remote templates, linked objects and
	// images, data connections, file: and UNC targets) are always removed. Default true.
	KeepHyperlinks bool `yaml:"keep_hyperlinks"`
}

func defaultOOXML() OOXML { return OOXML{KeepHyperlinks: true} }

func (OOXML) validate(*problems) {}
