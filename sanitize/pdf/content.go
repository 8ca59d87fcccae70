package pdf

import (
	"errors"
	"fmt"
	"strings"

	"github.com/sekisho/sekisho/sanitize"
)

// maxOperands bounds the operand stack: no operator takes more than 33 operands, and a
// stream of a million numbers with no operator must not hold them all.
const maxOperands = 64

// content tokenises a content stream and writes it again from its operations: operators
// on contentOps with operands of the types they take, inline images decoded and written
// again, and the nesting of q/Q, BT/ET and BMC/BDC/EMC balanced. Comments, unknown
// operators, compatibility sections and anything between tokens do not survive; what
// was dropped is reported once per stream. The result is in memory the builder reuses:
// it must be written out (or copied) before the next call.
func (b *builder) content(data []byte, label string) ([]byte, error) {
	l := lexer{data: data, strs: &b.strs}
	out := &b.out
	out.Reset()
	// Written again, a stream is about as long as it was: one allocation, not a dozen.
	out.Grow(len(data) + len(data)/8 + 64)
	ops := &b.ops
	ops.reset()
	var dropped []string
	junk := 0
	q, mc, inText := 0, 0, false
	emit := func(args []operand, op string) {
		for i := range args {
			ops.encode(out, &args[i])
			out.WriteByte(' ')
		}
		out.WriteString(op)
		out.WriteByte('\n')
	}
	for n := 0; ; n++ {
		if n&0xfff == 0xfff {
			if err := b.ctx.Err(); err != nil {
				return nil, err
			}
		}
		if len(ops.stack) == 0 {
			// No operand refers to the arenas: the last operator's are written or dropped.
			ops.arena, b.strs = ops.arena[:0], b.strs[:0]
		}
		t, err := l.next()
		if err != nil {
			b.report(sanitize.ActRemovedUnknown, fmt.Sprintf("%s cut at a syntax error at byte %d", label, l.pos))
			break
		}
		if t.kind == tEOF {
			break
		}
		switch t.kind {
		case tArrClose, tDictClose, tBraceOpen, tBraceClose:
			junk++
			ops.reset()
			continue
		}
		v, isOperand, err := l.operand(t, ops)
		if err != nil {
			b.report(sanitize.ActRemovedUnknown, fmt.Sprintf("%s cut at a syntax error at byte %d", label, l.pos))
			break
		}
		if isOperand {
			if ops.push(v) {
				junk++
			}
			continue
		}
		e, known := opTable[string(t.b)]
		op := e.name
		if !known {
			op = string(t.b)
		}
		if op == "BI" {
			ops.reset()
			img, err := b.inlineImage(&l)
			if err != nil {
				if errors.Is(err, errSyntax) {
					b.report(sanitize.ActRemovedUnknown, fmt.Sprintf("%s cut at a malformed inline image", label))
					break
				}
				return nil, err
			}
			out.Write(img)
			continue
		}
		if !known {
			dropped = append(dropped, op)
			ops.reset()
			continue
		}
		args, ok := ops.match(b.opArgs, e.args)
		b.opArgs = args[:0] // written out below, then reused for the next operator
		// The stack is empty for the next operator; the arena keeps the elements of
		// args's arrays until they are written.
		ops.stack = ops.stack[:0]
		if !ok {
			dropped = append(dropped, op+" (operands)")
			continue
		}
		switch op {
		case "q":
			q++
		case "Q":
			if q == 0 {
				dropped = append(dropped, "Q (unbalanced)")
				continue
			}
			q--
		case "BT":
			if inText {
				dropped = append(dropped, "BT (nested)")
				continue
			}
			inText = true
		case "ET":
			if !inText {
				dropped = append(dropped, "ET (unbalanced)")
				continue
			}
			inText = false
		case "BMC", "BDC":
			mc++
		case "EMC":
			if mc == 0 {
				dropped = append(dropped, "EMC (unbalanced)")
				continue
			}
			mc--
		}
		emit(args, op)
	}
	if inText {
		emit(nil, "ET")
	}
	for ; mc > 0; mc-- {
		emit(nil, "EMC")
	}
	for ; q > 0; q-- {
		emit(nil, "Q")
	}
	if len(dropped) > 0 || junk > 0 {
		b.report(sanitize.ActRemovedUnknown, fmt.Sprintf("%s: operators not on the allow-list or malformed: %s", label, summarize(dropped, junk)))
	}
	return out.Bytes(), nil
}

// opTable holds each allowed operator's name once with its operands, so that looking up
// an operator and naming it costs one lookup and no allocation.
var opTable = func() map[string]opEntry {
	m := make(map[string]opEntry, len(contentOps)+1)
	for op, spec := range contentOps {
		m[op] = opEntry{name: op, args: spec.args}
	}
	m["BI"] = opEntry{name: "BI"}
	return m
}()

type opEntry struct{ name, args string }

// summarize lists dropped operators with counts: "PS ×2, BX, EX".
func summarize(ops []string, junk int) string {
	counts := map[string]int{}
	var order []string
	for _, o := range ops {
		if counts[o] == 0 {
			order = append(order, o)
		}
		counts[o]++
	}
	var parts []string
	for _, o := range order {
		shown := o
		if len(shown) > 32 || strings.ContainsFunc(shown, func(r rune) bool { return r < 0x21 || r > 0x7e }) {
			shown = fmt.Sprintf("%q", shorten(shown, 32))
		}
		if counts[o] > 1 {
			shown = fmt.Sprintf("%s ×%d", shown, counts[o])
		}
		parts = append(parts, shown)
	}
	if len(parts) > 12 {
		parts = append(parts[:12], fmt.Sprintf("%d more", len(parts)-12))
	}
	if junk > 0 {
		parts = append(parts, fmt.Sprintf("%d stray operands", junk))
	}
	return strings.Join(parts, ", ")
}

func shorten(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func isNum(v any) bool {
	switch v.(type) {
	case int64, float64:
		return true
	}
	return false
}

func allOf(a array, f func(any) bool) bool {
	for _, e := range a {
		if !f(e) {
			return false
		}
	}
	return true
}

// markedContentProps keeps the allowed entries of an inline property dictionary.
func markedContentProps(p dict) dict {
	out := dict{}
	for k, v := range p {
		if _, ok := markedContentKeys[k]; !ok {
			continue
		}
		switch v.(type) {
		case int64, float64, str:
			out[k] = v
		}
	}
	return out
}
