package config

// Text configures text, CSV and HTML normalization.
type Text struct {
	// DefangLinks rewrites links in converted HTML as hxxp://example[.]com. Default false.
	DefangLinks bool `yaml:"defang_links"`
	// CSVBOM starts CSV and TSV output with a UTF-8 byte order mark, which Excel on
	// Japanese Windows needs to read UTF-8 (without it, it assumes Shift_JIS). Default false.
	CSVBOM bool `yaml:"csv_bom"`
}

func defaultText() Text { return Text{} }

func (Text) validate(*problems) {}
