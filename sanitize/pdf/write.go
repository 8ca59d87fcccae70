package pdf

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"math"
	"slices"
	"strconv"

	"github.com/klauspost/compress/zlib"

	"github.com/sekisho/sekisho/internal/freelist"
)

// The output is built from these values only; nothing of the input's syntax reaches it.
// A dictionary is a map (written with sorted keys), an array a slice; integers are int64,
// reals float64, booleans bool, null is nil.
type (
	name  string // a PDF name, written with #xx escapes where needed
	str   []byte // a string, written literal or hex, whichever is safe
	ref   int    // a reference to an object of the output
	array []any
	dict  map[string]any
)

// outStream is a stream object of the output: its dictionary without /Length and /Filter,
// and its data. Data is Flate-compressed on writing unless filter is set (a DCT image is
// written as the JPEG the sanitizer encoded).
type outStream struct {
	d      dict
	data   []byte
	filter string
	plain  bool // written uncompressed (XMP, which tools read without a PDF parser)
}

// writer writes the output as it is built: objects in any order, each once, then a
// classic cross-reference table and the trailer. Streams are written (and their memory
// released) as soon as they are complete.
type writer struct {
	w       *bufio.Writer
	off     int64
	offsets []int64 // by object number; 0 = allocated but not yet written
	sum     hash.Hash
	err     error
	zbuf    bytes.Buffer
	zw      *zlib.Writer
	obj     bytes.Buffer // one object's syntax, reused: written out before the next
}

func newWriter(w io.Writer) *writer {
	bw, ok := bufWriters.Get()
	if ok {
		bw.Reset(w)
	} else {
		bw = bufio.NewWriterSize(w, 64<<10)
	}
	wr := &writer{w: bw, offsets: []int64{0}}
	wr.sum = sha256.New()
	// The binary comment tells transfer programs the file is not text.
	wr.raw("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	return wr
}

func (wr *writer) raw(s string) {
	if wr.err != nil {
		return
	}
	n, err := wr.w.WriteString(s)
	wr.off += int64(n)
	wr.err = err
	wr.sum.Write([]byte(s))
}

func (wr *writer) rawBytes(p []byte) {
	if wr.err != nil {
		return
	}
	n, err := wr.w.Write(p)
	wr.off += int64(n)
	wr.err = err
	wr.sum.Write(p)
}

// alloc reserves the next object number.
func (wr *writer) alloc() ref {
	wr.offsets = append(wr.offsets, 0)
	return ref(len(wr.offsets) - 1)
}

// unalloc gives back number r when it is the last one allocated and not yet written: an
// object dropped while it was built, before any object of its own was allocated, so that
// nothing can refer to it. It reports whether the number was given back.
func (wr *writer) unalloc(r ref) bool {
	if int(r) != len(wr.offsets)-1 || wr.offsets[r] != 0 {
		return false
	}
	wr.offsets = wr.offsets[:r]
	return true
}

// put writes object r. v is a dict, array, stream or any other value.
func (wr *writer) put(r ref, v any) {
	if wr.err != nil {
		return
	}
	if int(r) <= 0 || int(r) >= len(wr.offsets) || wr.offsets[r] != 0 {
		wr.err = fmt.Errorf("pdf: internal: object %d written twice or never allocated", r)
		return
	}
	wr.offsets[r] = wr.off
	b := &wr.obj
	b.Reset()
	b.Write(strconv.AppendInt(b.AvailableBuffer(), int64(r), 10))
	b.WriteString(" 0 obj\n")
	if s, ok := v.(*outStream); ok {
		data, filter := s.data, s.filter
		// Tiny streams (Type 3 glyphs, short CMaps) cost more to compress than they save.
		if filter == "" && !s.plain && len(data) > 256 {
			data = wr.deflate(data)
			filter = "FlateDecode"
		}
		d := make(dict, len(s.d)+2)
		for k, v := range s.d {
			d[k] = v
		}
		delete(d, "DecodeParms")
		if filter != "" {
			d["Filter"] = name(filter)
		} else {
			delete(d, "Filter")
		}
		d["Length"] = int64(len(data))
		encode(b, d)
		b.WriteString("\nstream\n")
		wr.rawBytes(b.Bytes())
		wr.rawBytes(data)
		wr.raw("\nendstream\nendobj\n")
		return
	}
	encode(b, v)
	b.WriteString("\nendobj\n")
	wr.rawBytes(b.Bytes())
	if b.Cap() > 1<<20 {
		b.Reset()
		*b = bytes.Buffer{} // a huge object's buffer is not kept for the small ones after it
	}
}

// zlibWriters keeps compressors between documents: a new one allocates close to a
// megabyte of tables and history, which a relay sanitizing one small PDF per message
// otherwise pays (and collects) for every message. A free list, not a sync.Pool: a busy
// relay collects every few messages, and every second collection empties a pool.
var zlibWriters = freelist.New[*zlib.Writer](freelist.Kept)

var errReleased = errors.New("pdf: internal: writer used after finish")

func (wr *writer) deflate(p []byte) []byte {
	wr.zbuf.Reset()
	if wr.zw == nil {
		if zw, ok := zlibWriters.Get(); ok {
			wr.zw = zw
		} else {
			wr.zw, _ = zlib.NewWriterLevel(&wr.zbuf, zlib.BestSpeed)
		}
	}
	wr.zw.Reset(&wr.zbuf)
	wr.zw.Write(p)
	wr.zw.Close()
	return wr.zbuf.Bytes()
}

var bufWriters = freelist.New[*bufio.Writer](freelist.Kept)

// release returns the compressor and the output buffer to their pools; wr writes nothing
// afterwards.
func (wr *writer) release() {
	if wr.w != nil {
		wr.w.Reset(io.Discard)
		bufWriters.Put(wr.w)
		wr.w = nil
		wr.err = errReleased
	}
	if wr.zw != nil {
		wr.zw.Reset(io.Discard) // drop the reference to this document's buffer
		zlibWriters.Put(wr.zw)
		wr.zw = nil
	}
}

// finish writes every allocated object that was never written as null (a reference to
// it then means null, as it would for a missing object), the xref table and the trailer.
func (wr *writer) finish(root, info ref) error {
	for i := 1; i < len(wr.offsets); i++ {
		if wr.offsets[i] == 0 {
			wr.put(ref(i), nil)
		}
	}
	xref := wr.off
	var b bytes.Buffer
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(wr.offsets))
	for _, o := range wr.offsets[1:] {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	wr.rawBytes(b.Bytes())
	id := str(wr.sum.Sum(nil)[:16])
	t := dict{"Size": int64(len(wr.offsets)), "Root": root, "ID": array{id, id}}
	if info > 0 {
		t["Info"] = info
	}
	b.Reset()
	b.WriteString("trailer\n")
	encode(&b, t)
	fmt.Fprintf(&b, "\nstartxref\n%d\n%%%%EOF\n", xref)
	wr.rawBytes(b.Bytes())
	err := wr.err
	if err == nil {
		err = wr.w.Flush()
	}
	wr.release()
	return err
}

// encode writes v in PDF syntax.
func encode(b *bytes.Buffer, v any) {
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case int64:
		b.Write(strconv.AppendInt(b.AvailableBuffer(), v, 10))
	case int:
		b.Write(strconv.AppendInt(b.AvailableBuffer(), int64(v), 10))
	case float64:
		b.Write(appendReal(b.AvailableBuffer(), v))
	case name:
		writeName(b, string(v))
	case str:
		writeString(b, v)
	case ref:
		b.WriteString(strconv.Itoa(int(v)))
		b.WriteString(" 0 R")
	case array:
		b.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				b.WriteByte(' ')
			}
			encode(b, e)
		}
		b.WriteByte(']')
	case dict:
		b.WriteString("<<")
		for _, k := range slices.Sorted(dictKeys(v)) {
			writeName(b, k)
			b.WriteByte(' ')
			encode(b, v[k])
		}
		b.WriteString(">>")
	default:
		// Unreachable by construction; null is the safe spelling of "nothing".
		b.WriteString("null")
	}
}

func dictKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// formatReal writes a real without an exponent (PDF has none), clamped to the range
// readers support, with at most 6 decimals when the shortest form would be long.
func formatReal(f float64) string { return string(appendReal(nil, f)) }

func appendReal(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, '0')
	case f > 3.4e38:
		f = 3.4e38
	case f < -3.4e38:
		f = -3.4e38
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.AppendInt(dst, int64(f), 10)
	}
	start := len(dst)
	dst = strconv.AppendFloat(dst, f, 'f', -1, 64)
	if len(dst)-start <= 24 {
		return dst
	}
	dst = strconv.AppendFloat(dst[:start], f, 'f', 6, 64)
	for dst[len(dst)-1] == '0' {
		dst = dst[:len(dst)-1]
	}
	if dst[len(dst)-1] == '.' {
		dst = dst[:len(dst)-1]
	}
	if string(dst[start:]) == "-0" {
		dst = append(dst[:start], '0')
	}
	return dst
}

// regular reports whether c may appear unescaped in a name (7.3.5: printable ASCII other
// than delimiters and #).
func regular(c byte) bool {
	if c < 0x21 || c > 0x7e {
		return false
	}
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%', '#':
		return false
	}
	return true
}

func writeName[S string | []byte](b *bytes.Buffer, s S) {
	const hex = "0123456789ABCDEF"
	// Appended to the buffer's free space and written once: a call per byte cost more
	// than the bytes.
	out := append(b.AvailableBuffer(), '/')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if regular(c) {
			out = append(out, c)
			continue
		}
		if c == 0 {
			continue // a name cannot hold NUL (7.3.5)
		}
		out = append(out, '#', hex[c>>4], hex[c&15])
	}
	b.Write(out)
}

// writeString writes printable text as a literal string and anything else (CID codes,
// binary identifiers) as hex, so no byte of a string can be read as syntax.
func writeString(b *bytes.Buffer, s []byte) {
	printable := true
	for _, c := range s {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' || c > 0x7e {
			printable = false
			break
		}
	}
	if !printable {
		const hex = "0123456789ABCDEF"
		out := append(b.AvailableBuffer(), '<')
		for _, c := range s {
			out = append(out, hex[c>>4], hex[c&15])
		}
		b.Write(append(out, '>'))
		return
	}
	out := append(b.AvailableBuffer(), '(')
	for _, c := range s {
		switch c {
		case '(', ')', '\\':
			out = append(out, '\\', c)
		case '\n':
			out = append(out, '\\', 'n')
		case '\r':
			out = append(out, '\\', 'r')
		case '\t':
			out = append(out, '\\', 't')
		default:
			out = append(out, c)
		}
	}
	b.Write(append(out, ')'))
}
