package ooxml

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/sekisho/sekisho/sanitize"
)

// part is one package part (zip entry other than [Content_Types].xml).
type part struct {
	f     *zip.File
	name  string
	key   string // lower-cased name
	ctype string
	rels  *relsPart // set for .rels parts
	gone  bool
	media *mediaOut
	// viaUnlisted: removed because the only relationships to it were not on the
	// allow-list (reported with them).
	viaUnlisted bool
	// data is the part's decompressed bytes when unknownRoots kept them for the rewrite
	// (small parts, see keepSmall).
	data []byte
}

// job is the state of one OOXML package being sanitized.
type job struct {
	s        *Sanitizer
	ctx      context.Context
	in       *sanitize.Item
	b        *sanitize.Budget
	res      sanitize.Result
	ct       *contentTypes
	parts    []*part
	byKey    map[string]*part
	relsOf   map[string]*relsPart // by lower-cased source part name; "" is the package
	main     *part
	fam      family
	mediaOut *sanitize.Spool
	sheetMap *sheetMap // workbook sheets removed and the index remapping
	unlisted []unlistedRel
	elems    *elemCache // the schema's answers, shared by the parts' rules
}

func (j *job) path(name string) string { return sanitize.JoinPath(j.in.Path, name) }

// remove marks a part as removed and reports it, once. An empty kind removes silently: it
// is the consequence of another reported removal (the .rels of a removed part).
func (j *job) remove(p *part, kind sanitize.ActionKind, detail string) {
	if p.gone {
		return
	}
	p.gone = true
	if kind != "" {
		j.res.Add(kind, j.path(p.name), detail)
	}
}

func (s *Sanitizer) sanitizeOOXML(ctx context.Context, in *sanitize.Item, z *pkgZip, w io.Writer, b *sanitize.Budget) (sanitize.Result, error) {
	j := &job{s: s, ctx: ctx, in: in, b: b, byKey: map[string]*part{}, relsOf: map[string]*relsPart{}}
	j.elems = getElemCache()
	defer putElemCache(j.elems)
	if err := j.load(z); err != nil {
		return sanitize.Result{}, err
	}
	if err := j.findMain(); err != nil {
		return sanitize.Result{}, err
	}
	j.classifyParts()
	j.applyRels()
	j.sweepUnreachable()
	j.reportUnlisted()
	if err := j.processMedia(); err != nil {
		j.closeMedia()
		return sanitize.Result{}, err
	}
	defer j.closeMedia()
	j.binaryParts()
	if err := j.unknownRoots(); err != nil {
		return sanitize.Result{}, err
	}
	if err := j.prepareWorkbook(); err != nil {
		return sanitize.Result{}, err
	}
	j.finalizeRels()
	retype := j.retype()
	if err := j.write(w, retype); err != nil {
		return sanitize.Result{}, err
	}
	j.res.Verdict = sanitize.Clean
	if len(j.res.Actions) > 0 {
		j.res.Verdict = sanitize.Sanitized
	}
	return j.res, nil
}

func (j *job) load(z *pkgZip) error {
	ctData, err := readPart(z.byKey["[content_types].xml"], j.b, maxSmallXML)
	if err != nil {
		return err
	}
	if j.ct, err = parseContentTypes(ctData); err != nil {
		return err
	}
	for _, f := range z.files {
		if strings.EqualFold(f.Name, "[Content_Types].xml") {
			continue
		}
		p := &part{f: f, name: f.Name, key: strings.ToLower(f.Name)}
		j.parts = append(j.parts, p)
		j.byKey[p.key] = p
		if src, ok := relsSource(f.Name); ok && strings.HasSuffix(p.key, ".rels") {
			data, err := readPart(f, j.b, maxSmallXML)
			if err != nil {
				return err
			}
			if p.rels, err = parseRels(f.Name, data); err != nil {
				return err
			}
			j.relsOf[strings.ToLower(src)] = p.rels
			continue
		}
		p.ctype = j.ct.of(f.Name)
		if p.ctype == "" {
			j.remove(p, sanitize.ActRemovedPart, "not declared in [Content_Types].xml")
		}
	}
	return j.ctx.Err()
}

