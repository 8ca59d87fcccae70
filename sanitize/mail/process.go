package mail

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/sekisho/sekisho/sanitize"
)

// job is the state of one Sanitize call: what the walk produced for the new message.
type job struct {
	w          *walker
	s          *Sanitizer
	ctx        context.Context
	res        *sanitize.Result
	texts      []string      // body segments, in order
	atts       []*attachment // re-attached, sanitized parts
	entries    []entry       // notice lines
	nAtt       int
	nBody      int
	spools     []*sanitize.Spool
	charsets   []string          // source charset of each body segment
	outCharset string            // the charset the message is written in
	origin     *sanitize.Origin  // copied to every part, for the Holder
	holds      []holdCause       // why the original must be held, if it must
	shown      map[string]string // file name → as sent, with its invisible characters
}

// attachment is one sanitized part to re-attach.
type attachment struct {
	name  string
	ctype string
	body  sanitize.Blob
}

func (j *job) newSpool() *sanitize.Spool {
	sp := sanitize.NewSpool(sanitize.SpoolOptions{Dir: j.s.o.TempDir, Threshold: spoolThreshold, Max: j.w.b.Limits().MaxFileSize})
	j.spools = append(j.spools, sp)
	return sp
}

func (j *job) close() {
	for _, sp := range j.spools {
		sp.Remove()
	}
}

// process handles one entity of the tree.
func (j *job) process(p *part) error {
	if err := j.ctx.Err(); err != nil {
		return err
	}
	if p.multipart {
		return j.multipart(p)
	}
	return j.leaf(p)
}

func (j *job) multipart(p *part) error {
	switch p.ctype.value {
	case "multipart/alternative":
		return j.alternative(p)
	case "multipart/related":
		return j.related(p)
	case "multipart/signed":
		// RFC 1847: the first part is the content, the second the signature over it. The
		// content is rebuilt like any other, so the signature could not verify any more.
		if len(p.children) == 0 {
			return nil
		}
		if err := j.process(p.children[0]); err != nil {
			return err
		}
		for _, c := range p.children[1:] {
			j.drop(c, dropSignature)
		}
		return nil
	case "multipart/encrypted":
		return j.encrypted(p, "PGP/MIME")
	}
	for _, c := range p.children {
		if err := j.process(c); err != nil {
			return err
		}
	}
	return nil
}

// alternative collapses multipart/alternative to one text: the text/plain alternative
// when it is not trivially empty, else the HTML one. A calendar alternative is added as
// text, since the plain alternative of an invitation rarely carries the times.
func (j *job) alternative(p *part) error {
	var plain, rich, cal *part
	for _, c := range p.children {
		switch {
		case isBodyText(c) && c.ctype.value == "text/plain" && plain == nil:
			plain = c
		case isBodyText(c) && c.ctype.value == "text/html", c.multipart && containsHTML(c):
			rich = c
		case c.ctype.value == "text/calendar" && cal == nil:
			cal = c
		}
	}
	var chosen *part
	if plain != nil {
		t, err := j.bodyText(plain)
		if err != nil {
			return err
		}
		if strings.TrimSpace(t.text) != "" || rich == nil {
			chosen = plain
			j.addText(t)
		}
	}
	if chosen == nil && rich != nil {
		chosen = rich
		if err := j.process(rich); err != nil {
			return err
		}
	}
	if chosen == nil && len(p.children) > 0 {
		chosen = p.children[len(p.children)-1]
		if err := j.process(chosen); err != nil {
			return err
		}
	}
	for _, c := range p.children {
		switch {
		case c == chosen:
		case c == cal:
			if err := j.process(c); err != nil {
				return err
			}
		case c == plain:
			j.res.Add(sanitize.ActRemovedPart, j.bodyPath("plain"), "empty text/plain alternative dropped (HTML converted instead)")
		default:
			j.dropAlternative(c)
		}
	}
	return nil
}

// dropAlternative reports an alternative that is not delivered, and the inline images of
// a related group inside it.
func (j *job) dropAlternative(c *part) {
	if c.multipart {
		for _, cc := range c.children {
			j.dropAlternative(cc)
		}
		return
	}
	switch {
	case c.ctype.value == "text/html":
		j.res.Add(sanitize.ActRemovedPart, j.bodyPath("html"), "HTML alternative dropped (text/plain kept)")
		j.entries = append(j.entries, bodyEntry("本文 (HTML)", "body (HTML)", "text/html",
			"HTML 版を削除しました (テキスト版を表示しています)", "HTML version removed (the plain-text version is shown)"))
	case strings.HasPrefix(c.ctype.value, "image/"):
		j.drop(c, dropInlineImage)
	default:
		j.drop(c, dropAlternative)
	}
}

