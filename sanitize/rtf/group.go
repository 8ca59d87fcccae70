package rtf

import (
	"fmt"
	"strings"

	"github.com/sekisho/sekisho/sanitize"
)

// groupKind is what a group's head says it is.
type groupKind uint8

const (
	kindNormal    groupKind = iota
	kindObject              // \object and every \obj* destination, \datastore, \oleclsid
	kindTemplate            // \*\template: Word fetches it, also from a URL
	kindMailMerge           // \*\mailmerge: data sources and ODBC connection strings
	kindField
	kindFldinst
	kindFldrslt
	kindResult
	kindShapeProp  // \sp
	kindShapeName  // \sn
	kindShapeValue // \sv
	kindInfo       // \info: document properties
	kindPict       // \pict: a picture, re-encoded (picture.go)
	kindDest       // {\*\name}: an ignorable destination, kept or dropped by destinations.go
)

// dangerous reports whether a control word starts a group that is always removed. Matching
// ignores case: Word's control words are lower case, and a reader that folds case must not
// find an object we missed.
func dangerous(name string) groupKind {
	n := strings.ToLower(name)
	switch {
	case n == "object", strings.HasPrefix(n, "obj"), n == "datastore", n == "oleclsid":
		return kindObject
	case n == "template":
		return kindTemplate
	case n == "mailmerge", isMailMergeWord(n):
		return kindMailMerge
	}
	return kindNormal
}

// isFieldWord reports the destinations whose meaning this family decides from the head
// of their group (fields, object results, shape properties): one in the middle of a
// group is refused, since readers disagree on what it would apply to.
func isFieldWord(name string) bool {
	switch strings.ToLower(name) {
	case "field", "fldinst", "fldrslt", "result", "sp":
		return true
	}
	return false
}

// decidedByHead covers every word this family reads only at the start of a group to decide
// what the group is. Written in the middle of a group it is refused: the rewrite would
// copy it as a formatting word while a reader that takes it as a destination there sees a
// picture whose bytes were never re-encoded ({{}\pict\pngblip ...}), a property name, an
// info group or a base address for links ({{}\hlinkbase http://...}).
func decidedByHead(name string) bool {
	if isFieldWord(name) {
		return true
	}
	switch strings.ToLower(name) {
	case "sn", "sv", "pict", "info", "upr", "hlinkbase":
		return true
	}
	return false
}

// classify decides a group's kind from all of its head words: a dangerous word anywhere in
// the head wins over the others; an ignorable destination ({\*\name}) that is none of
// the kinds below is kindDest, with its name.
func classify(head []Token) (groupKind, string) {
	kind, word := kindNormal, ""
	dest := ""
	for i, t := range head {
		if t.Kind != Word {
			continue
		}
		if i > 0 && head[i-1].Kind == Symbol && head[i-1].Sym == '*' && dest == "" {
			dest = t.Name
		}
		if d := dangerous(t.Name); d != kindNormal {
			return d, t.Name
		}
		if kind != kindNormal {
			continue
		}
		switch strings.ToLower(t.Name) {
		case "field":
			kind = kindField
		case "fldinst":
			kind = kindFldinst
		case "fldrslt":
			kind = kindFldrslt
		case "result":
			kind = kindResult
		case "sp":
			kind = kindShapeProp
		case "sn":
			kind = kindShapeName
		case "sv":
			kind = kindShapeValue
		case "info":
			kind = kindInfo
		case "pict":
			kind = kindPict
		}
	}
	if dest != "" {
		// Word reads a {\* group as the destination named right after the star, whatever
		// words follow it; so does this.
		if strings.EqualFold(dest, "fldinst") {
			return kindFldinst, ""
		}
		return kindDest, dest
	}
	return kind, word
}