func (j *job) findMain() error {
	root := j.relsOf[""]
	if root == nil {
		return fmt.Errorf("%w: package has no _rels/.rels", sanitize.ErrMalformed)
	}
	for _, r := range root.rels {
		if relKind(r.Type) != "officeDocument" || r.external {
			continue
		}
		p := j.byKey[strings.ToLower(r.target)]
		if p == nil || p.gone {
			return fmt.Errorf("%w: main part %q is missing or undeclared", sanitize.ErrMalformed, r.Target)
		}
		mt, ok := mainTypes[strings.ToLower(p.ctype)]
		if !ok {
			return fmt.Errorf("%w: OOXML main part type %q", sanitize.ErrUnsupported, p.ctype)
		}
		j.main = p
		j.fam = familyOf(mt.name)
		j.res.Detected = sanitize.Type{Name: mt.name, Class: sanitize.ClassOOXML, MIME: sanitize.OOXMLMIME(mt.name), Ext: "." + mt.name}
		return nil
	}
	return fmt.Errorf("%w: package has no officeDocument relationship", sanitize.ErrUnsupported)
}

// classifyParts removes parts by content type and location.
func (j *job) classifyParts() {
	for _, p := range j.parts {
		if p.gone || p.rels != nil {
			continue
		}
		lct := strings.ToLower(p.ctype)
		if d, ok := dangerousTypes[lct]; ok {
			if d.kind == sanitize.ActRemovedExternalLink && strings.Contains(lct, "externallink") && j.hasDDE(p) {
				d = removal{sanitize.ActRemovedDDE, "DDE link (external workbook part)"}
			}
			j.remove(p, d.kind, d.detail+" ("+p.ctype+")")
			continue
		}
		if d, ok := j.metaPart(p, lct); ok {
			j.remove(p, d.kind, d.detail)
			continue
		}
		segs := strings.Split(p.key, "/")
		for _, seg := range segs[:len(segs)-1] {
			switch seg {
			case "embeddings":
				j.remove(p, sanitize.ActRemovedOLE, "embedded object ("+p.ctype+")")
			case "activex":
				j.remove(p, sanitize.ActRemovedActiveX, "ActiveX control ("+p.ctype+")")
			case "customui":
				j.remove(p, sanitize.ActRemovedPart, "customUI ribbon (callbacks into macros)")
			case "_xmlsignatures":
				j.remove(p, sanitize.ActRemovedPart, "digital signature (invalidated by the rewrite)")
			case "macrosheets", "intlmacrosheets", "dialogsheets":
				j.remove(p, sanitize.ActRemovedMacros, "Excel 4.0 (XLM) macro sheet")
			}
		}
	}
}

// hasDDE peeks into an Excel externalLink part for a ddeLink element.
func (j *job) hasDDE(p *part) bool {
	data, err := readPart(p.f, j.b, 1<<20)
	if err != nil {
		return false
	}
	return bytes.Contains(data, []byte("ddeLink"))
}

// applyRels removes external relationships and the targets of dangerous ones.
func (j *job) applyRels() {
	for _, rp := range j.sortedRels() {
		src := j.byKey[strings.ToLower(rp.source)]
		if rp.source != "" && src == nil {
			j.remove(j.byKey[strings.ToLower(rp.name)], sanitize.ActRemovedPart, "relationships of a missing part")
			continue
		}
		for _, r := range rp.rels {
			if r.external {
				if hyperlinkRel(r.Type) && j.s.keepLinks && safeLinkScheme(r.Target) {
					continue
				}
				r.drop = true
				d := externalRemoval(r)
				j.res.Add(d.kind, j.path(rp.name), d.detail)
				continue
			}
			t := j.byKey[strings.ToLower(r.target)]
			d, ok := dangerousRels[relKind(r.Type)]
			if ok {
				r.drop = true
				if t != nil && !t.gone {
					j.remove(t, d.kind, d.detail)
				} else if t == nil && r.target != "" {
					j.res.Add(d.kind, j.path(rp.name), d.detail+" (target "+shorten(r.Target)+" missing)")
				}
				continue
			}
			if src != nil && src.gone {
				continue // its relationships go with it
			}
			srcCT, to := "", ""
			if src != nil {
				srcCT = src.ctype
			}
			if t != nil && !t.gone {
				to = t.ctype
			}
			if !relAllowed(r.Type, srcCT, to) {
				r.drop, r.unlisted = true, true
				j.unlisted = append(j.unlisted, unlistedRel{rp, r, t})
			}
		}
	}
}

// unlistedRel is a relationship dropped because it is not on the allow-list; it is
// reported once the sweep knows whether its target went with it.
type unlistedRel struct {
	rp *relsPart
	r  *rel
	t  *part
}

