package sanitize

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"testing"
)

// TestKnownTypesCoverDetect reads the package source for every Type{Name: "..."} literal
// Detect can return, so that a new type cannot escape the configuration checks that rely
// on KnownTypes (pass is refused for non-inert types by class).
func TestKnownTypesCoverDetect(t *testing.T) {
	known := map[string]bool{}
	for _, k := range KnownTypes() {
		known[k.Name] = true
	}
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	for _, f := range files {
		if filepath.Ext(f) != ".go" || len(f) > 8 && f[len(f)-8:] == "_test.go" {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			cl, ok := n.(*ast.CompositeLit)
			if !ok {
				return true
			}
			if id, ok := cl.Type.(*ast.Ident); !ok || id.Name != "Type" {
				return true
			}
			for _, e := range cl.Elts {
				kv, ok := e.(*ast.KeyValueExpr)
				if !ok {
					continue
				}
				if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Name" {
					if lit, ok := kv.Value.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						name, _ := strconv.Unquote(lit.Value)
						if !known[name] {
							t.Errorf("%s: Detect can return type %q, which KnownTypes lacks", fset.Position(lit.Pos()), name)
						}
					}
				}
			}
			return true
		})
	}
}
