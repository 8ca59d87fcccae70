package config

import (
	"path/filepath"
	"reflect"
	"strings"
)

// Paths in the configuration are file or directory names. A field holding one carries the
// tag `config:"path"`; LoadFile resolves such a field, when relative, against the
// directory of the configuration file. "" (not set) and "-" (none) are left alone. A
// section that adds a path field only needs the tag.
const pathTag = "path"

// resolvePaths makes every relative path absolute against base, the configuration file's
// directory. dir: routes are paths too.
func (c *Config) resolvePaths(base string) {
	resolveStruct(reflect.ValueOf(c).Elem(), base)
	for k, v := range c.Delivery.Routes {
		if p, ok := strings.CutPrefix(v, "dir:"); ok && p != "" {
			c.Delivery.Routes[k] = "dir:" + resolvePath(base, p)
		}
	}
}

func resolveStruct(v reflect.Value, base string) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		fv := v.Field(i)
		switch {
		case f.Type.Kind() == reflect.Struct:
			resolveStruct(fv, base)
		case f.Type.Kind() == reflect.String && f.Tag.Get("config") == pathTag:
			fv.SetString(resolvePath(base, fv.String()))
		}
	}
}

func resolvePath(base, p string) string {
	if p == "" || p == "-" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(base, p)
}

// EffectiveRoutes are the routes delivery uses: delivery.routes, plus, when it has no "*"
// entry, "*" → dir:<data_dir>/delivered, so that the embedded default runs with no next
// hop and follows data_dir.
func (c *Config) EffectiveRoutes() map[string]string {
	out := make(map[string]string, len(c.Delivery.Routes)+1)
	for k, v := range c.Delivery.Routes {
		out[k] = v
	}
	if _, ok := out["*"]; !ok {
		out["*"] = "dir:" + filepath.Join(c.DataDir, "delivered")
	}
	return out
}
