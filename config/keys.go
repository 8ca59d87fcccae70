package config

import (
	"reflect"
	"strings"
)

// ConfigKeys lists every dotted key of Config in declaration order: sections are walked,
// maps and lists are single keys ("policy", "mail.extra_headers").
func ConfigKeys() []string {
	var keys []string
	var walk func(t reflect.Type, prefix string)
	walk = func(t reflect.Type, prefix string) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if !f.IsExported() || name == "" || name == "-" {
				continue
			}
			k := join(prefix, name)
			keys = append(keys, k)
			if f.Type.Kind() == reflect.Struct && !reflect.PointerTo(f.Type).Implements(textUnmarshaler) {
				walk(f.Type, k)
			}
		}
	}
	walk(reflect.TypeFor[Config](), "")
	return keys
}

// Sections lists the top-level keys of Config, for documentation checks.
func Sections() []string {
	var out []string
	for _, k := range ConfigKeys() {
		if !strings.Contains(k, ".") {
			out = append(out, k)
		}
	}
	return out
}
