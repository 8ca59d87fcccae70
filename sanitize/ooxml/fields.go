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
	// Where the instruction may come from: runs whose parent is the begin run's parent.
	// home is the index in fieldStage.open of the begin's run; left is set once that
	// parent has closed; split once instruction text came from anywhere else.
	home         int
	left         bool
	split        bool
	ins, deleted bool // w:instrText and w:delInstrText seen
}

type fieldStage struct {
	// next is the writer itself, not a stage: emit reads the parent element off its frame
	// stack instead of keeping a stack of its own, and the call is direct.
	next   *writer
	ru     *ooxmlRules
	rstack []*field
	instr  int // read side: depth inside w:instrText / w:delInstrText
	// open holds, while an instruction is being read, whether each element opened since
	// the outermost open field's begin run (that run included) is a w:r.
	open   []bool
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
	var top *field
	if len(fs.rstack) > 0 {
		top = fs.rstack[len(fs.rstack)-1]
	}
	tracking := top != nil && !top.rdone
	switch t.kind {
	case kStart:
		isW := nsW.has(t.name.Space)
		if tracking {
			fs.open = append(fs.open, isW && t.name.Local == "r")
			if fs.instr > 0 {
				top.split = true // an element inside an instruction
			}
			if isW && (t.name.Local == "instrText" || t.name.Local == "delInstrText") {
				// The instruction Word reads is the text of the runs beside the begin run.
				// Text in a run under another element is text a reader may not see (the
				// writer drops an unknown element; accepting changes drops w:del and
				// w:moveFrom, rejecting them w:ins; a reader without the extension skips
				// an mc:Choice): judged with it, the field is one readers disagree on.
				n := len(fs.open)
				if top.left || n != top.home+2 || !fs.open[top.home] {
					top.split = true
				}
				if t.name.Local == "instrText" {
					top.ins = true
				} else {
					top.deleted = true
				}
			}
		}
		if !isW {
			return false
		}
		switch t.name.Local {
		case "instrText", "delInstrText":
			fs.instr++
		case "fldChar":
			switch wattr(t, "fldCharType") {
			case "begin":
				f := &field{}
				if tracking {
					if !top.started {
						top.nested = true
					}
					top.instr.WriteString("\x00")
				} else {
					// The first field of a queue: its run is the writer's current element.
					fs.open = append(fs.open[:0], fs.next.parentIsRun(), false)
				}
				f.home = len(fs.open) - 2
				if f.home < 0 || !fs.open[f.home] {
					f.split = true // a fldChar outside a run
					f.home = max(f.home, 0)
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
		if tracking {
			// A field's run is open[home]; its parent is open[home-1], or for home 0 the
			// element that was open when the queue started. Once that closes, the field's
			// instruction can only go on in another element.
			if len(fs.open) == 0 {
				for _, f := range fs.rstack {
					f.left = true
				}
			} else {
				fs.open = fs.open[:len(fs.open)-1]
				for _, f := range fs.rstack {
					if len(fs.open) < f.home {
						f.left = true
					}
				}
			}
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
	if f.split || f.ins && f.deleted {
		d := removal{sanitize.ActRemovedUnknown, "field whose instruction is spread over elements readers take differently (deleted, moved, inserted, alternate or unknown): readers would not agree on it"}
		f.verdict = &d
		fs.ru.report(d.kind, d.detail)
		return
	}
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
