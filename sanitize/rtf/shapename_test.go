package rtf

import (
	"bytes"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// TestGroupInShapeName: a shape property's name is judged on the text the output will
// hold. The name collector also took the text of a group nested in the name, which the
// rewrite then dropped: {\sn pibName{\sn x}} was judged as "pibNamex" (no link) and
// written as {\sn pibName}, a picture Word fetches from the URL in \sv (a FuzzRTF find: the
// output lost a linked picture on its second pass). A name with a group inside is one
// readers may not agree on, and goes.
func TestGroupInShapeName(t *testing.T) {
	const sv = `{\sv http://evil.example/a.png}`
	for name, doc := range map[string]string{
		"name in a nested name":      `{\rtf1{\shp{\*\shpinst{\sp{\sn pibName{\sn x}}` + sv + `}}}text\par}`,
		"dropped destination":        `{\rtf1{\shp{\*\shpinst{\sp{\sn pib{\*\zzunknown x}Name}` + sv + `}}}text\par}`,
		"kept group splits the name": `{\rtf1{\shp{\*\shpinst{\sp{\sn pib{\b}Name}` + sv + `}}}text\par}`,
		"fuzz find":                  `{\rtf{\sp{\sn00000BlipNAme{\sn0A`,
	} {
		t.Run(name, func(t *testing.T) {
			out, res, err := run(t, []byte(doc), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(bytes.ToLower(out), []byte(`\sn`)) || bytes.Contains(out, []byte("evil.example")) {
				t.Errorf("shape property kept: %q", out)
			}
			if !hasKind(res, sanitize.ActRemovedUnknown) {
				t.Errorf("actions %v, want %s", res.Actions, sanitize.ActRemovedUnknown)
			}
			again, res2, err := run(t, out, Options{})
			if err != nil || len(res2.Actions) != 0 || !bytes.Equal(again, out) {
				t.Errorf("second pass: %v %v\n%q\n%q", err, res2.Actions, out, again)
			}
		})
	}
}

// TestFieldInInfo: with metadata stripped, a property is kept only when it starts with a
// listed name. A field (or shape, picture) in \info was judged as a field, unwrapped, and
// left its result as {A}: a property with no name, which the second pass stripped (a
// FuzzRTF find). It goes on the first pass, reported with the metadata.
func TestFieldInInfo(t *testing.T) {
	for name, doc := range map[string]string{
		"fuzz find":        `{\rtf{\info{\field{\fldrslt0A`,
		"field with a url": `{\rtf1{\info{\title T}{\field{\*\fldinst HYPERLINK "http://evil.example/"}{\fldrslt secret}}}text\par}`,
		"shape property":   `{\rtf1{\info{\sp{\sn pibName}{\sv http://evil.example/a.png}}}text\par}`,
	} {
		t.Run(name, func(t *testing.T) {
			out, res, err := run(t, []byte(doc), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(out, []byte("evil.example")) || bytes.Contains(out, []byte("secret")) || bytes.Contains(out, []byte("{A}")) {
				t.Errorf("field kept in \\info: %q", out)
			}
			if !hasKind(res, sanitize.ActRemovedMetadata) {
				t.Errorf("actions %v, want %s", res.Actions, sanitize.ActRemovedMetadata)
			}
			again, res2, err := run(t, out, Options{})
			if err != nil || len(res2.Actions) != 0 || !bytes.Equal(again, out) {
				t.Errorf("second pass: %v %v\n%q\n%q", err, res2.Actions, out, again)
			}
		})
	}
}
