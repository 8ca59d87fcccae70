package archive

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"golang.org/x/text/encoding/japanese"
)

// corpusFile is one generated corpus file. Names starting with "bad-" must be refused
// (an error, or a verdict without output), as sanitizetest.Run expects.
type corpusFile struct {
	name string
	data []byte
}

var (
	corpusOnce sync.Once
	corpusData []corpusFile
)

// generated builds the corpus once per test binary; the builders are deterministic.
func generated(t testing.TB) []corpusFile {
	t.Helper()
	corpusOnce.Do(func() { corpusData = buildCorpus(t) })
	return corpusData
}

// minimalDocm is a macro-enabled Word package with the parts detection needs: the
// content types of a docm, its main part and a vbaProject.bin.
func minimalDocm(t testing.TB) []byte {
	return makeZip(t,
		zfile{name: "[Content_Types].xml", body: txt(`<?xml version="1.0" encoding="UTF-8"?>` +
			`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
			`<Default Extension="xml" ContentType="application/xml"/>` +
			`<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>` +
			`<Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/>` +
			`</Types>`)},
		zfile{name: "_rels/.rels", body: txt(`<?xml version="1.0" encoding="UTF-8"?>` +
			`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
			`</Relationships>`)},
		zfile{name: "word/document.xml", body: txt(`<?xml version="1.0" encoding="UTF-8"?>` +
			`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>macro</w:t></w:r></w:p></w:body></w:document>`)},
		zfile{name: "word/vbaProject.bin", body: txt("not really a VBA project")},
	)
}

