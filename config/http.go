package config

// HTTP configures the LGWAN-side operations endpoint: /metrics and /healthz.
type HTTP struct {
	// Listen is the LGWAN-side address; empty disables it. Default 127.0.0.1:9025.
	Listen string `yaml:"listen"`
}

func defaultHTTP() HTTP { return HTTP{Listen: "127.0.0.1:9025"} }

func (h HTTP) validate(p *problems) {
	p.hostPort("http.listen", h.Listen, true)
}
