package config

// RTF configures the RTF rewriter.
type RTF struct {
	// Objects: strip (remove embedded and linked OLE objects, keep the picture or text
	// shown in their place) or quarantine (refuse documents that carry any). Default strip.
	Objects string `yaml:"objects"`
}

func defaultRTF() RTF { return RTF{Objects: "strip"} }

func (c RTF) validate(p *problems) {
	p.oneOf("rtf.objects", c.Objects, "strip", "quarantine")
}
