package config

// Image configures image re-encoding.
type Image struct {
	JPEGQuality    int    `yaml:"jpeg_quality"`    // 1-100. Default 92.
	PNGCompression string `yaml:"png_compression"` // speed, default or best. Default speed.
}

func defaultImage() Image { return Image{JPEGQuality: 92, PNGCompression: "speed"} }

func (c Image) validate(p *problems) {
	p.intRange("image.jpeg_quality", int64(c.JPEGQuality), 1, 100)
	p.oneOf("image.png_compression", c.PNGCompression, "speed", "default", "best")
}
