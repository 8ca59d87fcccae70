module github.com/pdfcpu/pdfcpu

go 1.25.0

require (
	github.com/hhrutter/tiff v1.0.6
	github.com/mattn/go-runewidth v0.0.27
	go.yaml.in/yaml/v3 v3.0.5
	golang.org/x/crypto v0.54.0
	golang.org/x/image v0.44.0
	golang.org/x/text v0.40.0
)

require github.com/clipperhouse/uax29/v2 v2.7.0 // indirect
