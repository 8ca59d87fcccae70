package mail

import (
	"fmt"
	"strings"

	"github.com/sekisho/sekisho/sanitize"
)

// Parts dropped without going through the engine, and what the notice says of them.
type dropKind int

const (
	dropSignature dropKind = iota
	dropInlineImage
	dropAlternative
)

var dropWords = map[dropKind]struct{ what, nameJA, typeJA, actJA, actEN, whyJA, whyEN string }{
	dropSignature: {"signature", "電子署名", "電子署名", "削除しました", "removed",
		"メールを作り直したため、署名を付けたままにはできません", "the message was rebuilt, so the signature could not be kept"},
	dropInlineImage: {"inline image", "本文中の画像", "画像", "削除しました", "removed",
		"本文に埋め込まれた画像は届けません", "images embedded in the body are not delivered"},
	dropAlternative: {"alternative", "別の表示形式の本文", "本文", "削除しました", "removed",
		"テキスト版の本文を表示しています", "the plain-text version is shown"},
}

// drop removes a part without sanitizing it and lists it in the notice.
func (j *job) drop(c *part, k dropKind) {
	w := dropWords[k]
	j.nAtt++
	name := c.name
	if name == "" {
		name = w.what
	}
	j.res.Add(sanitize.ActRemovedPart, j.attPath(name), w.actEN+": "+w.whyEN)
	e := fileEntry(c.name, w.typeJA, c.ctype.value)
	if c.name == "" {
		e = bodyEntry(w.nameJA, w.what, c.ctype.value, "", "")
	}
	e.ActionJA, e.ActionEN, e.ReasonJA, e.ReasonEN, e.Reason = w.actJA, w.actEN, w.whyJA, w.whyEN, w.whyEN
	j.entries = append(j.entries, e)
	if k == dropSignature {
		j.res.Note("the message was signed; the signature was removed because the message was rebuilt")
	}
}

// bodyEntry is a notice line about the body rather than a file.
func bodyEntry(nameJA, nameEN, typ, actJA, actEN string) entry {
	return entry{Name: nameJA + " / " + nameEN, NameJA: nameJA, NameEN: nameEN, Type: typ, ActionJA: actJA, ActionEN: actEN}
}

// fileEntry is a notice line about a file, its name shown with invisible characters marked.
func fileEntry(name, typeJA, typ string) entry {
	n := visibleName(name)
	if name == "" {
		n = "(名前なし / unnamed)"
		return entry{Name: n, NameJA: "(名前なし)", NameEN: "(unnamed)", Type: typ, TypeJA: typeJA, TypeEN: typ}
	}
	return entry{Name: n, NameJA: n, NameEN: n, Type: typ, TypeJA: typeJA, TypeEN: typ}
}

// record merges a part's result, re-attaches its output or holds the original, and adds
// its notice line.
func (j *job) record(item *sanitize.Item, r sanitize.Result, out *sanitize.Spool) error {
	j.res.Merge(r)
	tja, ten := typeWords(r.Detected, item.DeclaredType)
	shown := item.Name
	if raw, ok := j.shown[item.Name]; ok {
		shown = raw
	}
	e := fileEntry(shown, tja, ten)
	e.Reason = r.Reason
	switch r.Verdict {
	case sanitize.Clean, sanitize.Sanitized:
		name := item.Name
		if r.OutName != "" {
			name = r.OutName
		}
		ctype := r.OutType
		if ctype == "" {
			ctype = r.Detected.MIME
		}
		if ctype == "" || ctype == "application/x-empty" {
			ctype = "application/octet-stream"
		}
		if name == "" {
			name = "attachment" + sanitize.OutputExt(r.Detected, r)
		}
		j.atts = append(j.atts, &attachment{name: name, ctype: ctype, body: out})
		e.ActionJA, e.ActionEN, e.quiet = sanitizedAction(r)
		if r.OutName != "" && r.OutName != item.Name {
			e.ActionJA += "。名前を「" + visibleName(r.OutName) + "」に変えました"
			e.ActionEN += "; renamed " + visibleName(r.OutName)
			e.quiet = false
		}
		e.Reason = strings.Join(actionKinds(r), ", ")
	case sanitize.Quarantined:
		e.ReasonJA, e.ReasonEN = reasonText(r)
		e.Held = true
		if j.s.o.Holder == nil {
			e.ActionJA, e.ActionEN = "保管の対象です (この処理では保管していません)", "to be held (this offline run stores nothing)"
			break
		}
		id, err := j.s.o.Holder.Hold(j.ctx, item, r)
		if err != nil {
			return fmt.Errorf("quarantine %s: %w", item.Path, err)
		}
		e.QID = id
		e.ActionJA, e.ActionEN = "保管しました", "held in quarantine"
		if j.s.o.ReleaseURL != nil {
			e.ReleaseURL = j.s.o.ReleaseURL(id)
		}
		if j.s.o.PPAPURL != nil && ppapOpens(r) {
			e.PPAPURL = j.s.o.PPAPURL(id)
		}
	default:
		e.ActionJA, e.ActionEN = "削除しました", "removed"
		e.ReasonJA, e.ReasonEN = reasonText(r)
	}
	e.Parts, e.More = innerParts(item.Path, r)
	if n := len(e.Parts) + e.More; n > 0 && r.Verdict.HasOutput() {
		ja, en := fmt.Sprintf("中のファイル %d 件を削除しました", n), fmt.Sprintf("%d files inside removed", n)
		if e.ActionEN == "rebuilt" {
			e.ActionJA, e.ActionEN = ja, en
		} else {
			e.ActionJA, e.ActionEN = e.ActionJA+"。"+ja, e.ActionEN+"; "+en
		}
	}
	j.entries = append(j.entries, e)
	return nil
}

