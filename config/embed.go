package config

import _ "embed"

//go:embed sekisho.example.yaml
var exampleFile []byte

// ExampleFile returns the documented reference configuration: every key with its default.
func ExampleFile() []byte { return append([]byte(nil), exampleFile...) }
