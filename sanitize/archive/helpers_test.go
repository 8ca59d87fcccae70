package archive

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"encoding/binary"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/img"
	"github.com/sekisho/sekisho/sanitize/ole"
	"github.com/sekisho/sekisho/sanitize/ooxml"
	"github.com/sekisho/sekisho/sanitize/text"
)

// Test corpus builders. Most of the archive corpus is built here, at test time, so the
// repository stays small and each hostile construction is spelled out in code; the files
// that need a real producer (Info-ZIP, GNU tar, bzip2, xz) are committed under
// testdata/archive and described in its README.

var modTime = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)

// testEngine returns a real engine with the default policy and every family committed
// so far registered next to this one (text, ole, ooxml, img); types whose family is missing are
// quarantined by the engine, which is what an archive entry of that type gets.
func testEngine(t testing.TB, lim sanitize.Limits) (*sanitize.Engine, *Sanitizer) {
	t.Helper()
	dir := t.TempDir()
	e := sanitize.NewEngine(sanitize.EngineOptions{Limits: lim, TempDir: dir})
	a := New(Options{Inner: e, TempDir: dir})
	e.Register(string(sanitize.ClassArchive), a)
	e.Register(string(sanitize.ClassText), text.New(text.Options{}))
	e.Register(string(sanitize.ClassOLE), ole.New(ole.Options{}))
	e.Register(string(sanitize.ClassOOXML), ooxml.New(ooxml.Options{Inner: e}))
	e.Register(string(sanitize.ClassImage), img.New(img.Options{}))
	return e, a
}

// run sanitizes data as the top-level item "item" named name.
func run(t testing.TB, a *Sanitizer, data []byte, name string, lim sanitize.Limits) ([]byte, sanitize.Result, error) {
	t.Helper()
	in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item", Name: name}
	in.Detected = sanitize.Detect(in.Body)
	var out bytes.Buffer
	res, err := a.Sanitize(context.Background(), in, &out, sanitize.NewBudget(lim))
	return out.Bytes(), res, err
}

// zfile is one entry for makeZip.
type zfile struct {
	name    string
	body    []byte
	mode    fs.FileMode // 0 is a regular 0644 file
	nonUTF8 bool        // store the name bytes as they are, UTF-8 flag off
	store   bool
	comment string
	extra   []byte
}

