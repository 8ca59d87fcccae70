package wordfield

import (
	"bufio"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
)

type fieldCase struct {
	typ, instr, want string
}

func readCases(t testing.TB) []fieldCase {
	t.Helper()
	f, err := os.Open("testdata/fields.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []fieldCase
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p := strings.Split(line, "\t")
		if len(p) != 3 {
			t.Fatalf("fields.txt: bad line %q", line)
		}
		out = append(out, fieldCase{p[0], p[1], p[2]})
	}
	return out
}

var classes = map[string]error{
	"syntax": ErrSyntax, "type": ErrType, "dde": ErrDDE, "external": ErrExternal,
	"macro": ErrMacro, "link": ErrLink,
}

// TestCheck runs every case of testdata/fields.txt.
func TestCheck(t *testing.T) {
	for _, tc := range readCases(t) {
		err := Check(tc.instr)
		if tc.want == "keep" {
			if err != nil {
				t.Errorf("Check(%q) = %v, want nil", tc.instr, err)
			}
			continue
		}
		if want := classes[tc.want]; want == nil || !errors.Is(err, want) {
			t.Errorf("Check(%q) = %v, want %s", tc.instr, err, tc.want)
		}
	}
}

// TestTypesCovered fails when an allowed or refused type has no case, or a case names a
// type that is on neither list.
func TestTypesCovered(t *testing.T) {
	have := map[string]bool{}
	for _, tc := range readCases(t) {
		have[tc.typ] = true
		_, allowed := types[tc.typ]
		_, known := refused[tc.typ]
		if tc.typ != "-" && !allowed && !known {
			t.Errorf("fields.txt case for %s, which is on neither list", tc.typ)
		}
		if f, err := Parse(tc.instr); err == nil && tc.typ != "-" && f.Type != tc.typ {
			t.Errorf("case %q parses as type %s, listed under %s", tc.instr, f.Type, tc.typ)
		}
	}
	for name, ft := range types {
		if ft.reason == "" {
			t.Errorf("%s has no reason", name)
		}
		if !have[name] {
			t.Errorf("%s is allowed but testdata/fields.txt has no case for it", name)
		}
	}
	for name := range refused {
		if !have[name] {
			t.Errorf("%s is refused but testdata/fields.txt has no case for it", name)
		}
		if _, ok := types[name]; ok {
			t.Errorf("%s is both allowed and refused", name)
		}
	}
}

func TestParse(t *testing.T) {
	f, err := Parse(` HYPERLINK \l "top" "file://x/y" \o "a \"q\" b" `)
	if err != nil {
		t.Fatal(err)
	}
	if f.Type != "HYPERLINK" || len(f.Args) != 1 || f.Args[0] != "file://x/y" || len(f.Switches) != 2 ||
		f.Switches[0].Arg != "top" || f.Switches[1].Arg != `a "q" b` {
		t.Errorf("Parse = %+v", f)
	}
}

// FuzzCheck: no panic; Check agrees with Parse; a kept HYPERLINK has only safe targets.
func FuzzCheck(f *testing.F) {
	for _, tc := range readCases(f) {
		f.Add(tc.instr)
	}
	f.Fuzz(func(t *testing.T, s string) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		fd, perr := Parse(s)
		err := Check(s)
		if perr != nil {
			if err == nil {
				t.Fatalf("Check(%q) kept what Parse refused: %v", s, perr)
			}
			return
		}
		if err == nil && fd.Type == "HYPERLINK" {
			for _, a := range fd.Args {
				if !SafeTarget(a) && !SamePlace(a) {
					t.Fatalf("Check(%q) kept target %q", s, a)
				}
			}
		}
	})
}
