package text

import "golang.org/x/net/html/atom"

// The list of active formatting elements, after the HTML parsing algorithm. Browsers
// remember formatting elements (b, i, font, a...) that were closed implicitly and reopen
// them before the next text: in "<p><b hidden>x</p>y" the y is hidden, inside a
// reconstructed <b hidden>. A converter that forgets this shows text a reader never sees.
// Only the hidden flag of a clone matters here, so elements are equal when their name and
// flag are.

// activeEntry is one remembered formatting element, or a marker (td, th, caption,
// template, applet, object, marquee open one; closing them forgets back to it).
type activeEntry struct {
	marker   bool
	id       int
	name     string
	a        atom.Atom
	suppress bool
}

var markerTags = set(atom.Td, atom.Th, atom.Caption, atom.Template, atom.Applet, atom.Object, atom.Marquee)

// reconstructTags are the start tags before which the parser reconstructs formatting
// elements (besides every non-special element).
var reconstructTags = set(atom.Applet, atom.Marquee, atom.Object, atom.Area, atom.Br, atom.Embed,
	atom.Img, atom.Keygen, atom.Wbr, atom.Input, atom.Select, atom.Button, atom.Math, atom.Svg)

// noteOpened records a pushed element in the active list.
func (c *converter) noteOpened(e elem) {
	switch {
	case e.f.has(iFormatting):
		// "Noah's Ark": at most three identical entries after the last marker.
		same, first := 0, -1
		for i := len(c.active) - 1; i >= 0 && !c.active[i].marker; i-- {
			if x := c.active[i]; x.name == e.name && x.suppress == e.suppress {
				same++
				first = i
			}
		}
		if same >= 3 {
			c.active = append(c.active[:first], c.active[first+1:]...)
		}
		c.active = append(c.active, activeEntry{id: e.id, name: e.name, a: e.a, suppress: e.suppress})
	case e.f.has(iMarker):
		c.active = append(c.active, activeEntry{marker: true})
	}
}

// noteClosed forgets back to the last marker when a marker element closes.
func (c *converter) noteClosed(e elem) {
	if !e.f.has(iMarker) {
		return
	}
	for len(c.active) > 0 {
		x := c.active[len(c.active)-1]
		c.active = c.active[:len(c.active)-1]
		if x.marker {
			return
		}
	}
}

// reconstruct reopens remembered formatting elements that are no longer open.
func (c *converter) reconstruct() {
	n := len(c.active)
	if n == 0 {
		return
	}
	if last := c.active[n-1]; last.marker || c.isOpen[last.id] {
		return
	}
	i := n - 1
	for i > 0 && !c.active[i-1].marker && !c.isOpen[c.active[i-1].id] {
		i--
	}
	for ; i < n; i++ {
		x := c.active[i]
		e := elem{f: info(x.a), name: x.name, a: x.a, suppress: x.suppress, indent: c.out.indent}
		if !c.pushElem(&e, false) {
			// Past MaxDepth: a hidden clone hides the rest of the deepest element.
			if x.suppress {
				c.suppressTop()
			}
			c.active[i].id = -1
			continue
		}
		c.active[i].id = e.id
	}
}

// activeIndex finds the entry for an end tag's name after the last marker, or -1.
func (c *converter) activeIndex(name string) int {
	for i := len(c.active) - 1; i >= 0 && !c.active[i].marker; i-- {
		if c.active[i].name == name {
			return i
		}
	}
	return -1
}

// endFormatting closes a formatting element the way the adoption agency algorithm
// leaves the tree. When special elements (the "furthest block") are open inside it, the
// algorithm moves the formatting element (as a clone with the same attributes) inside the
// first of them and tries again, at most eight times: so "<i hidden><div>x</i>y" shows y,
// but with more than eight blocks open inside, the hidden clone stays open and active. It
// reports false when the end tag is not for an active element.
func (c *converter) endFormatting(name string) bool {
	for round := 0; round < 8; round++ {
		ai := c.activeIndex(name)
		if ai < 0 {
			return round > 0
		}
		id := c.active[ai].id
		si := -1
		for i := len(c.stack) - 1; i >= 0; i-- {
			if c.stack[i].id == id {
				si = i
				break
			}
			if c.stack[i].f.has(iDefaultScope) {
				return true // not in scope: a browser ignores the end tag
			}
		}
		if si < 0 {
			c.active = append(c.active[:ai], c.active[ai+1:]...)
			return true
		}
		fb := -1
		for j := si + 1; j < len(c.stack); j++ {
			if c.stack[j].f.has(iSpecial) {
				fb = j
				break
			}
		}
		if fb < 0 {
			c.active = append(c.active[:ai], c.active[ai+1:]...)
			c.popTo(si)
			return true
		}
		// Move the element from si to just inside the furthest block.
		e := c.stack[si]
		copy(c.stack[si:fb], c.stack[si+1:fb+1])
		c.stack[fb] = e
	}
	return true
}
