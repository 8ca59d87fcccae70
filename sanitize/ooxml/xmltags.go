package ooxml

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"sync/atomic"
)

// A part repeats a few dozen start tags thousands of times, byte for byte: <w:r>, <w:rPr>,
// <w:t xml:space="preserve">, <w:pStyle w:val="Normal"/>. Reading one again cost as much
// as the first time: its names read and interned, its values checked, its prefixes
// resolved and its attributes compared with each other. The scanner keeps recent tags with
// what it read from them, and the reader keeps with each the names it resolved and the
// generation of namespace bindings it resolved them under, so that a tag read before is
// recognised by its bytes.
//
// That is the same answer, not a guess: the scanner reads a tag from its bytes alone, so
// equal bytes read equally, and a prefix resolves to the same namespace while the
// bindings in scope are the same (a generation stands for one state of them: a new one
// with every part and every element that declares a namespace, the one before back when
// that element ends). Only tags the serializer writes back as read (canonical,
// see startElement: no references, nothing escaped, so the first '>' ends the tag) are
// kept, of at most maxCachedTag bytes, and none that declares a namespace.
//
// The rules judge each token as before, with one exception: when ooxmlRules.start kept a
// tag as read and nothing but the schema's lists concerned it (its element plain, no
// attribute removed, no metadata rule asked), the entry says so for its generation, and
// the tag's next readings in the part are kept without judging them again: the answer
// depends on the tag, the bindings and the part's rules alone.

const (
	tagCacheBits = 8
	tagCacheSize = 1 << tagCacheBits // direct-mapped
	maxCachedTag = 64                // bytes from '<' to '>'
	seenBits     = 10
	seenSize     = 1 << seenBits // tags met once, by hash
	tagProbe     = 1024
	tagIdleFor   = 15 * tagProbe
)

// tagEntry is a start tag as read and, when gen is the scanner's, as resolved.
type tagEntry struct {
	tag      []byte // the whole tag, '<' to '>'
	raw      xml.Name
	attrs    []xml.Attr
	src      int  // length of the tag without its closing '>' or "/>" (tok.src)
	empty    bool // closed by "/>"
	used     bool // hit since stored or since a miss spared it
	wlo, whi uint64
	wn       int
	gen      uint64 // the bindings' generation name and names were resolved under; 0: none
	name     xml.Name
	names    []xml.Name
	// kept is gen when ooxmlRules.start kept the tag as it is with no rule but the
	// schema's concerned (see there): the same part's rules give the same answer again.
	kept uint64
}

// tagCacheOff reads every tag in full: tests hold the cache to that.
var tagCacheOff atomic.Bool

// cachedStart reads the start tag at the start of b (b[0] is '<') from the cache. On a
// miss it notes the slot the tag may take once read (s.slotFor). The caller counts down
// s.tagIdle instead of calling it.
func (s *scanner) cachedStart(t *tok, b []byte) bool {
	s.slotFor = nil
	if tagCacheOff.Load() {
		return false
	}
	if s.tagLook++; s.tagLook == tagProbe {
		// Looking tags up pays only where hits save reading attributes or judging the
		// element (ooxmlRules.start): a sheet's cells never repeat, and its <v> and <f>
		// save next to nothing. Where few hits did over the last tagProbe start tags,
		// the next tagIdleFor are read without looking.
		if s.tagGain < tagProbe/8 {
			s.tagIdle = tagIdleFor
		}
		s.tagLook, s.tagGain = 0, 0
	}
	gt := bytes.IndexByte(b[:min(len(b), maxCachedTag)], '>')
	if gt < 0 {
		return false
	}
	tag := b[:gt+1]
	h := tagHash(b, gt+1)
	e := &s.tags[h>>(64-tagCacheBits)]
	if string(e.tag) != string(tag) {
		// A tag is kept the second time it is met, not the first (s.seen remembers it
		// met): a sheet's cells, each with its own reference, are never kept. A slot
		// whose tag was hit since the last miss is spared once more, so that a run of
		// tags repeated rarely does not evict one repeated often.
		if d := &s.seen[h>>(64-tagCacheBits-seenBits)&(seenSize-1)]; *d != uint32(h) {
			*d = uint32(h)
		} else if e.used {
			e.used = false
		} else {
			s.slotFor = e
		}
		return false
	}
	e.used = true
	if len(e.attrs) > 0 || e.kept == s.gen {
		s.tagGain++
	}
	// The token gets the entry's attributes themselves: nothing writes into a token's
	// attributes in place (removeAttr and setAttr copy them), and a stage that keeps a
	// token copies it (tok.copyTo).
	t.kind, t.raw, t.rawAttr, t.src = kStart, e.raw, e.attrs[:len(e.attrs):len(e.attrs)], b[:e.src:e.src]
	s.wlo, s.whi, s.wn = e.wlo, e.whi, e.wn
	s.pos += len(e.tag)
	if e.empty {
		s.endTag, s.endName = true, e.raw
	}
	s.hit = e
	return true
}

// newGen starts a generation of namespace bindings: a part's, or an element's that
// declares some. The reader gives the one before back when the element ends, with the
// bindings it had: a drawing that declares its namespaces does not make every tag after
// it read and judged again.
func (s *scanner) newGen() {
	s.gens++
	s.gen = s.gens
}

// tagHash hashes the tag b[:n] (b holds at least n bytes) from its words: a general-purpose
// hash of a few dozen bytes cost more than the rest of a hit.
func tagHash(b []byte, n int) uint64 {
	var h uint64
	switch {
	case n >= 8:
		for i := 0; i+8 <= n; i += 8 {
			h = (h ^ binary.LittleEndian.Uint64(b[i:])) * 0xff51afd7ed558ccd
		}
		h ^= binary.LittleEndian.Uint64(b[n-8:]) // the last word, overlapping or not
	case len(b) >= 8:
		h = binary.LittleEndian.Uint64(b) & (1<<(8*n) - 1)
	default:
		for i := range n {
			h |= uint64(b[i]) << (8 * i)
		}
	}
	h = (h ^ uint64(n)) * 0xc4ceb9fe1a85ec53
	// A product's low bits depend only on the factors' low bits: fold the high half in,
	// or the fingerprint (the low word) would not see most of the tag.
	return h ^ h>>32
}

// storeStart keeps the start tag just read, b[:n] (src bytes before its '>' or "/>"),
// in the slot cachedStart noted (s.slotFor, not nil), when it may be kept.
func (s *scanner) storeStart(b []byte, n, src int, name xml.Name, empty bool) {
	e := s.slotFor
	if n > maxCachedTag {
		return
	}
	for _, a := range s.attrs {
		if a.Name.Space == "xmlns" || a.Name.Space == "" && a.Name.Local == "xmlns" {
			return
		}
	}
	e.tag = append(e.tag[:0], b[:n]...)
	e.raw, e.attrs, e.src, e.empty = name, append(e.attrs[:0], s.attrs...), src, empty
	e.wlo, e.whi, e.wn = s.wlo, s.whi, s.wn
	e.gen, e.kept, e.used = 0, 0, false
	s.hit = e
}
