package sanitize

import "sort"

// derivedTypes are the types Detect makes up outside its tables (by looking inside a zip,
// at a text's first bytes, at a MIME prefix).
var derivedTypes = []Type{
	{Name: "opc", Class: ClassOOXML},
	{Name: "odf", Class: ClassODF},
	{Name: "msoxml", Class: ClassOOXML},
	{Name: "sylk", Class: ClassOOXML},
	{Name: "com", Class: ClassExecutable},
	{Name: "media", Class: ClassMedia},
	{Name: "empty", Class: ClassUnknown},
	{Name: "unknown", Class: ClassUnknown},
	{Name: "ichitaro", Class: ClassOLE},
}

// KnownTypes lists every type Detect can return, by name and class (MIME and extension
// left empty), sorted by name. Configuration checks use it to see what a policy entry
// for a class reaches.
func KnownTypes() []Type {
	seen := map[Type]bool{}
	var out []Type
	add := func(t Type) {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	for _, e := range mimeTable {
		add(Type{Name: e.name, Class: e.class})
	}
	for _, e := range ooxmlMain {
		add(Type{Name: e.name, Class: e.class})
	}
	for _, t := range derivedTypes {
		add(t)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Class < out[j].Class
	})
	return out
}
