package rtf

import (
	_ "embed"
	"sort"
	"strings"
)

// The allow-list of control words: a word that is not an RTF 1.9.1 control word (nor one
// of LibreOffice's extensions) is dropped and reported, and the text around it stays, as
// a reader that does not know a word skips it and shows the text. So a word only some
// reader gives a meaning to — a new Word feature, a parser's private extension an
// attacker aims at — never reaches the recipient. What is active among the listed words
// (objects, fields, templates, mail merge, pictures, ignorable destinations) is decided
// by group.go, fields.go, picture.go and destinations.go before a word is written.
//
// controlwords.txt is generated from two readers' keyword tables (testdata/controlwords.sh
// says which and how); TestControlWordsFromReaders checks it against the words
// LibreOffice and Word write in the test corpus.

//go:embed controlwords.txt
var controlWordsText string

// controlWords holds every listed word as written and in lower case: the family matches
// words without regard to case, like the readers it protects.
var controlWords = func() map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(controlWordsText, "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		for _, w := range strings.Fields(line) {
			m[w] = true
			m[strings.ToLower(w)] = true
		}
	}
	for w := range controlWordExtras {
		m[w] = true
		m[strings.ToLower(w)] = true
	}
	// The ignorable destinations this family keeps are its own allow-list (one, flycntnt,
	// is only in StarOffice's writer).
	for w := range destinations {
		m[w] = true
		m[strings.ToLower(w)] = true
	}
	return m
}()

// controlWordExtras are words real producers write that neither keyword table lists,
// found by the survey of RTFs from other projects (survey_test.go): Apple's text system
// (TextEdit, Pages) and AbiWord. Each is a setting or a layout hint; none names a file,
// an object or code. TestControlWordExtrasCovered fails when an entry has no case.
var controlWordExtras = map[string]string{
	"cocoartf":         "Apple: version of the Cocoa text system that wrote the file",
	"cocoasubrtf":      "Apple: its minor version",
	"cocoaplatform":    "Apple: the platform that wrote the file",
	"cocoatextscaling": "Apple: text scaling of the window",
	"pardirnatural":    "Apple: paragraph direction follows the text",
	"partightenfactor": "Apple: letter-spacing tightening of the paragraph",
	"pardeftab":        "Apple: default tab width of the paragraph",
	"viewh":            "Apple: window height",
	"vieww":            "Apple: window width",
	"clheight":         "Apple (Pages): row height of a table cell",
	"gaph":             "Apple (Pages): cell spacing",
	"taflags":          "Apple (Pages): tab stop flags",
	"abinodiroverride": "AbiWord: no bidirectional override on the run",
	"cssrgb":           "Apple: a colour of the expanded colour table, in CSS sRGB",
	"csgray":           "Apple: a colour of the expanded colour table, in grey",
	"csgenericrgb":     "Apple: a colour of the expanded colour table, in generic RGB",
	"c":                "Apple: one component of such a colour",
}

// knownSymbols are the control symbols of the specification: \~ nonbreaking space, \-
// optional hyphen, \_ nonbreaking hyphen, \: index subentry, \| formula character, \*
// ignorable destination, and the escaped \{, \} and \\. Any other symbol is dropped
// like an unknown word.
const knownSymbols = `~-_:|*{}\`

// knownWord reports whether a control word is on the list.
func knownWord(name string) bool {
	return controlWords[name] || controlWords[strings.ToLower(name)]
}

// maxUnknownShown bounds the distinct unknown words a report names.
const maxUnknownShown = 16

// dropWord notes a control word left out for not being on the list.
func (rw *rewriter) dropWord(name string) {
	if rw.unknown == nil {
		rw.unknown = map[string]int{}
	}
	if _, ok := rw.unknown[name]; ok || len(rw.unknown) < maxUnknownShown {
		rw.unknown[name]++
	} else {
		rw.unknownMore++
	}
}

// unknownDetail is the report of the dropped words.
func (rw *rewriter) unknownDetail() string {
	names := make([]string, 0, len(rw.unknown))
	n := rw.unknownMore
	for w, c := range rw.unknown {
		names = append(names, "\\"+w)
		n += c
	}
	sort.Strings(names)
	s := strings.Join(names, ", ")
	if rw.unknownMore > 0 {
		s += ", ..."
	}
	return "control words not on the allow-list: " + s
}
