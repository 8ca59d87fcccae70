package pdf

import (
	"fmt"
	"strings"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/sekisho/sekisho/sanitize"
)

// reporter collects what was dropped, one action per distinct kind and detail, with a
// count, in the order first seen: a file with a thousand pages that each carry /PieceInfo
// gives one line, not a thousand.
type reporter struct {
	order  []repKey
	counts map[repKey]int
}

type repKey struct {
	kind   sanitize.ActionKind
	detail string
}

func (b *builder) report(kind sanitize.ActionKind, detail string) {
	if b.where != "" {
		detail += " on " + b.where
	}
	k := repKey{kind, detail}
	if b.rep.counts == nil {
		b.rep.counts = map[repKey]int{}
	}
	if b.rep.counts[k] == 0 {
		b.rep.order = append(b.rep.order, k)
	}
	b.rep.counts[k]++
}

func (r *reporter) actions(path string) []sanitize.Action {
	out := make([]sanitize.Action, 0, len(r.order))
	for _, k := range r.order {
		d := k.detail
		if n := r.counts[k]; n > 1 {
			d = fmt.Sprintf("%s (%d×)", d, n)
		}
		out = append(out, sanitize.Action{Kind: k.kind, Path: path, Detail: d})
	}
	return out
}

// droppedKeys are keys whose removal is worth its own kind in the report; any other key
// not on its type's allow-list is reported as removed-unknown.
var droppedKeys = map[string]sanitize.ActionKind{
	"JS":                     sanitize.ActRemovedJavaScript, // action script (12.6.4.17)
	"JavaScript":             sanitize.ActRemovedJavaScript, // document script name tree (7.7.4)
	"OnInstantiate":          sanitize.ActRemovedJavaScript, // 3D stream script (13.6.3)
	"AA":                     sanitize.ActRemovedAction,     // trigger actions (12.6.3)
	"OpenAction":             sanitize.ActRemovedAction,     // run on open (7.7.2)
	"URI":                    sanitize.ActRemovedAction,     // catalog base URI (12.6.4.8)
	"EmbeddedFiles":          sanitize.ActRemovedEmbeddedFile,
	"EF":                     sanitize.ActRemovedEmbeddedFile,
	"RF":                     sanitize.ActRemovedEmbeddedFile,
	"AF":                     sanitize.ActRemovedEmbeddedFile, // associated files (14.13)
	"Collection":             sanitize.ActRemovedEmbeddedFile, // portfolio (12.3.5)
	"XFA":                    sanitize.ActRemovedForm,
	"CO":                     sanitize.ActRemovedForm, // calculation order: field scripts
	"RichMediaContent":       sanitize.ActRemovedRichMedia,
	"RichMediaSettings":      sanitize.ActRemovedRichMedia,
	"AlternatePresentations": sanitize.ActRemovedRichMedia,
	"Renditions":             sanitize.ActRemovedRichMedia,
	"3DD":                    sanitize.ActRemovedRichMedia,
	"3DA":                    sanitize.ActRemovedRichMedia,
	"Metadata":               sanitize.ActRemovedMetadata,
	"PieceInfo":              sanitize.ActRemovedMetadata, // application private data (14.5)
	"LastModified":           sanitize.ActRemovedMetadata,
}

// dropKey reports key (with value o) dropped from an object of type label.
func (b *builder) dropKey(label, key string, o types.Object) {
	kind, ok := droppedKeys[key]
	if !ok {
		kind = sanitize.ActRemovedUnknown
	}
	if key == "A" {
		if d, _, _ := b.resolveDict(o); d != nil {
			kind = actionKind(b.nameOf(d, "S"))
		}
	}
	if kind == sanitize.ActRemovedAction || key == "Names" {
		if budget := 1000; b.hasJS(o, 0, &budget) {
			kind = sanitize.ActRemovedJavaScript
		}
	}
	detail := fmt.Sprintf("/%s on %s", key, label)
	switch key {
	case "JavaScript", "EmbeddedFiles":
		detail += " (name tree)"
	}
	if s := b.describe(key, o); s != "" {
		detail += " (" + s + ")"
	}
	b.report(kind, detail)
}

// describe says what a dropped action or trigger dictionary was: "Launch action",
// "O: JavaScript, C: JavaScript".
func (b *builder) describe(key string, o types.Object) string {
	d, _, err := b.resolveDict(o)
	if err != nil || d == nil {
		return ""
	}
	if s := b.nameOf(d, "S"); s != "" {
		return s + " action"
	}
	if key != "AA" {
		return ""
	}
	var parts []string
	for _, trig := range sortedKeys(d) {
		if ad, _, _ := b.resolveDict(d[trig]); ad != nil {
			s := b.nameOf(ad, "S")
			if s == "" {
				s = "?"
			}
			parts = append(parts, trig+": "+s)
		}
	}
	return strings.Join(parts, ", ")
}

// hasJS reports whether o holds JavaScript within a few levels, looking at no more than
// budget objects: it decides whether a dropped trigger is reported as JavaScript.
func (b *builder) hasJS(o types.Object, depth int, budget *int) bool {
	*budget--
	if depth > 8 || *budget < 0 {
		return false
	}
	v, _, err := b.resolve(o)
	if err != nil {
		return false
	}
	var d types.Dict
	switch v := v.(type) {
	case types.Array:
		for _, e := range v {
			if b.hasJS(e, depth+1, budget) {
				return true
			}
		}
		return false
	case types.Dict:
		d = v
	case types.StreamDict:
		d = v.Dict
	default:
		return false
	}
	if b.nameOf(d, "S") == "JavaScript" {
		return true
	}
	if _, ok := d["JS"]; ok {
		return true
	}
	for k, e := range d {
		if k == "Next" || k == "JavaScript" || k == "Names" || k == "Kids" || len(k) <= 2 {
			if b.hasJS(e, depth+1, budget) {
				return true
			}
		}
	}
	return false
}

// actionKind is the report kind for a dropped action of type s.
func actionKind(s string) sanitize.ActionKind {
	switch s {
	case "JavaScript", "ECMAScript":
		return sanitize.ActRemovedJavaScript
	case "URI":
		return sanitize.ActRemovedLink
	case "Rendition", "Sound", "Movie", "RichMediaExecute", "GoTo3DView":
		return sanitize.ActRemovedRichMedia
	}
	return sanitize.ActRemovedAction
}

// annotKind is the report kind for a dropped annotation of subtype s.
func annotKind(s string) sanitize.ActionKind {
	switch s {
	case "FileAttachment":
		return sanitize.ActRemovedEmbeddedFile
	case "3D", "RichMedia", "Screen", "Movie", "Sound":
		return sanitize.ActRemovedRichMedia
	case "Widget":
		return sanitize.ActRemovedForm
	}
	return sanitize.ActRemovedUnknown
}
