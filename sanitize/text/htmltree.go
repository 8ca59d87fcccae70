package text

import "golang.org/x/net/html/atom"

// The parts of the HTML tree construction algorithm the converter follows: which open
// elements a start or end tag closes, and what a table implies. Getting these wrong in the
// direction of closing too much is how hidden text leaks, so each follows the parser's
// rule, or errs towards keeping elements open.

// tableContext does what the parser does before a table part opens inside a table
// (outside a cell): it clears the stack back to the table, section or row, closing the
// elements that were foster-parented there (a <pre hidden> written between rows closes at
// the next <tr>), and opens the <tbody> and <tr> a browser implies, so a later </tbody> or
// </tr> closes what it closes in the browser.
func (c *converter) tableContext(a atom.Atom, fl tagInfo) {
	if !fl.has(iTablePart) {
		return
	}
	ti := c.find(atom.Table)
	if ti < 0 {
		return
	}
	sec, tr := -1, -1
	for i := ti + 1; i < len(c.stack); i++ {
		switch c.stack[i].a {
		case atom.Td, atom.Th, atom.Caption:
			return // inside a cell: autoClose did what the cell rules do
		case atom.Tbody, atom.Thead, atom.Tfoot:
			sec, tr = i, -1
		case atom.Tr:
			tr = i
		}
	}
	switch a {
	case atom.Td, atom.Th:
		switch {
		case tr >= 0:
			c.popTo(tr + 1)
		case sec >= 0:
			c.popTo(sec + 1)
			c.openImplied(atom.Tr)
		default:
			c.popTo(ti + 1)
			c.openImplied(atom.Tbody)
			c.openImplied(atom.Tr)
		}
	case atom.Tr:
		if sec >= 0 {
			c.popTo(sec + 1)
		} else {
			c.popTo(ti + 1)
			c.openImplied(atom.Tbody)
		}
	default:
		c.popTo(ti + 1)
	}
}

func (c *converter) openImplied(a atom.Atom) {
	e := elem{f: info(a), name: a.String(), a: a, indent: c.out.indent}
	if c.pushElem(&e, true) && !c.hidden() {
		c.startEffects(&c.stack[len(c.stack)-1], attrs{})
	}
}

// autoClose applies the implied end tags of the HTML parsing algorithm that matter for
// layout and for hiding: a new paragraph-level element closes an open <p> (so a hidden
// <p> does not swallow the next one), list items, table cells and rows close their open
// siblings, and a link closes an open link.
func (c *converter) autoClose(a atom.Atom, fl tagInfo) {
	switch {
	case a == atom.Li:
		c.closeItem(atom.Li)
	case a == atom.Dt || a == atom.Dd:
		c.closeItem(atom.Dt, atom.Dd)
	case a == atom.Td || a == atom.Th:
		c.closeOpen([]atom.Atom{atom.Td, atom.Th}, atom.Tr, atom.Table)
	case a == atom.Tr:
		// Closing the open row closes its cells with it; the stack does not grow per row.
		c.closeOpen([]atom.Atom{atom.Tr}, atom.Table, atom.Tbody, atom.Thead, atom.Tfoot)
	case a == atom.Tbody || a == atom.Thead || a == atom.Tfoot:
		c.closeOpen([]atom.Atom{atom.Tr}, atom.Table, atom.Tbody, atom.Thead, atom.Tfoot)
		c.closeOpen([]atom.Atom{atom.Tbody, atom.Thead, atom.Tfoot}, atom.Table)
	case a == atom.A:
		// An open link closes as if by </a> (adoption agency), and is forgotten.
		c.endFormatting("a")
	case a == atom.Table:
		// A table cannot hold a table outside a cell: the new one closes the old one.
		for i := len(c.stack) - 1; i >= 0; i-- {
			if x := c.stack[i].a; x == atom.Td || x == atom.Th || x == atom.Caption {
				break
			} else if x == atom.Table {
				c.popTo(i)
				break
			}
		}
	case a == atom.Option || a == atom.Optgroup:
		c.closeOpen([]atom.Atom{atom.Option}, atom.Select)
	}
	if fl.has(iClosesP) {
		c.closeP()
	}
	if isHeading(a) {
		if n := len(c.stack); n > 0 && isHeading(c.stack[n-1].a) {
			c.popTo(n - 1)
		}
	}
}

// closeItem closes an open list item (li, or dt/dd) for a new one, as the parser does:
// the search stops at any special element other than address, div and p, so an item
// inside a <blockquote hidden> never closes the blockquote.
func (c *converter) closeItem(names ...atom.Atom) {
	for i := len(c.stack) - 1; i >= 0; i-- {
		e := &c.stack[i]
		if in(e.a, names...) {
			c.popTo(i)
			return
		}
		if e.f.has(iSpecial) && e.a != atom.Address && e.a != atom.Div && e.a != atom.P {
			return
		}
	}
}

// closeP closes an open <p> in button scope.
func (c *converter) closeP() {
	for i := len(c.stack) - 1; i >= 0; i-- {
		e := &c.stack[i]
		if e.a == atom.P {
			c.popTo(i)
			return
		}
		if e.f.has(iButtonScope) {
			return
		}
	}
}

// closeOpen pops the nearest open element in names, unless an element in stop is nearer.
func (c *converter) closeOpen(names []atom.Atom, stop ...atom.Atom) {
	for i := len(c.stack) - 1; i >= 0; i-- {
		a := c.stack[i].a
		if in(a, names...) {
			c.popTo(i)
			return
		}
		if in(a, stop...) {
			return
		}
	}
}

// find returns the index of the nearest open element a, or -1.
func (c *converter) find(a atom.Atom) int {
	for i := len(c.stack) - 1; i >= 0; i-- {
		if c.stack[i].a == a {
			return i
		}
	}
	return -1
}

// findBefore returns the index of the nearest open element a, or -1 when an element in
// stop is nearer.
func (c *converter) findBefore(a atom.Atom, stop ...atom.Atom) int {
	for i := len(c.stack) - 1; i >= 0; i-- {
		if c.stack[i].a == a {
			return i
		}
		if in(c.stack[i].a, stop...) {
			return -1
		}
	}
	return -1
}

// endTarget finds the open element an end tag closes, or -1 when a browser would ignore
// the end tag. Closing too much is how hidden text leaks ("<span hidden><div></span>x":
// the </span> is ignored and x stays hidden), so this follows the HTML parsing rules:
//   - a formatting element (b, i, a, font...) closes the nearest one of its name within
//     scope, an approximation of the adoption agency algorithm;
//   - a special element (div, p, li...) closes likewise only within its scope: not
//     across a table, cell, caption or template boundary (nor a list, for li); table
//     parts close within the table, across open cells;
//   - any other element (span, unknown names) closes only if no special element is
//     open above it.
func (c *converter) endTarget(a atom.Atom, name string) int {
	fl := info(a)
	formatting, special := fl.has(iFormatting), fl.has(iSpecial)
	for i := len(c.stack) - 1; i >= 0; i-- {
		e := c.stack[i]
		if e.name == name {
			return i
		}
		switch {
		case fl.has(iTablePart) || a == atom.Table:
			// Table end tags use table scope: </tr> closes an open cell with its row.
			if e.a == atom.Table || e.a == atom.Html || e.a == atom.Template {
				return -1
			}
		case formatting, special:
			if e.f.has(iDefaultScope) || a == atom.Li && (e.a == atom.Ul || e.a == atom.Ol) {
				return -1
			}
		case e.f.has(iSpecial):
			return -1
		}
	}
	return -1
}