// reportUnlisted reports the relationships dropped for not being on the allow-list, with
// the target each one took with it.
func (j *job) reportUnlisted() {
	for _, u := range j.unlisted {
		from := "the package"
		if u.rp.source != "" {
			from = u.rp.source
			if src := j.byKey[strings.ToLower(u.rp.source)]; src != nil {
				from += " (" + src.ctype + ")"
			}
		}
		detail := "relationship type " + clip(u.r.Type) + " from " + from + " is not on the allow-list"
		if u.t != nil && u.t.gone && u.t.viaUnlisted {
			detail += "; " + u.t.name + " (" + u.t.ctype + ") removed with it"
		} else if u.t != nil && !u.t.gone {
			detail += "; " + u.t.name + " stays, reached otherwise"
		}
		j.res.Add(sanitize.ActRemovedUnknown, j.path(u.rp.name), detail)
	}
}

func (j *job) sortedRels() []*relsPart {
	out := make([]*relsPart, 0, len(j.relsOf))
	for _, p := range j.parts {
		if p.rels != nil {
			out = append(out, p.rels)
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].name < out[b].name })
	return out
}

// sweepUnreachable removes parts no kept relationship reaches from the package, and the
// .rels of removed parts.
func (j *job) sweepUnreachable() {
	seen := j.reach(false)
	var viaUnlisted map[string]bool
	if len(j.unlisted) > 0 {
		viaUnlisted = j.reach(true)
	}
	for _, p := range j.parts {
		if p.gone {
			continue
		}
		if p.rels != nil {
			if p.rels.source != "" && !seen[strings.ToLower(p.rels.source)] {
				j.remove(p, "", "")
			}
			continue
		}
		if !seen[p.key] {
			if viaUnlisted[p.key] {
				// Reached only through relationships that are not on the allow-list:
				// reported with them (reportUnlisted).
				p.viaUnlisted = true
				j.remove(p, "", "")
				continue
			}
			j.remove(p, sanitize.ActRemovedPart, "not reachable from the package relationships")
		}
	}
}

// reach walks the kept internal relationships from the package and returns the parts
// they reach; withUnlisted follows the unlisted ones too.
func (j *job) reach(withUnlisted bool) map[string]bool {
	seen := map[string]bool{}
	queue := []string{""}
	for len(queue) > 0 {
		src := queue[0]
		queue = queue[1:]
		rp := j.relsOf[src]
		if rp == nil {
			continue
		}
		for _, r := range rp.rels {
			if r.external || r.drop && !(withUnlisted && r.unlisted) {
				continue
			}
			k := strings.ToLower(r.target)
			t := j.byKey[k]
			if t == nil || t.gone || seen[k] || t.rels != nil {
				continue
			}
			seen[k] = true
			queue = append(queue, k)
		}
	}
	return seen
}

// binaryParts removes what is neither XML nor an image the inner sanitizer accepted.
func (j *job) binaryParts() {
	for _, p := range j.parts {
		if p.gone || p.rels != nil || p.media != nil || xmlType(p.ctype) {
			continue
		}
		j.remove(p, sanitize.ActRemovedPart, "binary part that cannot be verified ("+p.ctype+")")
	}
}

// finalizeRels drops relationships whose internal target was removed (silently: the
// removal was reported on the part).
func (j *job) finalizeRels() {
	for _, rp := range j.relsOf {
		for _, r := range rp.rels {
			if r.drop || r.external {
				continue
			}
			if t := j.byKey[strings.ToLower(r.target)]; t != nil && t.gone {
				r.drop = true
			}
		}
	}
}

// deadIDs lists the relationship ids a part lost.
func (j *job) deadIDs(p *part) map[string]bool {
	rp := j.relsOf[p.key]
	if rp == nil {
		return nil
	}
	var dead map[string]bool
	for _, r := range rp.rels {
		if r.drop {
			if dead == nil {
				dead = map[string]bool{}
			}
			dead[r.ID] = true
		}
	}
	return dead
}

// retype switches a macro-enabled main part to its macro-free twin and reports it.
func (j *job) retype() map[string]string {
	mt := mainTypes[strings.ToLower(j.main.ctype)]
	if mt.cleanCT == "" {
		return nil
	}
	if _, ok := j.ct.byPart[j.main.key]; !ok {
		j.ct.overrides = append(j.ct.overrides, ctEntry{j.main.name, mt.cleanCT})
		j.ct.byPart[j.main.key] = mt.cleanCT
	}
	j.res.OutType = sanitize.OOXMLMIME(mt.clean)
	j.res.OutName = sanitize.ReplaceExt(j.in.Name, "."+mt.clean)
	j.res.Add(sanitize.ActRenamed, j.path(j.main.name), mt.name+" -> "+mt.clean)
	return map[string]string{j.main.key: mt.cleanCT}
}