// endHead decides what the group on top of the stack is, now that its first content token
// (or its end) has arrived, and writes its opening brace and head where they belong.
func (rw *rewriter) endHead(f *frame) error {
	f.inHead = false
	for _, t := range f.head {
		f.setUC(t)
	}
	n := 0
	for _, t := range f.head {
		if t.Kind == Word && isFieldWord(t.Name) {
			n++
		}
	}
	if n > 1 {
		// {\fldrslt\fldinst ...}: a reader could take either word for the group.
		return fmt.Errorf("%w: rtf: two field destinations at the start of one group", sanitize.ErrMalformed)
	}
	kind, word := classify(f.head)
	p := rw.parent()
	if p == nil {
		if len(f.head) == 0 || f.head[0].Kind != Word || f.head[0].Name != "rtf" {
			return fmt.Errorf("%w: rtf: document group does not start with \\rtf", sanitize.ErrMalformed)
		}
		switch kind {
		case kindNormal:
		case kindInfo, kindShapeName, kindShapeValue, kindPict:
			kind = kindNormal // meaningless in the document's own header
		default:
			return fmt.Errorf("%w: rtf: \\%s in the document group's header", sanitize.ErrMalformed, word)
		}
	}
	if f.mode == modeSkip {
		switch {
		case kind == kindResult && p.object != nil:
			// A dropped object's \result is the picture or text Word shows in its place.
			f.mode, f.w, f.rslt = modeEmit, p.object.w, p.object.rslt
			rw.writeHead(f, f.w, "result")
			rw.writeHead(f, f.rslt, "result")
		case p.object != nil && strings.EqualFold(word, "objclass"):
			f.class = &p.object.class
			rw.collectHead(f)
		}
		return nil
	}
	switch kind {
	case kindField, kindFldinst, kindFldrslt, kindResult, kindShapeProp, kindShapeName, kindShapeValue, kindPict:
		if p != nil && p.info && rw.stripMeta {
			// A document property is kept only when it starts with a listed name; a field
			// or shape here, unwrapped, would leave its text as an unnamed property that
			// the next pass strips (a FuzzRTF find: {\info{\field{\fldrslt A}}}).
			name := firstKept(f.head).Name
			if name == "" {
				name = "unnamed property"
			}
			rw.metaGone(name)
			f.mode, f.w, f.rslt = modeSkip, nil, nil
			return nil
		}
	}
	switch kind {
	case kindObject:
		if rw.objects == "quarantine" {
			return fmt.Errorf("%w: RTF with an embedded OLE object (\\%s)", sanitize.ErrUnsupported, word)
		}
		f.object = &objectState{w: f.w, rslt: f.rslt, word: word}
		if strings.EqualFold(word, "objclass") {
			f.class = &f.object.class
		}
		f.mode, f.w, f.rslt = modeSkip, nil, nil
		return nil
	case kindDest:
		if knownDest(word) && !(rw.stripMeta && metaDest[word]) {
			if p != nil && strings.EqualFold(word, "shppict") {
				p.shppict = true
			}
			// {\upr{\title ...}{\*\ud{\title ...}}} holds a property twice, ANSI and
			// Unicode: the ud half is read like the info group it is in.
			f.info = p != nil && p.info && word == "ud"
			break
		}
		switch d, ok := destRemoval[word]; {
		case rw.stripMeta && metaDest[word]:
			rw.metaGone(word)
		case ok:
			rw.res.Add(d.kind, rw.path, d.detail+" (\\"+word+")")
		default:
			rw.res.Add(sanitize.ActRemovedPart, rw.path, "unknown destination \\"+word)
		}
		f.mode, f.w, f.rslt = modeSkip, nil, nil
		return nil
	case kindInfo:
		f.info = true
	case kindPict:
		f.pict = &pictState{outW: f.w, outR: f.rslt, maxBytes: 2 * rw.b.Limits().MaxFileSize}
		f.w, f.rslt = &f.pict.buf, nil
		rw.write(f.w, Token{Kind: Open})
		for _, t := range f.head {
			if !rw.pictContent(f.pict, t) {
				rw.write(f.w, t)
			}
		}
		return nil
	case kindNormal:
		first := firstKept(f.head)
		if p != nil && p.shppict && first.Kind == Word && strings.EqualFold(first.Name, "nonshppict") {
			// The picture again for readers without shapes, usually as a WMF, after the
			// {\*\shppict} that was kept (or reported): a copy, dropped without a report.
			p.shppict = false
			f.mode, f.w, f.rslt = modeSkip, nil, nil
			return nil
		}
		if first.Kind == Word && first.Name == "hlinkbase" {
			// Dropped wherever it is: it means nothing outside {\info}, and a reader that
			// took a damaged group for the info group would apply it.
			rw.res.Add(sanitize.ActRemovedExternalLink, rw.path, "base address of relative links (\\hlinkbase)")
			f.mode, f.w, f.rslt = modeSkip, nil, nil
			return nil
		}
		if p != nil && p.info && first.Kind == Word && first.Name == "upr" {
			f.info = true // a property written twice, ANSI and Unicode: read like info
			break
		}
		if p != nil && p.info && rw.stripMeta && !(first.Kind == Word && infoKeep[first.Name]) && !(f.closed && first.Kind == EOF) {
			// Kept only when it starts with a property on the list: "{{}\author x}" names
			// no property here but is the author to a reader that takes the word later.
			name := first.Name
			if first.Kind != Word {
				name = "unnamed property"
			}
			rw.metaGone(name)
			f.mode, f.w, f.rslt = modeSkip, nil, nil
			return nil
		}
	case kindTemplate, kindMailMerge:
		detail := "remote template (\\template)"
		if kind == kindMailMerge {
			detail = fmt.Sprintf("mail merge data source (\\%s)", word)
		}
		rw.res.Add(sanitize.ActRemovedExternalLink, rw.path, detail)
		f.mode, f.w, f.rslt = modeSkip, nil, nil
		return nil
	case kindField:
		if f.instrOf != nil {
			f.instrOf.nested = true
		}
		f.field = &fieldState{}
		f.outW, f.outR = f.w, f.rslt
		f.w, f.rslt = &f.field.full, nil
	case kindFldinst:
		if p == nil || p.field == nil {
			// Outside a field Word ignores it; nothing is lost by dropping it.
			rw.res.Add(sanitize.ActRemovedPart, rw.path, "field instruction outside a field")
			f.mode, f.w, f.rslt = modeSkip, nil, nil
			return nil
		}
		f.instrOf = p.field
		p.field.instrs++
	case kindShapeProp:
		f.sp = &shapeProp{}
		f.outW, f.outR = f.w, f.rslt
		f.w, f.rslt = &f.sp.buf, nil
	case kindShapeName, kindShapeValue:
		if p == nil || p.sp == nil {
			// A name or value outside {\sp} belongs to no property a reader could agree on:
			// {{\sn pibName}{\sv url}} after a damaged \sp is dropped, not guessed at.
			w := map[groupKind]string{kindShapeName: "sn", kindShapeValue: "sv"}[kind]
			rw.res.Add(sanitize.ActRemovedUnknown, rw.path, fmt.Sprintf("shape property \\%s outside a \\sp group", w))
			f.mode, f.w, f.rslt = modeSkip, nil, nil
			return nil
		}
		if kind == kindShapeName {
			f.class = &p.sp.name
			p.sp.names++
		}
	case kindFldrslt:
		if p != nil && p.field != nil {
			f.rslt = &p.field.rslt
			rw.writeHead(f, f.w, "")
			rw.writeHead(f, f.rslt, "fldrslt")
			return nil
		}
	}
	rw.writeHead(f, f.w, "")
	rw.writeHead(f, f.rslt, "")
	rw.collectHead(f)
	return nil
}

