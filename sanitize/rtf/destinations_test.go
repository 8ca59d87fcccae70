package rtf

import (
	"sort"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// destinationCases lists every destination of destinations.go: adding one to the table
// without adding it here fails TestDestinationsCovered.
var destinationCases = []string{
	"fldinst", "bkmkstart", "bkmkend", "shppict", "shpinst", "picprop", "blipuid", "bliptag", "cs", "ts",
	"pgdsctbl", "pgdsc", "pgdscno", "ftnsep", "ftnsepc", "ftncn", "aftnsep", "aftnsepc", "aftncn", "listtable",
	"listoverridetable", "listpicture", "pn", "pntxta", "pntxtb", "pnseclvl", "xmlnstbl", "xmlopen", "xmlclose",
	"xmlattrname", "xmlattrvalue", "colorschememapping", "latentstyles", "lsdlockedexcept", "defchp", "defpap",
	"panose", "falt", "fname", "annotation", "atnref", "atndate", "atnparent", "atrfstart", "atrfend", "atnid",
	"atnauthor", "docvar", "password", "passwordhash", "protusertbl", "formfield", "ffname", "ffdeftext",
	"ffformat", "ffhelptext", "ffstattext", "ffl", "oldcprops", "oldpprops", "oldsprops", "oldtprops",
	"wgrffmtfilter", "background", "keycode", "nesttableprops", "nonesttables", "ud", "fchars", "lchars",
	"flymaincnt", "flyanchor", "flycntnt", "revtbl", "rsidtbl", "generator", "userprops", "mmathPr", "moMath",
	"moMathPara", "moMathParaPr", "shpgrp", "shptxt", "footnote", "company", "manager",
	"expandedcolortbl", "pgptbl",
}

// destinationRemovalCases lists every destination of destRemoval.
var destinationRemovalCases = []string{
	"ffentrymcr", "ffexitmcr", "hl", "hlsrc", "hlloc", "hlfr", "hlinkbase", "themedata", "fontemb", "fontfile",
	"htmltag", "private",
}

func sameSet(t *testing.T, table string, keys, cases []string) {
	t.Helper()
	sort.Strings(keys)
	sort.Strings(cases)
	if strings.Join(keys, " ") != strings.Join(cases, " ") {
		t.Errorf("%s entries and test cases differ:\nentries %v\ncases   %v", table, keys, cases)
	}
}

// TestDestinationsCovered: an allowed destination stays with keep (the metadata ones go
// with strip); a removed one goes with its action in both modes; an unknown one goes.
func TestDestinationsCovered(t *testing.T) {
	var keys []string
	for k, why := range destinations {
		keys = append(keys, k)
		if why == "" {
			t.Errorf("destination %s has no reason", k)
		}
	}
	sameSet(t, "destinations", keys, destinationCases)
	keys = nil
	for k := range destRemoval {
		keys = append(keys, k)
	}
	sameSet(t, "destRemoval", keys, destinationRemovalCases)

	doc := func(name string) []byte { return []byte(`{\rtf1\ansi{\*\` + name + ` probe}Body.\par}`) }
	for _, name := range destinationCases {
		if name == "fldinst" {
			continue // outside a field it is removed on purpose (TestSanitizeCorpus)
		}
		out, res, err := run(t, doc(name), Options{Metadata: "keep"})
		if err != nil || !strings.Contains(string(out), `\`+name) || len(res.Actions) != 0 {
			t.Errorf("destination %s with keep: %q %+v %v, want kept", name, out, res.Actions, err)
		}
		out, res, err = run(t, doc(name), Options{})
		if err != nil || strings.Contains(string(out), `\`+name) != !metaDest[name] {
			t.Errorf("destination %s with strip: %q %+v %v, want kept %v", name, out, res.Actions, err, !metaDest[name])
		}
	}
	for _, name := range append(destinationRemovalCases, "unknownthing") {
		want := sanitize.ActRemovedPart
		if d, ok := destRemoval[name]; ok {
			want = d.kind
		}
		out, res, err := run(t, doc(name), Options{Metadata: "keep"})
		if err != nil || strings.Contains(string(out), "probe") || len(res.Actions) != 1 || res.Actions[0].Kind != want {
			t.Errorf("destination %s: %q %+v %v, want dropped with %s", name, out, res.Actions, err, want)
		}
	}
}
