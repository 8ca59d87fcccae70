package pdf

import (
	"bytes"
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
// was dropped is reported once per stream.
func (b *builder) content(data []byte, label string) ([]byte, error) {
	l := lexer{data: data}
	var out bytes.Buffer
	// Written again, a stream is about as long as it was: one allocation, not a dozen.
	out.Grow(len(data) + len(data)/8 + 64)
	var operands []any
	var dropped []string
	junk := 0
	q, mc, inText := 0, 0, false
	emit := func(args array, op string) {
		for _, a := range args {
			encode(&out, a)
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
			operands = operands[:0]
			continue
		}
		v, isOperand, err := l.object(t, 0)
		if err != nil {
			b.report(sanitize.ActRemovedUnknown, fmt.Sprintf("%s cut at a syntax error at byte %d", label, l.pos))
			break
		}
		if isOperand {
			if len(operands) == maxOperands {
				operands = operands[1:]
				junk++
			}
			operands = append(operands, v)
			continue
		}
		op, known := opNames[string(t.b)]
		if !known {
			op = string(t.b)
		}
		if op == "BI" {
			operands = operands[:0]
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
		spec, known := contentOps[op]
		if !known {
			dropped = append(dropped, op)
			operands = operands[:0]
			continue
		}
		args, ok := b.matchOperands(operands, spec.args)
		b.args = args[:0] // written out below, then reused for the next operator
		operands = operands[:0]
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

// opNames holds each allowed operator's name once, so that looking up an operator and
// naming it costs no allocation per operator.
var opNames = func() map[string]string {
	m := make(map[string]string, len(contentOps)+1)
	for op := range contentOps {
		m[op] = op
	}
	m["BI"] = "BI"
	return m
}()

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

// matchOperands checks the operands against an operator's spec and returns the ones it
// takes, in b.args's memory: the caller writes them before the next call. Extra operands
// before them are ignored, as viewers do.
func (b *builder) matchOperands(ops []any, spec string) (array, bool) {
	switch spec {
	case "c", "C":
		var pat any
		if spec == "C" && len(ops) > 0 {
			if n, ok := ops[len(ops)-1].(name); ok {
				pat = n
				ops = ops[:len(ops)-1]
			}
		}
		i := len(ops)
		for i > 0 && isNum(ops[i-1]) && len(ops)-i < 32 {
			i--
		}
		out := append(b.args[:0], ops[i:]...)
		if pat != nil {
			out = append(out, pat)
		}
		return out, len(out) > 0
	}
	if len(ops) < len(spec) {
		return nil, false
	}
	ops = ops[len(ops)-len(spec):]
	out := append(b.args[:0], make(array, len(spec))...)
	for i, c := range []byte(spec) {
		v := ops[i]
		switch c {
		case 'n':
			if !isNum(v) {
				return nil, false
			}
		case 'i':
			if f, ok := v.(float64); ok && f == float64(int64(f)) {
				v = int64(f)
			}
			if _, ok := v.(int64); !ok {
				return nil, false
			}
		case 'N':
			if _, ok := v.(name); !ok {
				return nil, false
			}
		case 's':
			if _, ok := v.(str); !ok {
				return nil, false
			}
		case 'D':
			a, ok := v.(array)
			if !ok || !allOf(a, isNum) {
				return nil, false
			}
		case 'T':
			a, ok := v.(array)
			if !ok || !allOf(a, func(e any) bool { _, s := e.(str); return s || isNum(e) }) {
				return nil, false
			}
		case 'P':
			switch p := v.(type) {
			case name:
			case dict:
				v = markedContentProps(p)
			default:
				return nil, false
			}
		}
		out[i] = v
	}
	return out, true
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