// collectHead gives the head's \uN characters to the instruction or name being collected:
// "{\*\fldinst \u68?..." starts its text inside the head.
func (rw *rewriter) collectHead(f *frame) {
	uc := f.headUC
	for _, t := range f.head {
		if t.Kind == Word && t.Name == "uc" && t.HasParam && t.Param >= 0 {
			uc = int(min(t.Param, maxInstr))
		}
		if f.instrOf != nil {
			f.instrOf.instr.add(t, uc)
		}
		if f.class != nil {
			f.class.add(t, uc)
		}
	}
}

// writeHead writes the opening brace and the head words, leaving out the destination word
// drop (with the \* that marks it) when a field or object is being unwrapped.
func (rw *rewriter) writeHead(f *frame, w *outBuf, drop string) {
	if w == nil {
		return
	}
	rw.write(w, Token{Kind: Open})
	for i, t := range f.head {
		if drop != "" {
			if t.Kind == Word && strings.EqualFold(t.Name, drop) {
				continue
			}
			if t.Kind == Symbol && t.Sym == '*' && i+1 < len(f.head) && f.head[i+1].Kind == Word && strings.EqualFold(f.head[i+1].Name, drop) {
				continue
			}
		}
		if t.Kind == Symbol && t.Sym == '*' && !starKept(f.head, i) {
			// A star that marks no destination written here (none follows, or the word
			// after it is dropped) would mark whatever comes next when read again.
			continue
		}
		rw.write(w, t)
	}
}