func (j *job) write(w io.Writer, retype map[string]string) error {
	zo := newZipOut(w, j.b.Limits().MaxFileSize)
	var kept []string
	for _, p := range j.parts {
		if !p.gone {
			kept = append(kept, p.name)
		}
	}
	cw, err := zo.create("[Content_Types].xml")
	if err != nil {
		return err
	}
	if err := j.ct.write(cw, kept, retype); err != nil {
		return err
	}
	for _, p := range j.parts {
		if p.gone {
			continue
		}
		if err := j.ctx.Err(); err != nil {
			return err
		}
		if p.media != nil {
			if err := zo.media(p.name, p.ctype, j.mediaOut, p.media.off, p.media.n); err != nil {
				return err
			}
			continue
		}
		pw, err := zo.create(p.name)
		if err != nil {
			return err
		}
		switch {
		case p.rels != nil:
			err = p.rels.write(pw)
		case p.data == nil && pipelined(p.f.UncompressedSize64):
			aw := newAsyncWriter(pw)
			err = j.rewriteXML(aw, p)
			if cerr := aw.Close(); err == nil {
				err = cerr
			}
		default:
			err = j.rewriteXML(pw, p)
		}
		if err != nil {
			return err
		}
	}
	return zo.close()
}

// rewriteXML streams one XML part through the rules of its family.
func (j *job) rewriteXML(w io.Writer, p *part) error {
	var rc io.Reader
	if p.data != nil {
		rc = bytes.NewReader(p.data)
		defer func() { p.data = nil }()
	} else {
		prc, err := openPart(p.f, j.b, 0)
		if err != nil {
			return err
		}
		if pipelined(p.f.UncompressedSize64) {
			prc = newReadAhead(prc)
		}
		defer prc.Close()
		rc = prc
	}
	ru := &ooxmlRules{j: j, p: p, dead: j.deadIDs(p), elems: j.elems}
	ru.meta = &metaRules{strip: j.s.stripMeta, report: ru.report}
	switch strings.ToLower(p.ctype) {
	case ctCoreProps:
		ru.meta.kind = "core"
	case ctExtProps:
		ru.meta.kind = "app"
	}
	if p == j.main && j.fam == famExcel {
		ru.sheets = j.sheetMap
	}
	wr := newWriter(w, ru)
	var st stage = wr
	if j.fam == famWord {
		st = newFieldStage(wr, ru)
	}
	if err := readXML(j.ctx, rc, st); err != nil {
		return fmt.Errorf("%s: %w", p.name, err)
	}
	ru.meta.flush()
	return nil
}

// errRootSeen stops rootScan at the first element.
var errRootSeen = errors.New("root element seen")

// rootScan records the root element of a part.
type rootScan struct{ name xml.Name }

func (s *rootScan) push(t *tok) error {
	if t.kind == kStart {
		s.name = t.name
		return errRootSeen
	}
	return nil
}

func (s *rootScan) finish() error { return nil }

// unknownRoots removes the XML parts whose root element is of a namespace the family does
// not know: nothing in them is known to be inert, and dropping only their elements would
// leave an empty part.
//
// Reading a part to its root still inflates its first deflate block, which is all of a
// small part; the small ones are read whole and kept for the rewrite instead, within
// keepSmall, so that a typical package is inflated once.
func (j *job) unknownRoots() error {
	kept := int64(0)
	for _, p := range j.parts {
		if p.gone || p.rels != nil || p.media != nil {
			continue
		}
		var sc rootScan
		var err error
		if size := int64(p.f.UncompressedSize64); size <= keepSmallPart && kept+size <= keepSmall {
			if p.data, err = readPart(p.f, j.b, keepSmallPart); err != nil {
				return fmt.Errorf("%s: %w", p.name, err)
			}
			kept += int64(len(p.data))
			err = readXML(j.ctx, bytes.NewReader(p.data), &sc)
		} else {
			var rc io.ReadCloser
			if rc, err = openPart(p.f, j.b, 0); err != nil {
				return err
			}
			err = readXML(j.ctx, rc, &sc)
			rc.Close()
		}
		if err != nil && !errors.Is(err, errRootSeen) {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		if !knownOOXMLNS(sc.name.Space, p.ctype) {
			p.data = nil
			j.remove(p, sanitize.ActRemovedPart, "part of unknown namespace "+clip(sc.name.Space))
		}
	}
	return nil
}

// keepSmall bounds the bytes of small parts (each at most keepSmallPart) that unknownRoots
// keeps in memory between its look at a part's root and the part's rewrite.
const (
	keepSmall     = 2 << 20
	keepSmallPart = 64 << 10
)
