package config

import (
	"bytes"
	"encoding"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
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
//
// When the only problems are bad keys or values, Load still returns the configuration,
// with those keys at their defaults, together with the error, so that Validate and the
// start-up checks can report the rest of the file in the same run. Such a configuration
// must never be used to run anything. Load does not call Validate. Relative paths are
// left as written (see LoadFile).
func Load(r io.Reader) (*Config, error) { return load(r, "") }

// LoadFile is Load on a file; errors carry the file name. Relative paths in the file, and
// in the defaults it leaves in place (data_dir, dir: routes), are resolved against the
// file's directory, so that a configuration means the same whatever the current directory
// of the process that reads it.
func LoadFile(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	cfg, err := load(f, path)
	if cfg != nil {
		abs, aerr := filepath.Abs(filepath.Dir(path))
		if aerr != nil {
			return nil, fmt.Errorf("config: %w", aerr)
		}
		cfg.resolvePaths(abs)
	}
	return cfg, err
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

	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err == io.EOF {
		return cfg, nil // empty file: all defaults
	} else if err != nil {
		return nil, fmt.Errorf("config: %s: %s", displayName(file), strings.TrimPrefix(err.Error(), "yaml: "))
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err != io.EOF {
		return nil, fmt.Errorf("config: %s: more than one YAML document", displayName(file))
	}
	if len(doc.Content) == 0 || doc.Content[0].Tag == "!!null" {
		return cfg, nil // "---" alone, or only comments
	}
	w := walker{file: file, lines: cfg.lines}
	if !w.check(doc.Content[0], reflect.TypeOf(*cfg), "") {
		return nil, errors.Join(w.errs...)
	}
	// The walk has checked every key and value and cut out the bad ones; what is left
	// decodes with yaml's own decoder, which also refuses duplicate keys.
	if err := doc.Decode(cfg); err != nil {
		return nil, errors.Join(append(w.errs, fmt.Errorf("config: %s: %s", displayName(file), strings.TrimPrefix(err.Error(), "yaml: ")))...)
	}
	return cfg, errors.Join(w.errs...)
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

// check reports every problem under n and removes the offending entries from the tree,
// so that the rest can be decoded. It returns false when n itself must be removed.
func (w *walker) check(n *yaml.Node, t reflect.Type, key string) bool {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if key != "" {
		w.lines[key] = n.Line
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return true // "key:" with no value keeps the zero value; Validate judges it
	}
	if reflect.PointerTo(t).Implements(textUnmarshaler) {
		return w.leaf(n, t, key)
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			w.fail(n, nameOr(key), "", "must be a mapping of keys")
			return false
		}
		fields := yamlFields(t)
		w.pairs(n, key, func(k *yaml.Node, sub string) (reflect.Type, bool) {
			if k.Value == "<<" {
				w.fail(k, sub, "", "YAML merge keys are not supported")
				return nil, false
			}
			f, ok := fields[k.Value]
			if !ok {
				w.fail(k, sub, "", "unknown key"+suggest(k.Value, fields))
				return nil, false
			}
			return f.Type, true
		})
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			w.fail(n, nameOr(key), "", "must be a mapping")
			return false
		}
		w.pairs(n, key, func(*yaml.Node, string) (reflect.Type, bool) { return t.Elem(), true })
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			w.fail(n, nameOr(key), "", "must be a list")
			return false
		}
		kept := n.Content[:0:0]
		for i, e := range n.Content {
			if w.check(e, t.Elem(), fmt.Sprintf("%s[%d]", key, i)) {
				kept = append(kept, e)
			}
		}
		n.Content = kept
	default:
		return w.leaf(n, t, key)
	}
	return true
}

// pairs checks each key/value pair of a mapping; typeOf says what the value must be, or
// that the key itself is wrong. Bad pairs are removed from the mapping.
func (w *walker) pairs(n *yaml.Node, key string, typeOf func(k *yaml.Node, sub string) (reflect.Type, bool)) {
	kept := n.Content[:0:0]
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		sub := join(key, k.Value)
		t, ok := typeOf(k, sub)
		if ok && w.check(v, t, sub) {
			kept = append(kept, k, v)
		}
	}
	n.Content = kept
}

// leaf decodes one scalar into a fresh value of the field's type to see whether it fits.
func (w *walker) leaf(n *yaml.Node, t reflect.Type, key string) bool {
	if n.Kind != yaml.ScalarNode {
		w.fail(n, nameOr(key), "", "must be a single value, not a "+kindName(n.Kind))
		return false
	}
	v := reflect.New(t)
	if err := n.Decode(v.Interface()); err != nil {
		w.fail(n, nameOr(key), n.Value, leafMessage(err, t))
		return false
	}
	return true
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
