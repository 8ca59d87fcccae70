package config

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestExampleIsDefault keeps the reference honest: decoded strictly, the documented file
// is exactly the defaults.
func TestExampleIsDefault(t *testing.T) {
	cfg, err := Load(bytes.NewReader(ExampleFile()))
	if err != nil {
		t.Fatalf("Load(sekisho.example.yaml) error = %v", err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("Validate(sekisho.example.yaml) = %v", err)
	}
	if got, want := stripSource(*cfg), stripSource(*Default()); !reflect.DeepEqual(got, want) {
		t.Errorf("sekisho.example.yaml decodes to\n%+v\nwant Default()\n%+v", got, want)
	}
}

// TestExampleCoversEveryField checks by reflection that every key of Config appears in
// the example as a real key (not only in a comment).
func TestExampleCoversEveryField(t *testing.T) {
	var doc yaml.Node
	if err := yaml.Unmarshal(ExampleFile(), &doc); err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	collectNodeKeys(doc.Content[0], "", have)
	// Entries of map-valued keys (policy, delivery.routes) are data, not keys.
	for k := range have {
		for _, m := range mapKeys() {
			if strings.HasPrefix(k, m+".") {
				delete(have, k)
			}
		}
	}
	for _, k := range ConfigKeys() {
		if !have[k] {
			t.Errorf("sekisho.example.yaml does not document %s", k)
		}
	}
	// And the other way round: nothing in the example that Config lacks (Load would fail
	// anyway, but name it here).
	want := map[string]bool{}
	for _, k := range ConfigKeys() {
		want[k] = true
	}
	for k := range have {
		if !want[k] {
			t.Errorf("sekisho.example.yaml has %s, which Config does not", k)
		}
	}
}

func collectNodeKeys(n *yaml.Node, prefix string, out map[string]bool) {
	if n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := join(prefix, n.Content[i].Value)
		out[k] = true
		collectNodeKeys(n.Content[i+1], k, out)
	}
}

func TestConfigKeys(t *testing.T) {
	keys := ConfigKeys()
	for _, want := range []string{"data_dir", "log.level", "limits.max_file_size", "policy", "mail.extra_headers", "mail.notice_template_en"} {
		found := false
		for _, k := range keys {
			found = found || k == want
		}
		if !found {
			t.Errorf("ConfigKeys() lacks %s: %v", want, keys)
		}
	}
	for _, k := range keys {
		if strings.Contains(k, "..") || strings.HasPrefix(k, ".") {
			t.Errorf("ConfigKeys() has malformed key %q", k)
		}
	}
}

// TestREADMEDocumentsEverySection keeps the README's configuration table complete.
func TestREADMEDocumentsEverySection(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range Sections() {
		if !strings.Contains(string(b), "| `"+s+"` |") {
			t.Errorf("README.md configuration table lacks a row for %s", s)
		}
	}
}

// mapKeys lists the dotted keys whose value is a map.
func mapKeys() []string {
	var out []string
	var walk func(t reflect.Type, prefix string)
	walk = func(t reflect.Type, prefix string) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if !f.IsExported() || name == "" || name == "-" {
				continue
			}
			switch f.Type.Kind() {
			case reflect.Map:
				out = append(out, join(prefix, name))
			case reflect.Struct:
				walk(f.Type, join(prefix, name))
			}
		}
	}
	walk(reflect.TypeFor[Config](), "")
	return out
}