// related delivers the root of multipart/related; the other parts are resources of an
// HTML body (inline images), dropped and listed, except what is not an image, which is
// handled like any attachment.
func (j *job) related(p *part) error {
	if len(p.children) == 0 {
		return nil
	}
	root := p.children[0]
	if start := strings.Trim(p.ctype.params["start"], "<> "); start != "" {
		for _, c := range p.children {
			if strings.Trim(string(c.hdr.get("Content-Id")), "<> ") == start {
				root = c
			}
		}
	}
	if err := j.process(root); err != nil {
		return err
	}
	for _, c := range p.children {
		if c == root {
			continue
		}
		// Outlook names its inline images (inline; filename=image001.png): only an explicit
		// attachment disposition makes an image of a related group a file.
		if strings.HasPrefix(c.ctype.value, "image/") && c.disp.value != "attachment" {
			j.drop(c, dropInlineImage)
			continue
		}
		if err := j.process(c); err != nil {
			return err
		}
	}
	return nil
}

func (j *job) attPath(name string) string {
	p := sanitize.JoinPath(j.w.path, fmt.Sprintf("attachment[%d]", j.nAtt))
	if name != "" {
		p = sanitize.JoinPath(p, pathSafe(name))
	}
	return p
}

func (j *job) bodyPath(kind string) string {
	b := "body"
	if j.nBody > 1 {
		b = fmt.Sprintf("body[%d]", j.nBody)
	}
	return sanitize.JoinPath(sanitize.JoinPath(j.w.path, b), kind)
}

// pathSafe keeps a name readable in an action path without letting it add levels.
func pathSafe(name string) string {
	return strings.NewReplacer("/", "_", "\\", "_").Replace(name)
}

func containsHTML(p *part) bool {
	for _, c := range p.children {
		if isBodyText(c) && c.ctype.value == "text/html" || c.multipart && containsHTML(c) {
			return true
		}
	}
	return false
}

// isAttachmentDisp reports an explicit attachment disposition or a file name.
func isAttachmentDisp(p *part) bool {
	return p.disp.value == "attachment" || p.name != ""
}

// isBodyText reports a text part shown as the message body rather than a file.
func isBodyText(p *part) bool {
	if p.multipart || isAttachmentDisp(p) {
		return false
	}
	switch p.ctype.value {
	case "text/plain", "text/html":
		return true
	}
	return false
}

// convertible lists inline text types converted to readable text.
var convertible = map[string]string{
	"text/calendar":                           "calendar",
	"text/enriched":                           "enriched",
	"text/richtext":                           "enriched",
	"text/vcard":                              "vcard",
	"text/x-vcard":                            "vcard",
	"text/directory":                          "vcard",
	"message/delivery-status":                 "report",
	"message/disposition-notification":        "report",
	"message/global-delivery-status":          "report",
	"text/rfc822-headers":                     "report",
	"message/global-headers":                  "report",
	"message/global-disposition-notification": "report",
}

func (j *job) leaf(p *part) error {
	if p.shown != "" {
		if j.shown == nil {
			j.shown = map[string]string{}
		}
		j.shown[p.name] = p.shown
	}
	switch {
	case isPKCS7Mime(p):
		return j.smime(p)
	case isSignature(p):
		j.drop(p, dropSignature)
		return nil
	case p.ctype.value == "application/ms-tnef" || strings.EqualFold(p.name, "winmail.dat"):
		return j.tnef(p)
	case p.ctype.value == "message/rfc822" || p.ctype.value == "message/global" || extOf(p.name) == ".eml":
		return j.nested(p)
	case p.ctype.value == "message/partial" || p.ctype.value == "message/external-body":
		return j.opaque(p, "fragmented or external message bodies cannot be checked")
	case isBodyText(p):
		t, err := j.bodyText(p)
		if err != nil {
			return err
		}
		j.addText(t)
		return nil
	case convertible[p.ctype.value] != "" && !isAttachmentDisp(p):
		return j.convertText(p, convertible[p.ctype.value])
	}
	return j.attachPart(p)
}

// attachPart decodes a part and sends it through the engine.
func (j *job) attachPart(p *part) error {
	var notes textNotes
	sp, err := j.w.spoolPart(p, &notes)
	if errors.Is(err, errUnknownCTE) {
		return j.opaque(p, err.Error())
	}
	if err != nil {
		return err
	}
	defer sp.Remove()
	j.w.notes(p, "body", notes)
	return j.sendInner(sp, p.name, p.ctype.value, p.names...)
}

