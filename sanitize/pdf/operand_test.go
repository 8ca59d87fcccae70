package pdf

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// TestOperandKinds writes each kind of operand the way the values it stands for are
// written, and drops operands of the wrong kind.
func TestOperandKinds(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"[(a) -120 (b\\051) 3.5 <00ff>] TJ", "[(a) -120 (b\\)) 3.5 <00FF>] TJ"},
		{"[] 0 d [3 1.5] 0.25 d", "[] 0 d\n[3 1.5] 0.25 d"},
		{"2.0 J 1.5 j", "2 J"},                       // an integral real is an integer; 1.5 is not
		{"/F#20x 12 Tf", "/F#20x 12 Tf"},             // a name is written from its decoded bytes
		{"[(a) /N] TJ [1 [2]] 0 d (x) Tj", "(x) Tj"}, // arrays holding other values: no operator takes them
		{"true false null 1 w", "1 w"},
		{"1 2 3 /P0 scn 0.5 sc", "1 2 3 /P0 scn\n0.5 sc"},
		{"/Span << /MCID 3 /Private (p) >> BDC EMC", "/Span <</MCID 3>> BDC\nEMC"},
	} {
		out, err := testBuilder().content([]byte(tc.in), "test")
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimSpace(string(out)); got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestOperandArenaBounded feeds array operands that no operator takes, and long arrays:
// the memory their elements use stays bounded by the operand stack, not by the stream.
func TestOperandArenaBounded(t *testing.T) {
	const n = 20000
	for name, in := range map[string]string{
		"refused":     strings.Repeat("[1 2 3 4 5 6 7 8] [9] Tc\n", n), // 2 j operand check fails every time
		"no operator": strings.Repeat("[1 2 3 4 5 6 7 8] ", n),
		"unbalanced":  strings.Repeat("[1 2 3 4 5 6 7 8] Q\n", n),
	} {
		b := testBuilder()
		if _, err := b.content([]byte(in), "test"); err != nil {
			t.Fatal(err)
		}
		if len(b.ops.arena) > 2*maxArray+8*maxOperands {
			t.Errorf("%s: %d array elements held", name, len(b.ops.arena))
		}
	}
	long := "[" + strings.Repeat("(a) 1 ", maxArray) + "] TJ (kept) Tj"
	b := testBuilder()
	out, err := b.content([]byte(long), "test")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(out)); got != "(kept) Tj" {
		t.Errorf("an array of %d elements: got %.40q", 2*maxArray, got)
	}
	if len(b.rep.order) != 1 || !strings.Contains(b.rep.order[0].detail, "TJ (operands)") {
		t.Errorf("report %+v, want the TJ reported", b.rep.order)
	}
}

// TestNumberMatchesParseFloat checks number's own reading of reals against strconv's,
// bit for bit (signed zeros included), on hand-picked and random spellings.
func TestNumberMatchesParseFloat(t *testing.T) {
	cases := []string{"0.5", "-.0", "-0.0", ".5", "5.", "+1.25", "-0.000001", "0.1", "0.7",
		"123456789.012345", "999999999999999.", ".999999999999999", "9007199254740.993",
		"0.0000000000000001", "1234567890123456.7", "3.14159265358979"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		digits := 1 + r.IntN(17)
		var s []byte
		switch r.IntN(3) {
		case 1:
			s = append(s, '-')
		case 2:
			s = append(s, '+')
		}
		dot := r.IntN(digits + 1)
		for k := range digits {
			if k == dot {
				s = append(s, '.')
			}
			s = append(s, byte('0'+r.IntN(10)))
		}
		if dot == digits {
			s = append(s, '.')
		}
		cases = append(cases, string(s))
	}
	for _, c := range cases {
		tok, ok := number([]byte(c))
		want, err := strconv.ParseFloat(c, 64)
		if !ok || err != nil || tok.kind != tReal {
			t.Fatalf("%q: ok %v, kind %v, ParseFloat error %v", c, ok, tok.kind, err)
		}
		if math.Float64bits(tok.f) != math.Float64bits(want) {
			t.Fatalf("%q: %v, ParseFloat %v", c, tok.f, want)
		}
	}
}
