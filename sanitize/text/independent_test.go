package text

// Independent verification: the outputs are checked with tools that share no code with the
// sanitizer (glibc iconv, Python's csv module, LibreOffice Calc), and against strings
// written down here rather than derived from the sanitizer.

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sekisho/sekisho/internal/testtool"
)

func corpusFile(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(corpusDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// Sentences that must survive byte-exact (the 文字化け test).
var (
	jaCommon = []string{"関所ゲートウェイ試験文書\n", "本日は晴天なり。メールの無害化を行います。\n", "English line with ASCII only.\n"}
	jaCP932  = []string{"機種依存文字：①②③ ㈱ 髙橋 﨑 ～ ∑\n", "半角カナ：ｱｲｳｴｵ\n"}
	jaJIS    = []string{"住所：東京都千代田区霞が関一丁目\n"}
)

func TestJapaneseSentencesSurvive(t *testing.T) {
	s := New(Options{})
	tests := []struct {
		file string
		want [][]string
	}{
		{"utf8-clean.txt", [][]string{jaCommon, jaCP932}},
		{"utf8-bom.txt", [][]string{jaCommon, jaCP932}},
		{"sjis-cp932.txt", [][]string{jaCommon, jaCP932}},
		{"utf16le-bom.txt", [][]string{jaCommon, jaCP932}},
		{"eucjp.txt", [][]string{jaCommon, jaJIS}},
		{"iso2022jp.txt", [][]string{jaCommon, jaJIS}},
		{"ja-newsletter-sjis.html", [][]string{{"いつもお世話になっております。関所ゲートウェイ運用チームです。\n",
			"１２月３日 | 定期メンテナンス | 髙橋\n", "（①１２月３日　②１２月１０日）"}}},
		{"meibo-sjis.csv", [][]string{{"髙橋花子,タカハシハナコ,情報政策課,", "\"①件目の申請\n（改行を含むセル）\"", "㈱関所商事\n"}}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			out, _, err := sanitizeBytes(t, s, "", corpusFile(t, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if !utf8.Valid(out) {
				t.Fatal("output is not valid UTF-8")
			}
			for _, group := range tc.want {
				for _, w := range group {
					if !bytes.Contains(out, []byte(w)) {
						t.Errorf("output lacks %q", w)
					}
				}
			}
			if bytes.ContainsRune(out, Geta) {
				t.Errorf("output has 〓: something did not decode")
			}
		})
	}
}

// TestDecodeAgreesWithIconv decodes each legacy-charset file with glibc iconv and compares
// with our output (after the LF normalization both sides must share).
func TestDecodeAgreesWithIconv(t *testing.T) {
	iconv := testtool.Need(t, "iconv")
	s := New(Options{})
	tests := []struct{ file, charset string }{
		{"sjis-cp932.txt", "CP932"},
		{"eucjp.txt", "EUC-JP"},
		{"iso2022jp.txt", "ISO-2022-JP"},
		{"utf16le-bom.txt", "UTF-16"},
		{"meibo-sjis.csv", "CP932"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			want, err := exec.Command(iconv, "-f", tc.charset, "-t", "UTF-8", filepath.Join(corpusDir, tc.file)).Output()
			if err != nil {
				t.Fatalf("iconv: %v", err)
			}
			want = bytes.ReplaceAll(want, []byte("\r\n"), []byte("\n"))
			if strings.HasSuffix(tc.file, ".csv") {
				// Compare cell values, not quoting: the CSV is re-serialized.
				wantRecs, err := csv.NewReader(bytes.NewReader(want)).ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				out, _, err := sanitizeBytes(t, s, "", corpusFile(t, tc.file))
				if err != nil {
					t.Fatal(err)
				}
				gotRecs, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				for i := range wantRecs {
					for j := range wantRecs[i] {
						g := strings.TrimPrefix(gotRecs[i][j], "'")
						if g != wantRecs[i][j] {
							t.Errorf("record %d cell %d = %q, iconv says %q", i, j, g, wantRecs[i][j])
						}
					}
				}
				return
			}
			out, _, err := sanitizeBytes(t, s, "", corpusFile(t, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out, want) {
				t.Errorf("our decoding differs from iconv's:\n got %q\nwant %q", out, want)
			}
		})
	}
}

// pythonFormulaCheck is an independent statement of the OWASP rule in Python's csv module:
// every cell whose first character after spaces and quotes could start a formula must
// carry the apostrophe, unless it is a plain number.
const pythonFormulaCheck = `
import csv, re, sys
bad = []
trig = set("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b\u2212")
num = re.compile(r"[+-]?\d+(\.\d+)?([eE][+-]?\d+)?\Z")
delim = sys.argv[2]
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    for row in csv.reader(f, delimiter=delim, strict=True):
        for cell in row:
            s = cell.lstrip(' "\u3000\u00a0\uff02')
            if s and s[0] in trig and not cell.startswith("'") and not num.match(cell):
                bad.append(cell)
            if delim == ",":
                # where ';' is the list separator, each segment is a cell of its own
                for seg in cell.split(";")[1:]:
                    t = seg.lstrip(' "\u3000\u00a0\uff02')
                    if t and t[0] in trig and not seg.startswith("'") and not num.match(seg):
                        bad.append(cell)
for b in bad:
    print(repr(b))
sys.exit(1 if bad else 0)
`

func TestCSVCellsNeutralizedPython(t *testing.T) {
	py := testtool.Need(t, "python3")
	s := New(Options{})
	dir := t.TempDir()
	for _, file := range []string{"formulas.csv", "meibo-utf8.csv", "meibo-sjis.csv", "sheet.tsv"} {
		t.Run(file, func(t *testing.T) {
			out, _, err := sanitizeBytes(t, s, "", corpusFile(t, file))
			if err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(dir, file)
			if err := os.WriteFile(p, out, 0o644); err != nil {
				t.Fatal(err)
			}
			delim := ","
			if strings.HasSuffix(file, ".tsv") {
				delim = "\t"
			}
			if msg, err := exec.Command(py, "-c", pythonFormulaCheck, p, delim).CombinedOutput(); err != nil {
				t.Errorf("python csv check failed: %v\n%s", err, msg)
			}
		})
	}
	// The check must be able to fail: the raw hostile file does not pass it.
	if err := exec.Command(py, "-c", pythonFormulaCheck, filepath.Join(corpusDir, "formulas.csv"), ",").Run(); err == nil {
		t.Error("python check passed the unneutralized formulas.csv; it cannot detect anything")
	}
}

// TestCSVInertInLibreOffice opens the neutralized CSV in LibreOffice Calc with formula
// evaluation on and exports the values: each must equal the cell text we wrote. The
// original file is the control: there LibreOffice does evaluate (HYPERLINK shows its
// label, the DDE call an error).
func TestCSVInertInLibreOffice(t *testing.T) {
	if testing.Short() {
		t.Skip("starts LibreOffice")
	}
	soffice := testtool.Need(t, "soffice")
	s := New(Options{})
	dir := t.TempDir()
	out, _, err := sanitizeBytes(t, s, "", corpusFile(t, "formulas.csv"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "ours.csv"), out, 0o644)
	os.WriteFile(filepath.Join(dir, "orig.csv"), corpusFile(t, "formulas.csv"), 0o644)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// Import: comma, double quote, UTF-8, line 1, standard cells, evaluate formulas (token 13).
	// Export: values as shown, not formulas.
	cmd := exec.CommandContext(ctx, soffice, "--headless", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--infilter=Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1,true",
		"--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,true,true,false,false",
		"--outdir", filepath.Join(dir, "out"), filepath.Join(dir, "ours.csv"), filepath.Join(dir, "orig.csv"))
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, msg)
	}
	read := func(p string) [][]string {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		return recs
	}
	ours, lo := read(filepath.Join(dir, "ours.csv")), read(filepath.Join(dir, "out", "ours.csv"))
	for i := range ours {
		for j := range ours[i] {
			if ours[i][j] != lo[i][j] && !(plainNumber(ours[i][j]) || plainNumber(lo[i][j])) {
				t.Errorf("LibreOffice read cell %d/%d %q as %q: it was evaluated", i, j, ours[i][j], lo[i][j])
			}
		}
	}
	orig, loOrig := read(filepath.Join(dir, "orig.csv")), read(filepath.Join(dir, "out", "orig.csv"))
	evaluated := 0
	for i := range orig {
		for j := range orig[i] {
			if orig[i][j] != loOrig[i][j] && !plainNumber(orig[i][j]) {
				evaluated++
			}
		}
	}
	if evaluated == 0 {
		t.Error("control: LibreOffice evaluated no formula of the original file; the check proves nothing")
	}
}

func TestHTMLOutputHasNoHiddenText(t *testing.T) {
	s := New(Options{})
	tests := []struct {
		file      string
		visible   []string
		forbidden []string
	}{
		{"newsletter.html",
			[]string{"# Weekly Digest — November", "Widget | Pro | $25", "New office opened in Osaka <https://example.com/osaka>",
				"  1. Revenue up 12%", "https://www.paypal.com/login <https://www.paypal.com.evil.example/login>", "Shown on desktop."},
			[]string{"PREHEADER", "OUTLOOK ONLY", "SECRET", "ZERO SIZE", "HIDDEN ATTRIBUTE", "VISIBILITY HIDDEN", "NOSCRIPT",
				"TEMPLATE", "TRACKING", "SECOND SCRIPT", "window.track", "alert", "javascript", "Weekly Digest</", "<script", "pixel.gif"}},
		{"ja-newsletter-sjis.html",
			[]string{"# 関所だより　第12号", "詳しくはお知らせページ <https://example.jp/news/12>をご覧ください。"},
			[]string{"非表示", "隠しテキスト", "スクリプト", "document.write", "関所だより 第12号"}},
		{"ja-newsletter-utf8.html",
			[]string{"2. 添付ファイルの上限を２５ＭＢに変更します。"},
			[]string{"非表示", "隠しテキスト", "スクリプト"}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			out, _, err := sanitizeBytes(t, s, "", corpusFile(t, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range tc.visible {
				if !bytes.Contains(out, []byte(v)) {
					t.Errorf("output lacks visible text %q", v)
				}
			}
			for _, f := range tc.forbidden {
				if bytes.Contains(out, []byte(f)) {
					t.Errorf("output contains %q, which is hidden or script", f)
				}
			}
		})
	}
}
