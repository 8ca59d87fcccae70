package text

import "golang.org/x/net/html/atom"

// Element classes.
var (
	dropped = set(atom.Head, atom.Template, atom.Svg, atom.Canvas, atom.Audio, atom.Video,
		atom.Select, atom.Datalist, atom.Noscript, atom.Script, atom.Style, atom.Title, atom.Iframe,
		atom.Noembed, atom.Noframes, atom.Object, atom.Applet, atom.Embed)
	void = set(atom.Area, atom.Base, atom.Br, atom.Col, atom.Embed, atom.Hr, atom.Img, atom.Input,
		atom.Link, atom.Meta, atom.Param, atom.Source, atom.Track, atom.Wbr, atom.Keygen)
	blockTags = set(atom.Address, atom.Article, atom.Aside, atom.Center, atom.Details, atom.Dialog,
		atom.Div, atom.Dl, atom.Dt, atom.Fieldset, atom.Figcaption, atom.Figure, atom.Footer,
		atom.Form, atom.Header, atom.Hgroup, atom.Main, atom.Nav, atom.Section, atom.Summary,
		atom.Legend, atom.Caption, atom.Menu, atom.Dir, atom.Option, atom.Optgroup, atom.Tr,
		atom.Table, atom.Body, atom.Html, atom.Frameset, atom.Textarea)
	paraTags = set(atom.P, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Ul, atom.Ol,
		atom.Pre, atom.Blockquote, atom.Listing, atom.Xmp, atom.Plaintext)
	// closesP leaves out table: only standards mode closes an open <p> there, and keeping
	// a hidden <p> open can only hide more, never show what a browser hides.
	closesP = set(atom.Address, atom.Article, atom.Aside, atom.Blockquote, atom.Center,
		atom.Details, atom.Dialog, atom.Dir, atom.Div, atom.Dl, atom.Fieldset, atom.Figcaption,
		atom.Figure, atom.Footer, atom.Form, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
		atom.Header, atom.Hgroup, atom.Hr, atom.Main, atom.Menu, atom.Nav, atom.Ol, atom.P,
		atom.Pre, atom.Section, atom.Summary, atom.Ul, atom.Li, atom.Dd, atom.Dt,
		atom.Plaintext, atom.Xmp, atom.Listing)
	buttonScope = set(atom.Applet, atom.Caption, atom.Html, atom.Table, atom.Td, atom.Th,
		atom.Marquee, atom.Object, atom.Template, atom.Button)
	headOK = set(atom.Title, atom.Style, atom.Script, atom.Noscript, atom.Meta, atom.Link,
		atom.Base, atom.Template, atom.Basefont, atom.Bgsound)
	rawDropped = set(atom.Script, atom.Style, atom.Title, atom.Noscript, atom.Iframe,
		atom.Noembed, atom.Noframes)
)

func set(as ...atom.Atom) map[atom.Atom]bool {
	m := make(map[atom.Atom]bool, len(as))
	for _, a := range as {
		m[a] = true
	}
	return m
}

// The HTML parsing algorithm's element categories that decide what an end tag closes.
var (
	formattingTags = set(atom.A, atom.B, atom.Big, atom.Code, atom.Em, atom.Font, atom.I,
		atom.Nobr, atom.S, atom.Small, atom.Strike, atom.Strong, atom.Tt, atom.U)
	specialTags = set(atom.Address, atom.Applet, atom.Area, atom.Article, atom.Aside,
		atom.Base, atom.Basefont, atom.Bgsound, atom.Blockquote, atom.Body, atom.Br,
		atom.Button, atom.Caption, atom.Center, atom.Col, atom.Colgroup, atom.Dd,
		atom.Details, atom.Dir, atom.Div, atom.Dl, atom.Dt, atom.Embed, atom.Fieldset,
		atom.Figcaption, atom.Figure, atom.Footer, atom.Form, atom.Frame, atom.Frameset,
		atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Head, atom.Header,
		atom.Hgroup, atom.Hr, atom.Html, atom.Iframe, atom.Img, atom.Input, atom.Keygen,
		atom.Li, atom.Link, atom.Listing, atom.Main, atom.Marquee, atom.Menu, atom.Meta,
		atom.Nav, atom.Noembed, atom.Noframes, atom.Noscript, atom.Object, atom.Ol, atom.P,
		atom.Param, atom.Plaintext, atom.Pre, atom.Script, atom.Search, atom.Section,
		atom.Select, atom.Source, atom.Style, atom.Summary, atom.Table, atom.Tbody, atom.Td,
		atom.Template, atom.Textarea, atom.Tfoot, atom.Th, atom.Thead, atom.Title, atom.Tr,
		atom.Track, atom.Ul, atom.Wbr, atom.Xmp)
	tableParts = set(atom.Caption, atom.Col, atom.Colgroup, atom.Tbody, atom.Td, atom.Tfoot,
		atom.Th, atom.Thead, atom.Tr)
	// defaultScope are the boundaries of "has an element in scope".
	defaultScope = set(atom.Applet, atom.Caption, atom.Html, atom.Table, atom.Td, atom.Th,
		atom.Marquee, atom.Object, atom.Template)
)

// tagInfo is every category of one element in a bit set, so the converter makes one map
// lookup per tag instead of one per category (and none for elements on the stack, which
// carry theirs).
type tagInfo uint32

const (
	iDropped tagInfo = 1 << iota
	iVoid
	iBlock
	iPara
	iClosesP
	iButtonScope
	iHeadOK
	iRawDropped
	iFormatting
	iSpecial
	iDefaultScope
	iTablePart
	iMarker
	iReconstruct
)

func (f tagInfo) has(x tagInfo) bool { return f&x != 0 }

var tagInfos = func() map[atom.Atom]tagInfo {
	m := map[atom.Atom]tagInfo{}
	for bit, s := range map[tagInfo]map[atom.Atom]bool{
		iDropped: dropped, iVoid: void, iBlock: blockTags, iPara: paraTags, iClosesP: closesP,
		iButtonScope: buttonScope, iHeadOK: headOK, iRawDropped: rawDropped,
		iFormatting: formattingTags, iSpecial: specialTags, iDefaultScope: defaultScope,
		iTablePart: tableParts, iMarker: markerTags, iReconstruct: reconstructTags,
	} {
		for a := range s {
			m[a] |= bit
		}
	}
	return m
}()

func info(a atom.Atom) tagInfo { return tagInfos[a] }

// in reports whether a is one of as (a handful: faster than a map).
func in(a atom.Atom, as ...atom.Atom) bool {
	for _, x := range as {
		if a == x {
			return true
		}
	}
	return false
}
