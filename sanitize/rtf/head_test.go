package rtf

import (
	"bytes"
	"strings"
	"testing"
)

// TestDroppedTokenInFront: a group is judged on what the output will hold. An unknown
// symbol or word in front of a group's first word is dropped when written, so the word
// then leads the group: a base address for links (\hlinkbase) or a metadata item behind
// one was kept, and read again as what it is. A star that marks no destination is not
// written either, or it would mark the next word (a fuzz find: the output refused on a
// second pass). Each output sanitizes again to itself.
func TestDroppedTokenInFront(t *testing.T) {
	for name, c := range map[string]struct {
		doc, gone string
		opts      Options
	}{
		"hlinkbase behind a symbol":       {`{\rtf1{\info{\0\hlinkbase http://evil.example/}}text\par}`, "hlinkbase", Options{}},
		"hlinkbase behind a word":         {`{\rtf1{\info{\zzunknown\hlinkbase http://evil.example/}}text\par}`, "hlinkbase", Options{}},
		"author behind a symbol":          {`{\rtf1{\info{\0\author Someone}}text\par}`, "Someone", Options{}},
		"star before nothing":             {`{\rtf1\A0\*{\sn}\b text\par}`, `\*`, Options{}},
		"star before a dropped word":      {`{\rtf1{\b\*\zzunknown\i text}\par}`, `\*`, Options{}},
		"control character before a name": {"{\\rtf1{\\shp{\\*\\shpinst{\\sp{\x00\\sn pibName}{\\sv http://evil.example/x.png}}}}text\\par}", "evil.example", Options{}},
		// The written head must end where the input's did: "{{}\b" stays, "{\b" would not.
		"dropped group before a word":          {`{\rtf1{{\*\zzdest}\b bold}\par}`, "zzdest", Options{}},
		"dropped symbol after a dropped group": {`{\rtf1{\info{}\0{\title T}}{{\*\zzdest}\0\b bold}\par}`, "zzdest", Options{}},
		"author behind a group":                {`{\rtf1{\info{{\*\zzdest}\author Someone}}text\par}`, "Someone", Options{Metadata: "strip"}},
		"group in a shape name":                {`{\rtf1{\shp{\*\shpinst{\sp{\sn pib{}Name}{\sv http://evil.example/x.png}}}}text\par}`, "evil.example", Options{}},
	} {
		t.Run(name, func(t *testing.T) {
			out, _, err := run(t, []byte(c.doc), c.opts)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(out, []byte(c.gone)) {
				t.Errorf("%q kept: %q", c.gone, out)
			}
			again, _, err := run(t, out, c.opts)
			if err != nil || !bytes.Equal(again, out) {
				t.Errorf("second pass: %v\n%q\n%q", err, out, again)
			}
		})
	}
}

// TestDroppedFallback: a token the rewrite drops may be the character a reader skips after
// a \uN. Left out, the reader would skip the next character instead — a field's closing
// quote, the first letter of a scheme — and read the output differently from the input
// the field was judged on; a placeholder takes its place.
func TestDroppedFallback(t *testing.T) {
	for name, c := range map[string]struct {
		doc, want string
	}{
		"symbol before a closing quote": {`{\rtf1{\field{\*\fldinst HYPERLINK "http://ok.example/\u97\0"}{\fldrslt link}}\par}`, `\u97 ?"`},
		"word before a scheme":          {`{\rtf1{\field{\*\fldinst HYPERLINK "\u104\zzunknown ttp://ok.example/"}{\fldrslt link}}\par}`, `\u104 ?ttp:`},
		"two skipped under uc2":         {`{\rtf1\uc2 x\u12354\zza\zzb y\par}`, `\u12354 ??y`},
		"text fallback kept as it was":  {`{\rtf1 x\u12354?y\par}`, `\u12354 ?y`},
		"no skip pending":               {`{\rtf1 x\u12354?\zzunknown y\par}`, `\u12354 ?y`},
	} {
		t.Run(name, func(t *testing.T) {
			out, res, err := run(t, []byte(c.doc), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(out, []byte(c.want)) {
				t.Errorf("output lacks %q: %q", c.want, out)
			}
			for _, a := range res.Actions {
				if strings.Contains(a.Detail, "field") {
					t.Errorf("field judged unsafe on the first pass: %v", a)
				}
			}
			again, res2, err := run(t, out, Options{})
			if err != nil || len(res2.Actions) != 0 || !bytes.Equal(again, out) {
				t.Errorf("second pass: %v %v\n%q\n%q", err, res2.Actions, out, again)
			}
		})
	}
}