// firstKept is the first head token the rewrite writes (unknown words and symbols are
// dropped, and so is a star that marks no destination): what a group is taken for is
// decided on what the output will hold, so that a dropped token in front cannot hide an
// item from a check here and expose it to the next reader.
func firstKept(head []Token) Token {
	for i, t := range head {
		switch {
		case t.Kind == Word && (!knownWord(t.Name) || strings.EqualFold(t.Name, "bin")):
		case t.Kind == Symbol && !strings.ContainsRune(knownSymbols, rune(t.Sym)):
		case t.Kind == Symbol && t.Sym == '*' && !starKept(head, i):
		default:
			return t
		}
	}
	return Token{}
}

// starKept reports whether the star at head[i] is written: only before a word that is.
func starKept(head []Token, i int) bool {
	return i+1 < len(head) && head[i+1].Kind == Word && knownWord(head[i+1].Name) && !strings.EqualFold(head[i+1].Name, "bin")
}

// close ends the group on top of the stack and tells its parent whether it wrote anything.
func (rw *rewriter) close(f *frame) error {
	err := rw.closeGroup(f)
	if len(rw.stack) == 0 {
		return err
	}
	if p := rw.top(); p.w != nil && p.bare {
		if p.w.Len() == f.atOpen {
			p.sep = true
		} else {
			p.bare, p.sep = false, false
		}
	}
	return err
}

func (rw *rewriter) closeGroup(f *frame) error {
	f.endSkip()
	if f.pict != nil {
		rw.stack = rw.stack[:len(rw.stack)-1]
		return rw.closePicture(f)
	}
	if f.mode == modeEmit {
		rw.write(f.w, Token{Kind: Close})
		rw.write(f.rslt, Token{Kind: Close})
	}
	rw.stack = rw.stack[:len(rw.stack)-1]
	if len(rw.stack) == 0 {
		rw.after = true
	}
	switch {
	case f.field != nil:
		keep, kind, detail := decideField(f.field)
		src := &f.field.full
		if !keep {
			rw.res.Add(kind, rw.path, detail)
			src = &f.field.rslt
		}
		rw.copyBuffer(f.outW, src)
		rw.copyBuffer(f.outR, src)
	case f.sp != nil:
		name := strings.TrimSpace(f.sp.name.String())
		if f.sp.names != 1 || !plainName(name) || f.sp.name.ambiguous {
			// Real producers write {\sp{\sn name}{\sv value}}; a property named twice, in
			// a nested group or in escapes is one whose name readers may not agree on.
			rw.res.Add(sanitize.ActRemovedUnknown, rw.path, fmt.Sprintf("shape property without one plain name (%s)", quoteClass(name)))
			return nil
		}
		if why := linkedShapeProp(name); why != "" {
			rw.res.Add(sanitize.ActRemovedExternalLink, rw.path, fmt.Sprintf("%s (shape property %s)", why, name))
			return nil
		}
		rw.copyBuffer(f.outW, &f.sp.buf)
		rw.copyBuffer(f.outR, &f.sp.buf)
	case f.object != nil:
		detail := fmt.Sprintf("object group (\\%s)", f.object.word)
		if c := strings.TrimSpace(f.object.class.String()); c != "" {
			detail = fmt.Sprintf("object group (\\%s, class %s)", f.object.word, quoteClass(c))
		}
		rw.res.Add(sanitize.ActRemovedOLE, rw.path, detail)
	}
	return nil
}

func (rw *rewriter) copyBuffer(dst, src *outBuf) {
	if dst == nil || src.Len() == 0 {
		return
	}
	dst.Write(src.Bytes())
	dst.needSpace = false // a copied buffer always ends with a closing brace
}

// quoteClass keeps an object class name printable and short for the report.
func quoteClass(s string) string {
	if len(s) > 64 {
		s = s[:64]
	}
	return fmt.Sprintf("%q", s)
}

// isMailMergeWord covers the whole \mm* family (data sources, ODSO/UDL connections,
// queries, header sources) rather than a list of the words known to fetch: outside a
// \mailmerge destination they mean nothing to Word, and a new or misspelled one must not
// survive. Math (\mmath*, \mmaxdist) shares the prefix and is kept.
func isMailMergeWord(n string) bool {
	return strings.HasPrefix(n, "mm") && !strings.HasPrefix(n, "mmath") && n != "mmaxdist"
}
