package text

import (
	"bytes"
	"errors"
	"io"
)

// detectPrefix is how much of a large input the charset scan reads before it may decide.
// Scanning the whole of a multi-gigabyte transfer for its charset cost as much CPU as
// decoding it; most large text decides within its first megabytes, and what follows only
// has to be checked against that decision, which is cheaper than scoring every candidate.
var detectPrefix int64 = 8 << 20 // a variable for tests

// errRescan ends a decode whose rest contradicted the head's decision.
var errRescan = errors.New("text: the rest of the input contradicts the charset its head decided")

// restCheck verifies, while the input is decoded, that the bytes after the detected head
// would not have changed what a scan of the whole input decides. It keeps the head's
// detector, so a multibyte character split at the head's end is seen whole. Any doubt
// (a NUL, an escape, a byte the decided grammar does not allow) is a rescan, never a guess.
type restCheck struct {
	cs   string
	d    *detector
	size int64 // the input's size: the detector's byte count at the end
	off  int64 // bytes checked past the head
	bom  bool  // a byte order mark decided: whatever follows cannot change it
	bad  bool
	// invalid counts what the normalizer found not to be UTF-8: for UTF-8 the decode
	// itself is the check, at no extra cost, and the head had none.
	invalid int64
}

// headDecides returns the check for the rest of an input of size bytes when the head seen
// by d decides clearly, or nil when the whole input must be scanned. A decision is clear
// when more bytes of the kind the check allows cannot change it: a BOM; UTF-8, ASCII or
// ISO-2022-JP, which stay so while the rest is valid UTF-8 (resp. 7-bit) without NULs;
// Shift_JIS or EUC-JP only when the other grammar has already failed, since a rest that
// parses in both could tip the statistics that break a tie.
func headDecides(d *detector, size int64) *restCheck {
	cs := d.Result()
	h := d.head[:d.headLen]
	bom := bytes.HasPrefix(h, []byte{0xef, 0xbb, 0xbf}) || bytes.HasPrefix(h, []byte{0xff, 0xfe}) || bytes.HasPrefix(h, []byte{0xfe, 0xff}) ||
		bytes.HasPrefix(h, []byte{0, 0, 0xfe, 0xff})
	switch {
	case bom, cs == "utf-8", cs == "us-ascii" && !d.esc, cs == "iso-2022-jp":
	case cs == "shift_jis" && d.sjis.errs == 0 && d.euc.errs > 0:
	case cs == "euc-jp" && d.euc.errs == 0 && d.sjis.errs > 0:
	default:
		return nil
	}
	return &restCheck{cs: cs, d: d, size: size, bom: bom}
}

// reader returns r (the whole input from its start) checked past the head.
func (c *restCheck) reader(r io.Reader) io.Reader { return &restReader{r: r, c: c} }

type restReader struct {
	r   io.Reader
	c   *restCheck
	pos int64
}

func (rr *restReader) Read(p []byte) (int, error) {
	n, err := rr.r.Read(p)
	if k := rr.c.d.n - rr.pos; n > 0 && int64(n) > k {
		// Only the part past the head is checked: the head was scanned already.
		rr.c.check(p[max(k, 0):n])
	}
	rr.pos += int64(n)
	if err == io.EOF && !rr.c.bad {
		rr.c.finish()
	}
	if rr.c.bad {
		return 0, errRescan
	}
	return n, err
}

func (c *restCheck) check(p []byte) {
	c.off += int64(len(p))
	if c.bom {
		return
	}
	if bytes.IndexByte(p, 0) >= 0 {
		c.bad = true // NULs could make it look like UTF-16
		return
	}
	switch c.cs {
	case "us-ascii":
		c.bad = hasHighBit(p) || bytes.IndexByte(p, 0x1b) >= 0
	case "iso-2022-jp":
		c.bad = hasHighBit(p)
	case "utf-8":
		// Checked by the normalizer while decoding (invalid), judged in finish.
	case "shift_jis":
		c.d.sjis.shiftJIS(p)
		c.bad = c.d.sjis.errs > 0
	case "euc-jp":
		c.d.euc.eucJP(p)
		c.bad = c.d.euc.errs > 0
	}
}

// finish checks, at the end of the input, that the whole input's decision (the head's
// counts over the whole length) is still the one the decode used.
func (c *restCheck) finish() {
	if c.d.n+c.off != c.size {
		c.bad = true // the input changed size under the decode
		return
	}
	if c.cs == "utf-8" && !c.bom && c.invalid > 0 {
		c.bad = true
		return
	}
	whole := *c.d
	whole.n = c.size
	if whole.Result() != c.cs {
		c.bad = true
	}
}
