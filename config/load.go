package config

import (
	"bytes"
	"encoding"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxFileSize caps what Load reads: a configuration is a few KiB, and the decoder must not
// be handed an unbounded stream.
const maxFileSize = 1 << 20

// Load decodes a YAML configuration over Default: keys that are absent keep their default.
// Unknown keys, values of the wrong type and more than one YAML document are errors; all
// such problems are reported at once, each as a *KeyError naming the dotted key and line.
// Load does not call Validate.
func Load(r io.Reader) (*Config, error) { return load(r, "") }

// LoadFile is Load on a file; errors carry the file name.
func LoadFile(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	return load(f, path)
}

func load(r io.Reader, file string) (*Config, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("config: read %s: %w", displayName(file), err)
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("config: %s: larger than %s", displayName(file), Size(maxFileSize))
	}
	cfg := Default()
	cfg.file = file
	cfg.lines = map[string]int{}

	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("config: %s: %s", displayName(file), strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return cfg, nil // empty file: all defaults
	}
	w := walker{file: file, lines: cfg.lines}
	w.check(doc.Content[0], reflect.TypeOf(*cfg), "")
	if len(w.errs) > 0 {
		return nil, errors.Join(w.errs...)
	}

	// The walk above has already checked every key and value; the real decode is yaml's
	// own, strict as well, so the two can never silently disagree.
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil {
		return nil, fmt.Errorf("config: %s: %s", displayName(file), strings.TrimPrefix(err.Error(), "yaml: "))
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err != io.EOF {
		return nil, fmt.Errorf("config: %s: more than one YAML document", displayName(file))
	}
	return cfg, nil
}

func displayName(file string) string {
	if file == "" {
		return "<input>"
	}
	return file
}

// walker checks a YAML node tree against the Config type, so that every unknown key and
// every bad value is reported with its dotted key and line, not as yaml's "field x not
// found in type config.Limits".
type walker struct {
	file  string
	lines map[string]int
	errs  []error
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

func (w *walker) fail(n *yaml.Node, key, value, msg string) {
	w.errs = append(w.errs, &KeyError{File: w.file, Line: n.Line, Key: key, Value: value, Msg: msg})
}

func (w *walker) check(n *yaml.Node, t reflect.Type, key string) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if key != "" {
		w.lines[key] = n.Line
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return // "key:" with no value keeps the zero value; Validate judges it
	}
	if reflect.PointerTo(t).Implements(textUnmarshaler) {
		w.leaf(n, t, key)
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			w.fail(n, nameOr(key), "", "must be a mapping of keys")
			return
		}
		fields := yamlFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			sub := join(key, k.Value)
			if k.Value == "<<" {
				w.fail(k, sub, "", "YAML merge keys are not supported")
				continue
			}
			f, ok := fields[k.Value]
			if !ok {
				w.fail(k, sub, "", "unknown key"+suggest(k.Value, fields))
				continue
			}
			w.check(v, f.Type, sub)
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			w.fail(n, nameOr(key), "", "must be a mapping")
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			w.check(v, t.Elem(), join(key, k.Value))
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			w.fail(n, nameOr(key), "", "must be a list")
			return
		}
		for i, e := range n.Content {
			w.check(e, t.Elem(), fmt.Sprintf("%s[%d]", key, i))
		}
	default:
		w.leaf(n, t, key)
	}
}

// leaf decodes one scalar into a fresh value of the field's type to see whether it fits.
func (w *walker) leaf(n *yaml.Node, t reflect.Type, key string) {
	if n.Kind != yaml.ScalarNode {
		w.fail(n, nameOr(key), "", "must be a single value, not a "+kindName(n.Kind))
		return
	}
	v := reflect.New(t)
	if err := n.Decode(v.Interface()); err != nil {
		w.fail(n, nameOr(key), n.Value, leafMessage(err, t))
	}
}

var yamlLinePrefix = regexp.MustCompile(`^line \d+: `)

func leafMessage(err error, t reflect.Type) string {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		if t.Kind() == reflect.Bool {
			return "must be true or false"
		}
		if t.Kind() >= reflect.Int && t.Kind() <= reflect.Int64 {
			return "must be a whole number"
		}
		if len(te.Errors) > 0 {
			return yamlLinePrefix.ReplaceAllString(te.Errors[0], "")
		}
	}
	// Size and Duration errors repeat the value; KeyError prints it once.
	var ue *unitError
	if errors.As(err, &ue) {
		return ue.short()
	}
	return err.Error()
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	}
	return "value"
}

func nameOr(key string) string {
	if key == "" {
		return "(top level)"
	}
	return key
}

func join(parent, child string) string {
	if parent == "" {
		return child
	}
	return parent + "." + child
}

// yamlFields maps each yaml key of a struct type to its field.
func yamlFields(t reflect.Type) map[string]reflect.StructField {
	m := map[string]reflect.StructField{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if !f.IsExported() || name == "" || name == "-" {
			continue
		}
		m[name] = f
	}
	return m
}

// suggest names a known key that differs from k only by case, dashes or one typo.
func suggest(k string, fields map[string]reflect.StructField) string {
	norm := func(s string) string { return strings.ReplaceAll(strings.ToLower(s), "-", "_") }
	best := ""
	for name := range fields {
		if norm(name) == norm(k) || editDistance(name, k) == 1 {
			if best == "" || name < best {
				best = name
			}
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
