package pdf

import (
	"bytes"
	"math"
	"strconv"
)

// Content-stream operands are values, not interfaces: a page holds tens of thousands of
// numbers and strings, and boxing each into an `any` cost an allocation apiece (a third
// of the package's allocations on text-heavy files). They are rebuilt from the tokens
// all the same: numbers from their parsed values, names and strings from their decoded
// bytes, arrays from their elements.

type opKind uint8

const (
	opInt   opKind = iota
	opReal         // i holds the bits of the float64
	opName         // b: the decoded name
	opStr          // b: the decoded string
	opArray        // n elements from arena[i]: numbers and strings only, the arrays TJ and d take
	opDict         // d: a dictionary (marked-content properties)
	opOther        // true, false, null, or an array holding anything else: no operator takes it
)

// operand is one operand; 48 bytes, so that a page of numbers costs little to hold.
type operand struct {
	kind opKind
	n    uint32
	i    int64
	b    []byte
	d    dict
}

// maxArray bounds the elements of one array operand: the longest TJ of real files holds
// a few thousand. A longer array is read to its end but taken by no operator.
const maxArray = 1 << 16

func (o *operand) isNum() bool { return o.kind == opInt || o.kind == opReal }

func (o *operand) real() float64 { return math.Float64frombits(uint64(o.i)) }

func numOperand(t token) operand {
	if t.kind == tReal {
		return operand{kind: opReal, i: int64(math.Float64bits(t.f))}
	}
	return operand{kind: opInt, i: t.i}
}

// operands is the operand stack of a content stream and the elements of its arrays.
type operands struct {
	stack []operand
	arena []operand
}

// push adds an operand, dropping the oldest when the stack is full; it reports whether
// one was dropped. Arrays dropped with it leave the arena when it has grown large.
func (s *operands) push(o operand) bool {
	dropped := false
	if len(s.stack) == maxOperands {
		s.stack = s.stack[1:]
		dropped = true
		if len(s.arena) > 2*maxArray {
			s.compact()
		}
	}
	s.stack = append(s.stack, o)
	return dropped
}

// reset empties the stack and the arena.
func (s *operands) reset() {
	s.stack, s.arena = s.stack[:0], s.arena[:0]
}

// compact keeps only the array elements the stack still refers to.
func (s *operands) compact() {
	var keep []operand
	for k := range s.stack {
		if o := &s.stack[k]; o.kind == opArray {
			start := len(keep)
			keep = append(keep, s.arena[o.i:o.i+int64(o.n)]...)
			o.i = int64(start)
		}
	}
	s.arena = keep
}

// elems returns the elements of array operand o.
func (s *operands) elems(o *operand) []operand { return s.arena[o.i : o.i+int64(o.n)] }

// operand reads one operand that starts with t, as object does; ok is false for an
// operator. The elements of an array go into the arena.
func (l *lexer) operand(t token, s *operands) (operand, bool, error) {
	switch t.kind {
	case tInt, tReal:
		return numOperand(t), true, nil
	case tName:
		return operand{kind: opName, b: t.b}, true, nil
	case tStr:
		return operand{kind: opStr, b: t.b}, true, nil
	case tKeyword:
		switch string(t.b) {
		case "true", "false", "null":
			return operand{kind: opOther}, true, nil
		}
		return operand{}, false, nil
	case tArrOpen:
		start := len(s.arena)
		flat := true
		for {
			e, err := l.next()
			if err != nil {
				return operand{}, true, err
			}
			switch e.kind {
			case tArrClose:
				if !flat {
					s.arena = s.arena[:start]
					return operand{kind: opOther}, true, nil
				}
				return operand{kind: opArray, i: int64(start), n: uint32(len(s.arena) - start)}, true, nil
			case tEOF:
				return operand{}, true, errSyntax
			case tInt, tReal, tStr:
				if flat && len(s.arena)-start < maxArray {
					if e.kind == tStr {
						s.arena = append(s.arena, operand{kind: opStr, b: e.b})
					} else {
						s.arena = append(s.arena, numOperand(e))
					}
					continue
				}
				flat = false
				continue
			}
			// Anything else is read as object reads it (nesting bounded the same way),
			// and makes the array one no operator takes.
			_, ok, err := l.object(e, 1)
			if err != nil {
				return operand{}, true, err
			}
			if !ok {
				return operand{}, true, errSyntax
			}
			flat = false
		}
	case tDictOpen:
		v, ok, err := l.object(t, 0)
		if err != nil || !ok {
			return operand{}, ok, err
		}
		return operand{kind: opDict, d: v.(dict)}, true, nil
	}
	return operand{}, true, errSyntax
}

// match checks the operands against an operator's spec and returns the ones it takes,
// in args's memory: the caller writes them before the next call. Extra operands before
// them are ignored, as viewers do.
func (s *operands) match(args []operand, spec string) ([]operand, bool) {
	ops := s.stack
	switch spec {
	case "c", "C":
		var pat *operand
		if spec == "C" && len(ops) > 0 && ops[len(ops)-1].kind == opName {
			pat = &ops[len(ops)-1]
			ops = ops[:len(ops)-1]
		}
		i := len(ops)
		for i > 0 && ops[i-1].isNum() && len(ops)-i < 32 {
			i--
		}
		out := append(args[:0], ops[i:]...)
		if pat != nil {
			out = append(out, *pat)
		}
		return out, len(out) > 0
	}
	if len(ops) < len(spec) {
		return args[:0], false
	}
	out := append(args[:0], ops[len(ops)-len(spec):]...)
	for i, c := range []byte(spec) {
		v := &out[i]
		switch c {
		case 'n':
			if !v.isNum() {
				return out, false
			}
		case 'i':
			if f := v.real(); v.kind == opReal && f == float64(int64(f)) {
				*v = operand{kind: opInt, i: int64(f)}
			}
			if v.kind != opInt {
				return out, false
			}
		case 'N':
			if v.kind != opName {
				return out, false
			}
		case 's':
			if v.kind != opStr {
				return out, false
			}
		case 'D':
			if v.kind != opArray {
				return out, false
			}
			for _, e := range s.elems(v) {
				if !e.isNum() {
					return out, false
				}
			}
		case 'T':
			if v.kind != opArray { // whose elements are numbers and strings
				return out, false
			}
		case 'P':
			switch v.kind {
			case opName:
			case opDict:
				*v = operand{kind: opDict, d: markedContentProps(v.d)}
			default:
				return out, false
			}
		}
	}
	return out, true
}

// encode writes o as encode writes the value it stands for.
func (s *operands) encode(b *bytes.Buffer, o *operand) {
	switch o.kind {
	case opInt:
		b.Write(strconv.AppendInt(b.AvailableBuffer(), o.i, 10))
	case opReal:
		b.Write(appendReal(b.AvailableBuffer(), o.real()))
	case opName:
		writeName(b, o.b)
	case opStr:
		writeString(b, o.b)
	case opArray:
		b.WriteByte('[')
		elems := s.elems(o)
		for i := range elems {
			if i > 0 {
				b.WriteByte(' ')
			}
			s.encode(b, &elems[i])
		}
		b.WriteByte(']')
	case opDict:
		encode(b, o.d)
	default:
		b.WriteString("null") // unreachable: no operator takes one
	}
}