func sjis(t testing.TB, s string) string {
	t.Helper()
	b, err := japanese.ShiftJIS.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// nestedZip is a zip holding a zip holding a zip with a docm: every level is walked,
// and the docm's fate is the engine's (cleaned by the ooxml family where registered).
func nestedZip(t testing.TB) []byte {
	deep := makeZip(t, zfile{name: "a.docm", body: minimalDocm(t)}, zfile{name: "note.txt", body: txt("deep note\n")})
	inner := makeZip(t,
		zfile{name: "table.csv", body: txt("a,b\n1,2\n")},
		zfile{name: "会議メモ.txt", body: txt("日本語のメモ\n")},
		zfile{name: "deep.zip", body: deep},
	)
	return makeZip(t,
		zfile{name: "readme.txt", body: txt("hello\n")},
		zfile{name: "docs/", mode: fs.ModeDir | 0o755},
		zfile{name: "docs/inner.zip", body: inner},
	)
}

func traversalZip(t testing.TB) []byte {
	return makeZip(t,
		zfile{name: "../../etc/passwd", body: txt("root:x:0:0\n")},
		zfile{name: "/etc/cron.d/x", body: txt("* * * * * root sh\n")},
		zfile{name: `C:\Windows\win.ini`, body: txt("[fonts]\n")},
		zfile{name: "C:evil.txt", body: txt("drive relative\n")},
		zfile{name: `docs\..\..\x.txt`, body: txt("backslash\n")},
		zfile{name: "CON.txt", body: txt("device\n")},
		zfile{name: "sub/nul", body: txt("device\n")},
		zfile{name: "a\x01b.txt", body: txt("control\n")},
		zfile{name: "invoice\u202etxt.exe", body: txt("rlo\n")},
		zfile{name: "trailing.txt.", body: txt("dot\n")},
		zfile{name: "ok.txt", body: txt("fine\n")},
		zfile{name: "OK.TXT", body: txt("duplicate\n")},
		zfile{name: "ok.txt/inside.txt", body: txt("file as dir\n")},
		zfile{name: "./dir/./x.txt", body: txt("dot segments\n")},
	)
}

func buildCorpus(t testing.TB) []corpusFile {
	var c []corpusFile
	add := func(name string, data []byte) { c = append(c, corpusFile{name, data}) }

	add("nested.zip", nestedZip(t))
	add("traversal.zip", traversalZip(t))
	add("symlink-go.zip", makeZip(t,
		zfile{name: "link", body: txt("/etc/shadow"), mode: fs.ModeSymlink | 0o777},
		zfile{name: "fifo", mode: fs.ModeNamedPipe | 0o644},
		zfile{name: "readme.txt", body: txt("the real file\n")},
	))
	add("cp932-names.zip", makeZip(t,
		zfile{name: sjis(t, "会議資料.txt"), body: txt("資料\n"), nonUTF8: true},
		zfile{name: sjis(t, "表/ソフト.csv"), body: txt("x,y\n"), nonUTF8: true}, // 0x5C trail bytes
		zfile{name: "ascii.txt", body: txt("plain\n"), nonUTF8: true},
	))
	add("comments.zip", func() []byte {
		z := makeZip(t, zfile{name: "a.txt", body: txt("a\n"), comment: "entry comment"})
		return setZipComment(z, "archive comment")
	}())
	add("stored.zip", makeZip(t,
		zfile{name: "dir/", mode: fs.ModeDir | 0o755},
		zfile{name: "dir/a.txt", body: txt("stored text\n"), store: true},
		zfile{name: "dir/b.csv", body: txt("1,2,3\n"), store: true},
	))
	add("empty.zip", makeZip(t))
	add("bad-all-exe.zip", makeZip(t, zfile{name: "setup.exe", body: txt("MZ not really\n")}, zfile{name: "run.bat", body: txt("echo\n")}))
	add("bad-zipcrypto-go.zip", makeRawZip(t, rawEntry{name: "secret.txt", data: bytes.Repeat([]byte{0x5a}, 40), method: zip.Deflate, crc: 1, usize: 28, flags: flagEncrypted}))
	add("bad-aes.zip", makeRawZip(t, rawEntry{name: "secret.txt", data: bytes.Repeat([]byte{0xa5}, 48), method: methodAES, usize: 28,
		extra: []byte{0x01, 0x99, 7, 0, 2, 0, 'A', 'E', 3, 8, 0}}))
	add("bad-overlap-full.zip", fullOverlapZip(t, 16, 64<<10))
	add("bad-overlap-quoted.zip", quotedOverlapZip(t, 16, 64<<10))
	add("bad-42.zip", recursiveZip(t, 3, 16, 4<<20))
	add("bad-ratio.zip", makeRawZip(t, rawEntry{name: "zeros.txt", data: zerosDeflated(t, 8<<20), method: zip.Deflate,
		crc: crcZeros(8 << 20), usize: 8 << 20}))
	add("bad-million.zip", zip64Claim(t, 1_000_000))
	add("bad-cd-outside.zip", func() []byte {
		z := makeZip(t, zfile{name: "a.txt", body: txt("a\n")})
		binary.LittleEndian.PutUint32(z[len(z)-6:], 0x7fff0000)
		return z
	}())
	add("bad-crc.zip", func() []byte {
		z := makeZip(t, zfile{name: "a.txt", body: txt("checksummed text\n")})
		cd := bytes.LastIndex(z, []byte("PK\x01\x02"))
		binary.LittleEndian.PutUint32(z[cd+16:], 0xdeadbeef)
		return z
	}())
	add("bad-size-lie.zip", makeRawZip(t, rawEntry{name: "small.txt", data: deflated(t, bytes.Repeat([]byte("x"), 64<<10)), method: zip.Deflate,
		crc: 0, usize: 1000}))
	add("bad-truncated.zip", func() []byte { z := nestedZip(t); return z[:len(z)/2] }())
	add("bad-depth.zip", func() []byte {
		z := makeZip(t, zfile{name: "core.txt", body: txt("core\n")})
		for range 10 {
			z = makeZip(t, zfile{name: "layer.zip", body: z})
		}
		return z
	}())
	add("traversal.tar", makeTar(t, false,
		reg("../evil.txt", "escape\n"),
		reg("/etc/abs.txt", "absolute\n"),
		tarEntry{hdr: tar.Header{Name: "link", Typeflag: tar.TypeSymlink, Linkname: "/etc/shadow"}},
		tarEntry{hdr: tar.Header{Name: "hard", Typeflag: tar.TypeLink, Linkname: "ok/readme.txt"}},
		tarEntry{hdr: tar.Header{Name: "pipe", Typeflag: tar.TypeFifo}},
		tarEntry{hdr: tar.Header{Name: "tty", Typeflag: tar.TypeChar, Devmajor: 4, Devminor: 1}},
		tarEntry{hdr: tar.Header{Name: "ok/", Typeflag: tar.TypeDir, Mode: 0o755}},
		reg("ok/readme.txt", "kept\n"),
	))
	add("tree.tgz", makeTar(t, true,
		tarEntry{hdr: tar.Header{Name: "docs/", Typeflag: tar.TypeDir, Mode: 0o755}},
		reg("docs/a.txt", "alpha\n"),
		reg("docs/議事録.txt", "議事録\n"),
	))
	add("note.txt.gz", gzipBytes(t, "note.txt", txt("a gzip'ed note\n")))
	add("bad-payload-exe.gz", gzipBytes(t, "setup.exe", txt("MZ pretend\n")))
	return c
}

func crcZeros(n int) uint32 { return crc32.ChecksumIEEE(make([]byte, n)) }

// setZipComment rewrites the end record of z with an archive comment.
func setZipComment(z []byte, comment string) []byte {
	out := bytes.Clone(z[:len(z)-2])
	out = binary.LittleEndian.AppendUint16(out, uint16(len(comment)))
	return append(out, comment...)
}

// committed lists the files produced by real tools (see testdata/archive/README.md).
func committed(t testing.TB) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join("..", "..", "testdata", "archive", "*"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range m {
		if filepath.Ext(p) != ".md" {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		t.Fatal("no committed corpus under testdata/archive")
	}
	return out
}

func readFile(t testing.TB, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