func makeZip(t testing.TB, files ...zfile) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		fh := &zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: modTime, NonUTF8: f.nonUTF8, Comment: f.comment, Extra: f.extra}
		if f.store {
			fh.Method = zip.Store
		}
		if f.mode != 0 {
			fh.SetMode(f.mode)
		}
		w, err := zw.CreateHeader(fh)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(f.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func txt(s string) []byte { return []byte(s) }

// makeTar builds a tar (gzip-compressed when gz) from headers and bodies.
func makeTar(t testing.TB, gz bool, entries ...tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	var tw *tar.Writer
	var zw *gzip.Writer
	if gz {
		zw = gzip.NewWriter(&buf)
		tw = tar.NewWriter(zw)
	} else {
		tw = tar.NewWriter(&buf)
	}
	for _, e := range entries {
		h := e.hdr
		h.Size = int64(len(e.body))
		if h.ModTime.IsZero() {
			h.ModTime = modTime
		}
		if h.Mode == 0 {
			h.Mode = 0o644
		}
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(e.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

type tarEntry struct {
	hdr  tar.Header
	body []byte
}

func reg(name, body string) tarEntry {
	return tarEntry{hdr: tar.Header{Name: name, Typeflag: tar.TypeReg}, body: []byte(body)}
}

func gzipBytes(t testing.TB, name string, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Name = name
	zw.ModTime = modTime
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// deflated compresses data with the best ratio, as a bomb author would.
func deflated(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.BestCompression)
	fw.Write(data)
	fw.Close()
	return buf.Bytes()
}

// zerosDeflated is the deflate stream of n zero bytes, built without holding them.
func zerosDeflated(t testing.TB, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.BestCompression)
	chunk := make([]byte, 1<<20)
	for n > 0 {
		k := min(n, len(chunk))
		fw.Write(chunk[:k])
		n -= k
	}
	fw.Close()
	return buf.Bytes()
}

// rawEntry is a pre-compressed entry for makeRawZip, which lets a test state sizes and
// CRCs that do not match the data.
type rawEntry struct {
	name         string
	data         []byte // already compressed
	method       uint16
	crc          uint32
	usize        uint64
	flags        uint16
	extra        []byte
	externalUnix uint32 // Unix mode for the high half of the external attributes
}

func makeRawZip(t testing.TB, entries ...rawEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		fh := &zip.FileHeader{Name: e.name, Method: e.method, CRC32: e.crc, CompressedSize64: uint64(len(e.data)),
			UncompressedSize64: e.usize, Flags: e.flags, Extra: e.extra, Modified: modTime}
		if e.externalUnix != 0 {
			fh.CreatorVersion = 3<<8 | 20
			fh.ExternalAttrs = e.externalUnix << 16
		}
		w, err := zw.CreateRaw(fh)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(e.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// le16/le32/le64 append little-endian integers.
func le16(b []byte, v uint16) []byte { return binary.LittleEndian.AppendUint16(b, v) }
func le32(b []byte, v uint32) []byte { return binary.LittleEndian.AppendUint32(b, v) }
func le64(b []byte, v uint64) []byte { return binary.LittleEndian.AppendUint64(b, v) }

func localHeader(name string, method uint16, crc uint32, csize, usize uint32) []byte {
	b := le32(nil, sigLocal)
	b = le16(b, 20)
	b = le16(b, 0)
	b = le16(b, method)
	b = le32(b, 0x5b614800) // 2025-11-01 09:00
	b = le32(b, crc)
	b = le32(b, csize)
	b = le32(b, usize)
	b = le16(b, uint16(len(name)))
	b = le16(b, 0)
	return append(b, name...)
}

func centralHeader(name string, method uint16, crc uint32, csize, usize, offset uint32) []byte {
	b := le32(nil, sigCentral)
	b = le16(b, 3<<8|20)
	b = le16(b, 20)
	b = le16(b, 0)
	b = le16(b, method)
	b = le32(b, 0x5b614800)
	b = le32(b, crc)
	b = le32(b, csize)
	b = le32(b, usize)
	b = le16(b, uint16(len(name)))
	b = le16(b, 0)
	b = le16(b, 0)
	b = le16(b, 0)
	b = le16(b, 0)
	b = le32(b, 0o100644<<16)
	b = le32(b, offset)
	return append(b, name...)
}

func endRecord(records uint16, cdSize, cdOffset uint32) []byte {
	b := le32(nil, sigEnd)
	b = le16(b, 0)
	b = le16(b, 0)
	b = le16(b, records)
	b = le16(b, records)
	b = le32(b, cdSize)
	b = le32(b, cdOffset)
	return le16(b, 0)
}

// fullOverlapZip is the simplest overlap bomb: one highly compressed kernel and n
// central directory entries that all point at its local header.
func fullOverlapZip(t testing.TB, n, kernel int) []byte {
	t.Helper()
	data := zerosDeflated(t, kernel)
	crc := crc32.ChecksumIEEE(make([]byte, kernel))
	out := localHeader("kernel", zip.Deflate, crc, uint32(len(data)), uint32(kernel))
	out = append(out, data...)
	var cd []byte
	for i := range n {
		cd = append(cd, centralHeader(string(rune('a'+i%26))+strconv.Itoa(i), zip.Deflate, crc, uint32(len(data)), uint32(kernel), 0)...)
	}
	off := len(out)
	out = append(out, cd...)
	return append(out, endRecord(uint16(n), uint32(len(cd)), uint32(off))...)
}

// quotedOverlapZip is David Fifield's construction ("A better zip bomb", zbsm): entry
// i's deflate stream begins with a non-compressed block that quotes entry i+1's local
// header, then continues into entry i+1's data, so every entry expands to the whole
// kernel plus the headers after it, while every local header is distinct.
func quotedOverlapZip(t testing.TB, n, kernel int) []byte {
	t.Helper()
	names := make([]string, n)
	for i := range names {
		names[i] = "f" + strconv.Itoa(i)
	}
	kdata := zerosDeflated(t, kernel)
	// Built back to front: tail[i] is entry i's compressed data, full[i] its expansion.
	tail := kdata
	crc := crc32.NewIEEE()
	crc.Write(make([]byte, kernel))
	sum := crc.Sum32()
	usize := uint32(kernel)
	type ent struct {
		lfh, data         []byte
		crc, usize, csize uint32
	}
	ents := make([]ent, n)
	ents[n-1] = ent{data: kdata, crc: sum, usize: usize, csize: uint32(len(kdata))}
	ents[n-1].lfh = localHeader(names[n-1], zip.Deflate, sum, uint32(len(kdata)), usize)
	// full expansion of entry i = lfh[i+1] + expansion of entry i+1.
	prefixCRC := []byte{} // the quoted bytes in front of the kernel, for entry i
	for i := n - 2; i >= 0; i-- {
		next := ents[i+1].lfh
		// Stored, non-final deflate block: BFINAL=0, BTYPE=00, LEN, NLEN, then bytes.
		blk := []byte{0x00}
		blk = le16(blk, uint16(len(next)))
		blk = le16(blk, ^uint16(len(next)))
		blk = append(blk, next...)
		tail = append(blk, tail...)
		prefixCRC = append(slices.Clone(next), prefixCRC...)
		c := crc32.NewIEEE()
		c.Write(prefixCRC)
		c.Write(make([]byte, kernel))
		u := uint32(len(prefixCRC) + kernel)
		ents[i] = ent{data: tail, crc: c.Sum32(), usize: u, csize: uint32(len(tail))}
		ents[i].lfh = localHeader(names[i], zip.Deflate, c.Sum32(), uint32(len(tail)), u)
	}
	// Layout: lfh[0] data[0]; data[0] = stored(lfh[1]) + stored(lfh[2]) ... + kernel, so
	// lfh[i] sits inside entry 0's data.
	out := append(slices.Clone(ents[0].lfh), ents[0].data...)
	offsets := make([]int, n)
	offsets[0] = 0
	pos := len(ents[0].lfh)
	for i := 1; i < n; i++ {
		pos += 5 // the stored block header quoting lfh[i]
		offsets[i] = pos
		pos += len(ents[i].lfh)
	}
	var cd []byte
	for i := range n {
		cd = append(cd, centralHeader(names[i], zip.Deflate, ents[i].crc, ents[i].csize, ents[i].usize, uint32(offsets[i]))...)
	}
	off := len(out)
	out = append(out, cd...)
	return append(out, endRecord(uint16(n), uint32(len(cd)), uint32(off))...)
}

// recursiveZip is the 42.zip pattern: fan copies of the level below at every level, the
// leaves each holding leaf zero bytes; it would expand to fan^depth * leaf bytes.
func recursiveZip(t testing.TB, depth, fan, leaf int) []byte {
	t.Helper()
	data := zerosDeflated(t, leaf)
	var entries []rawEntry
	for i := range fan {
		entries = append(entries, rawEntry{name: "0" + strconv.Itoa(i) + ".txt", data: data, method: zip.Deflate,
			crc: crc32.ChecksumIEEE(make([]byte, leaf)), usize: uint64(leaf)})
	}
	z := makeRawZip(t, entries...)
	for d := 1; d < depth; d++ {
		var files []zfile
		for i := range fan {
			files = append(files, zfile{name: "lib" + strconv.Itoa(d) + "-" + strconv.Itoa(i) + ".zip", body: z})
		}
		z = makeZip(t, files...)
	}
	return z
}

// zip64Claim is a one-entry zip whose zip64 end record claims records entries.
func zip64Claim(t testing.TB, records uint64) []byte {
	z := makeZip(t, zfile{name: "a.txt", body: txt("one real entry\n")})
	end := z[len(z)-endLen:]
	cdSize := uint64(binary.LittleEndian.Uint32(end[12:]))
	cdOff := uint64(binary.LittleEndian.Uint32(end[16:]))
	z = z[:len(z)-endLen]
	end64 := uint64(len(z))
	b := le32(bytes.Clone(z), sigEnd64)
	b = le64(b, 44)
	b = le16(b, 45)
	b = le16(b, 45)
	b = le32(b, 0)
	b = le32(b, 0)
	b = le64(b, records)
	b = le64(b, records)
	b = le64(b, cdSize)
	b = le64(b, cdOff)
	loc := le32(nil, sigEnd64Loc)
	loc = le32(loc, 0)
	loc = le64(loc, end64)
	loc = le32(loc, 1)
	out := append(b, loc...)
	return append(out, endRecord(0xffff, 0xffffffff, 0xffffffff)...)
}

// writeCorpus writes the generated corpus files into dir and returns their paths, for
// the conformance suite, the goldens and the fuzz seeds.
func writeCorpus(t testing.TB, dir string) []string {
	t.Helper()
	var paths []string
	for _, c := range generated(t) {
		p := filepath.Join(dir, c.name)
		if err := os.WriteFile(p, c.data, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

// toZip64 rewrites a zip so that its central directory and end records use the zip64
// forms: saturated 32-bit fields, a zip64 extra field per entry, a zip64 end record and
// its locator. The local headers stay as they are, as many writers leave them.
func toZip64(t testing.TB, z []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(z), int64(len(z)))
	if err != nil {
		t.Fatal(err)
	}
	var out, cd []byte
	for _, f := range zr.File {
		rc, err := f.OpenRaw()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		off := len(out)
		out = append(out, localHeader(f.Name, f.Method, f.CRC32, uint32(len(data)), uint32(f.UncompressedSize64))...)
		out = append(out, data...)
		h := centralHeader(f.Name, f.Method, f.CRC32, 0xffffffff, 0xffffffff, 0xffffffff)
		extra := le16(nil, extraZip64)
		extra = le16(extra, 24)
		extra = le64(extra, f.UncompressedSize64)
		extra = le64(extra, uint64(len(data)))
		extra = le64(extra, uint64(off))
		binary.LittleEndian.PutUint16(h[30:], uint16(len(extra)))
		cd = append(cd, append(h, extra...)...)
	}
	cdOff := len(out)
	out = append(out, cd...)
	end64 := len(out)
	b := le32(nil, sigEnd64)
	b = le64(b, 44)
	b = le16(b, 45)
	b = le16(b, 45)
	b = le32(b, 0)
	b = le32(b, 0)
	b = le64(b, uint64(len(zr.File)))
	b = le64(b, uint64(len(zr.File)))
	b = le64(b, uint64(len(cd)))
	b = le64(b, uint64(cdOff))
	out = append(out, b...)
	loc := le32(nil, sigEnd64Loc)
	loc = le32(loc, 0)
	loc = le64(loc, uint64(end64))
	loc = le32(loc, 1)
	out = append(out, loc...)
	return append(out, endRecord(0xffff, 0xffffffff, 0xffffffff)...)
}
