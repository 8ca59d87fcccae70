package pdf

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
)

func hasKind(res sanitize.Result, k sanitize.ActionKind, detail string) bool {
	return slices.ContainsFunc(res.Actions, func(a sanitize.Action) bool {
		return a.Kind == k && strings.Contains(a.Detail, detail)
	})
}

// TestOptionFonts: pdf.fonts drop removes every embedded program and says so; the text
// stays extractable through ToUnicode.
func TestOptionFonts(t *testing.T) {
	pdftotext := testtool.Need(t, "pdftotext")
	in := filepath.Join(corpusDir, "ja-multipage.pdf")
	for _, tc := range []struct {
		fonts    string
		programs bool
	}{{"", true}, {FontsKeepValid, true}, {FontsDrop, false}, {"unknown-value", false}} {
		t.Run("fonts="+tc.fonts, func(t *testing.T) {
			out, res, err := run(t, New(Options{Fonts: tc.fonts}), readFile(t, in))
			if err != nil {
				t.Fatal(err)
			}
			if got := bytes.Contains(out, []byte("/FontFile2")); got != tc.programs {
				t.Errorf("font program in output = %v, want %v", got, tc.programs)
			}
			if got := hasKind(res, sanitize.ActRemovedFont, "pdf.fonts: drop"); got == tc.programs {
				t.Errorf("removed-font reported = %v, want %v: %v", got, !tc.programs, res.Actions)
			}
			file := filepath.Join(t.TempDir(), "out.pdf")
			if err := os.WriteFile(file, out, 0o644); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(text(t, pdftotext, file), "第一章 申請手続きについて") {
				t.Error("Japanese text lost")
			}
		})
	}
}

// TestOptionMetadata: strip keeps the title only and reports the rest; keep keeps the
// standard entries and the XMP packet (written again) and reports nothing.
func TestOptionMetadata(t *testing.T) {
	p := basePDF("/Metadata 6 0 R", "")
	p.add(stream("/Type /Metadata /Subtype /XML", []byte(`<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="Writer C:\Users\tanaka">
<dc:title><rdf:Alt><rdf:li xml:lang="ja">市報 十二月号</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>田中 太郎</rdf:li></rdf:Seq></dc:creator>
</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`), false))
	p.add("<< /Title <FEFF5E02583100310032670853F7> /Author (Tanaka Taro) /Producer (Writer 7.4) /Company (Example City) /CreationDate (D:20261201) >>")
	data, _ := p.bytes("/Info 7 0 R")

	out, res, err := run(t, New(Options{}), data)
	if err != nil {
		t.Fatal(err)
	}
	for _, gone := range []string{"Tanaka", "Writer", "Example City", "20261201", "tanaka", "田中"} {
		if bytes.Contains(out, []byte(gone)) {
			t.Errorf("strip: %q survived", gone)
		}
	}
	if !bytes.Contains(out, []byte("市報 十二月号")) || !bytes.Contains(out, []byte("/Title")) {
		t.Error("strip: the title was lost")
	}
	if !hasKind(res, sanitize.ActRemovedMetadata, "/Author, /Company, /CreationDate, /Producer") ||
		!hasKind(res, sanitize.ActRemovedMetadata, "xmp:CreatorTool, dc:creator") {
		t.Errorf("strip: report %v", res.Actions)
	}

	out, res, err = run(t, New(Options{Metadata: MetadataKeep}), data)
	if err != nil {
		t.Fatal(err)
	}
	for _, kept := range []string{"Tanaka Taro", "Writer 7.4", "Example City", "田中 太郎", "市報 十二月号"} {
		if !bytes.Contains(out, []byte(kept)) {
			t.Errorf("keep: %q lost", kept)
		}
	}
	if hasKind(res, sanitize.ActRemovedMetadata, "") {
		t.Errorf("keep: report %v", res.Actions)
	}
}