// ppapOpens reports whether r is a zip or PDF held because it is encrypted: the portal's
// password page opens those two kinds. The families refuse them with sanitize.ErrEncrypted,
// whose word the reason carries; the portal decides the same way from the held record.
func ppapOpens(r sanitize.Result) bool {
	switch r.Detected.Name {
	case "zip", "pdf":
		return strings.Contains(strings.ToLower(r.Reason), sanitize.ErrEncrypted.Error())
	}
	return false
}

// innerParts lists the files inside an attachment (archive entries) that were removed or
// held, by their names inside it. A forwarded message lists its own in its own notice.
func innerParts(path string, r sanitize.Result) ([]partEntry, int) {
	if r.Detected.Class == sanitize.ClassMessage {
		return nil, 0
	}
	var out []partEntry
	more := 0
	for _, a := range r.Actions {
		rest, ok := strings.CutPrefix(a.Path, path+"/")
		if !ok || rest == "" {
			continue
		}
		var ja, en string
		switch a.Kind {
		case sanitize.ActBlocked, sanitize.ActStripped, sanitize.ActRemovedPart:
			ja, en = "削除しました", "removed"
		case sanitize.ActQuarantined:
			ja, en = "取り除きました", "taken out"
		default:
			continue
		}
		if len(out) == maxNoticeParts {
			more++
			continue
		}
		v := sanitize.Quarantined
		if a.Kind == sanitize.ActBlocked {
			v = sanitize.Blocked
		}
		rja, ren := reasonText(sanitize.Result{Verdict: v, Reason: a.Detail})
		out = append(out, partEntry{Name: visibleName(rest), ActionJA: ja, ActionEN: en, ReasonJA: rja, ReasonEN: ren})
	}
	return out, more
}

func typeName(t sanitize.Type, declared string) string {
	if t.Name != "" && t.Name != "unknown" {
		return t.Name
	}
	if t.MIME != "" {
		return t.MIME
	}
	return declared
}

// actionKinds lists the distinct kinds of a result's actions, in order.
func actionKinds(r sanitize.Result) []string {
	seen := map[sanitize.ActionKind]bool{}
	var out []string
	for _, a := range r.Actions {
		if !seen[a.Kind] {
			out = append(out, string(a.Kind))
		}
		seen[a.Kind] = true
	}
	return out
}

// sanitizedAction words what happened to a delivered attachment; quiet when nothing did.
func sanitizedAction(r sanitize.Result) (ja, en string, quiet bool) {
	kinds := map[sanitize.ActionKind]bool{}
	for _, a := range r.Actions {
		kinds[a.Kind] = true
	}
	rja, ren := removedList(r)
	switch {
	case r.Verdict == sanitize.Clean || len(r.Actions) == 0:
		return "問題は見つかりませんでした", "no active content found", true
	case kinds[sanitize.ActRasterized]:
		return "画像に変換しました", "converted to images", false
	case kinds[sanitize.ActConvertedToText]:
		return "テキストに変換しました", "converted to text", false
	case onlyKinds(kinds, sanitize.ActNormalizedNewlines, sanitize.ActNormalizedCharset):
		return "文字コードと改行を統一しました", "character set and line endings normalized", false
	case rja != "":
		return rja + "を取り除きました", ren + " removed", false
	}
	return "作り直しました", "rebuilt", false
}

// onlyKinds reports whether every kind seen is one of allowed.
func onlyKinds(seen map[sanitize.ActionKind]bool, allowed ...sanitize.ActionKind) bool {
	for k := range seen {
		ok := false
		for _, a := range allowed {
			ok = ok || k == a
		}
		if !ok {
			return false
		}
	}
	return true
}
