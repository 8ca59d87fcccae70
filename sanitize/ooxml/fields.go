package ooxml

import (
	"fmt"
	"strings"

	"github.com/sekisho/sekisho/sanitize"
)

// Word complex fields: a w:fldChar begin, the instruction in one or more w:instrText runs
// (producers split it freely: "DD" + "EAUTO" is a DDEAUTO field), a w:fldChar separate, the
// cached result runs, a w:fldChar end. Fields nest. The instruction is only known once its
// separate (or end) is read, but the decision affects tokens since the begin, so the stage
// queues tokens from a begin until no field on the stack still has an open instruction
// (bounded by maxFieldQueue), then replays them with the decisions known.
//
// Neutralizing a field removes its fldChars and instruction and keeps the cached result as
// plain text, like Word's "unlink field".

type field struct {
	instr   strings.Builder
	started bool // non-space instruction text seen
	nested  bool // a nested field came before any instruction text
	rdone   bool // read side: instruction complete
	wres    bool // write side: in the result part
	verdict *removal
}

type fieldStage struct {
	// next is the writer itself, not a stage: emit reads the parent element off its frame
	// stack instead of keeping a stack of its own, and the call is direct.
	next   *writer
	ru     *ooxmlRules
	rstack []*field
	instr  int // read side: depth inside w:instrText / w:delInstrText
	queue  []*tok
	free   []*tok // copies already passed on, for reuse
	wstack []*field
}

func newFieldStage(next *writer, ru *ooxmlRules) *fieldStage {
	return &fieldStage{next: next, ru: ru}
}

// fieldElem reports the local names read tracks; the namespace is tested after it.
func fieldElem(local string) bool {
	return local == "fldChar" || local == "instrText" || local == "delInstrText"
}

// idle reports whether t passes the stage untouched. Outside fields, which is nearly
// every token of a part, neither side has anything to do: read acts on fldChar and
// instruction tags and on text inside an instruction, emit only inside a field being
// written.
func (fs *fieldStage) idle(t *tok) bool {
	return len(fs.queue) == 0 && fs.instr == 0 && len(fs.wstack) == 0 && (t.kind != kStart || !fieldElem(t.name.Local))
}

func (fs *fieldStage) push(t *tok) error {
	if fs.idle(t) {
		return fs.next.push(t)
	}
	begin := fs.read(t)
	if len(fs.queue) == 0 && !begin {
		return fs.emit(t)
	}
	// The reader reuses t and its buffers: queue a copy, from the copies already passed on.
	var c *tok
	if n := len(fs.free); n > 0 {
		c, fs.free = fs.free[n-1], fs.free[:n-1]
	} else {
		c = new(tok)
	}
	t.copyTo(c)
	fs.queue = append(fs.queue, c)
	if len(fs.queue) > maxFieldQueue {
		return fmt.Errorf("%w: word field instruction longer than %d tokens", sanitize.ErrMalformed, maxFieldQueue)
	}
	for _, f := range fs.rstack {
		if !f.rdone {
			return nil
		}
	}
	q := fs.queue
	fs.queue = nil
	for _, qt := range q {
		if err := fs.emit(qt); err != nil {
			return err
		}
	}
	// The writer keeps nothing of a token once push returns.
	fs.free = append(fs.free, q...)
	fs.queue = q[:0]
	return nil
}

func (fs *fieldStage) finish() error {
	for _, qt := range fs.queue {
		if err := fs.emit(qt); err != nil {
			return err
		}
	}
	fs.queue = nil
	return fs.next.finish()
}

// read tracks fields as tokens are read and decides each one when its instruction ends.
// It reports whether t begins a field.
func (fs *fieldStage) read(t *tok) bool {
	switch t.kind {
	case kStart:
		if !nsW.has(t.name.Space) {
			return false
		}
		switch t.name.Local {
		case "instrText", "delInstrText":
			fs.instr++
		case "fldChar":
			var top *field
			if len(fs.rstack) > 0 {
				top = fs.rstack[len(fs.rstack)-1]
			}
			switch wattr(t, "fldCharType") {
			case "begin":
				f := &field{}
				if top != nil && !top.rdone {
					if !top.started {
						top.nested = true
					}
					top.instr.WriteString("\x00")
				}
				fs.rstack = append(fs.rstack, f)
				t.field = f
				return true
			case "separate":
				if top != nil {
					fs.decide(top)
					t.field = top
				}
			case "end":
				if top != nil {
					fs.decide(top)
					t.field = top
					fs.rstack = fs.rstack[:len(fs.rstack)-1]
				}
			}
		}
	case kEnd:
		if fs.instr > 0 && nsW.has(t.name.Space) && (t.name.Local == "instrText" || t.name.Local == "delInstrText") {
			fs.instr--
		}
	case kText:
		v := t.text
		if fs.instr > 0 && len(fs.rstack) > 0 {
			top := fs.rstack[len(fs.rstack)-1]
			if !top.rdone && top.instr.Len() < maxInstrCapture {
				top.instr.Write(v)
				if strings.TrimSpace(string(v)) != "" {
					top.started = true
				}
			}
		}
	}
	return false
}

func (fs *fieldStage) decide(f *field) {
	if f.rdone {
		return
	}
	f.rdone = true
	if d, ok := fs.ru.fieldVerdict(f.instr.String(), f.nested); ok {
		f.verdict = &d
		fs.ru.report(d.kind, d.detail)
	}
}

// suppressed reports whether the write side is inside the instruction of a neutralized
// field, where every run's content goes.
func (fs *fieldStage) suppressed() bool {
	for _, f := range fs.wstack {
		if f.verdict != nil && !f.wres {
			return true
		}
	}
	return false
}

// emit applies the decisions on the write side and passes the token on.
func (fs *fieldStage) emit(t *tok) error {
	if t.kind == kStart {
		isW := nsW.has(t.name.Space)
		if isW && t.name.Local == "fldChar" && t.field != nil {
			f := t.field
			switch wattr(t, "fldCharType") {
			case "begin":
				t.drop = f.verdict != nil || fs.suppressed()
				fs.wstack = append(fs.wstack, f)
			case "separate":
				f.wres = true
				t.drop = f.verdict != nil || fs.suppressed()
			case "end":
				if n := len(fs.wstack); n > 0 && fs.wstack[n-1] == f {
					fs.wstack = fs.wstack[:n-1]
				}
				t.drop = f.verdict != nil || fs.suppressed()
			}
		} else if len(fs.wstack) > 0 && t.name.Local != "rPr" && fs.next.parentIsRun() && fs.suppressed() {
			t.drop = true
		}
	}
	return fs.next.push(t)
}