// opaque quarantines a part we cannot decode: its raw bytes go to the Holder.
func (j *job) opaque(p *part, reason string) error {
	j.nAtt++
	item := &sanitize.Item{Body: io.NewSectionReader(j.w.blob, p.start, p.size()), Path: j.attPath(p.name), Name: p.name, DeclaredType: p.ctype.value, Origin: j.origin}
	r := sanitize.Result{Verdict: sanitize.Quarantined, Reason: reason, Detected: sanitize.Unknown}
	r.Add(sanitize.ActQuarantined, item.Path, reason)
	return j.record(item, r, nil)
}

// sendInner runs one decoded part through the inner Sanitizer (the engine) with a nested
// budget and records the outcome. others are the part's other names (name= beside
// filename=, differing duplicates): a name that would be blocked blocks the part whichever
// name the recipient's client shows.
func (j *job) sendInner(body sanitize.Blob, name, declType string, others ...string) error {
	j.nAtt++
	item := &sanitize.Item{Body: body, Path: j.attPath(name), Name: name, DeclaredType: declType, Origin: j.origin}
	var r sanitize.Result
	nb, err := j.w.b.Nest()
	blocked := ""
	for _, o := range others {
		if why := sanitize.BlockedName(o, ""); why != "" && blocked == "" {
			blocked = fmt.Sprintf("the part is also named %q: %s", o, why)
		}
	}
	switch {
	case blocked != "":
		item.Detected = sanitize.Detect(body)
		r = refusal(item, sanitize.Blocked, blocked)
	case err != nil:
		r = refusal(item, sanitize.Quarantined, err.Error())
	case j.s.o.Inner == nil:
		r = refusal(item, sanitize.Quarantined, "no inner sanitizer configured")
	default:
		out := j.newSpool()
		r, err = j.s.o.Inner.Sanitize(j.ctx, item, sanitize.ItemSpool{Spool: out}, nb)
		if err != nil {
			return err
		}
		if r.Verdict == "" {
			r.Verdict = sanitize.Clean
			if len(r.Actions) > 0 {
				r.Verdict = sanitize.Sanitized
			}
		}
		return j.record(item, r, out)
	}
	return j.record(item, r, nil)
}

func refusal(item *sanitize.Item, v sanitize.Verdict, reason string) sanitize.Result {
	r := sanitize.Result{Verdict: v, Reason: reason, Detected: item.Detected}
	kind := sanitize.ActQuarantined
	if v == sanitize.Blocked {
		kind = sanitize.ActBlocked
	}
	r.Add(kind, item.Path, reason)
	return r
}

// nested sends a message/rfc822 part through the engine, which hands it back to this
// package with a nested budget, then attaches or flattens the sanitized message.
func (j *job) nested(p *part) error {
	var notes textNotes
	sp, err := j.w.spoolPart(p, &notes)
	if err != nil {
		return err
	}
	defer sp.Remove()
	name := p.name
	if name == "" {
		name = "forwarded.eml"
	}
	before := len(j.atts)
	if sanitize.Detect(sp).Class == sanitize.ClassMessage {
		err = j.sendInner(sp, name, "message/rfc822", p.names...)
	} else {
		err = j.sendSelf(sp, name)
	}
	if err != nil {
		return err
	}
	if j.s.o.NestedMessages != "flatten" || len(j.atts) == before {
		return nil
	}
	a := j.atts[len(j.atts)-1]
	if !strings.HasPrefix(a.ctype, "message/") {
		return nil
	}
	j.atts = j.atts[:len(j.atts)-1]
	return j.flatten(a)
}

// sendSelf sanitizes a declared message/rfc822 part that the content sniffer does not
// recognize as mail (its first header is not one of mimetype's hints): the engine would
// treat it as plain text and let its encoded attachments through as text, so this
// package handles it itself, one level deeper, as the engine would have.
func (j *job) sendSelf(body sanitize.Blob, name string) error {
	j.nAtt++
	item := &sanitize.Item{Body: body, Path: j.attPath(name), Name: name, DeclaredType: "message/rfc822",
		Detected: sanitize.Type{Name: "eml", Class: sanitize.ClassMessage, MIME: "message/rfc822", Ext: ".eml"}, Origin: j.origin}
	nb, err := j.w.b.Nest()
	if err != nil {
		return j.record(item, refusal(item, sanitize.Quarantined, err.Error()), nil)
	}
	out := j.newSpool()
	r, err := j.s.Sanitize(j.ctx, item, out, nb)
	if err != nil {
		return j.record(item, refusal(item, sanitize.Quarantined, err.Error()), nil)
	}
	r.Detected = item.Detected
	return j.record(item, r, out)
}

func extOf(name string) string { return strings.ToLower(path.Ext(name)) }
