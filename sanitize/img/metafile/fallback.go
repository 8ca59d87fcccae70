package metafile

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"golang.org/x/image/font/sfnt"
)

// The Go fonts have no CJK characters, and most text in the metafiles of Japanese
// municipal documents (chart labels, captions) is Japanese. Characters the Go fonts lack
// are drawn from a system CJK font when one is installed: IPA Gothic, or IPA Mincho for
// serif faces (ＭＳ 明朝 and the like), or Noto Sans/Serif CJK where the IPA fonts are
// missing. These are trusted files of the operating system (Debian fonts-ipafont-gothic,
// fonts-ipafont-mincho, fonts-noto-cjk), not input: read once, when a picture first needs
// them, parsed with sfnt and shared by every rendering.

// gothicPaths and minchoPaths are where Debian, Ubuntu, Fedora and Alpine install the IPA
// fonts, then the Noto CJK collections; the first that parses is used. IPA comes first
// because its glyphs are the ones LibreOffice draws for MS Gothic and MS Mincho.
var (
	gothicPaths = []string{
		"/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf",
		"/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
		"/usr/share/fonts/ipa-gothic/ipag.ttf",
		"/usr/share/fonts/ipa-gothic-fonts/ipag.ttf",
		"/usr/share/fonts/truetype/ipafont-gothic/ipag.ttf",
		"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
		"/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
		"/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
		"/usr/share/fonts/noto/NotoSansCJK-Regular.ttc",
	}
	minchoPaths = []string{
		"/usr/share/fonts/opentype/ipafont-mincho/ipam.ttf",
		"/usr/share/fonts/truetype/fonts-japanese-mincho.ttf",
		"/usr/share/fonts/ipa-mincho/ipam.ttf",
		"/usr/share/fonts/ipa-mincho-fonts/ipam.ttf",
		"/usr/share/fonts/truetype/ipafont-mincho/ipam.ttf",
		"/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
		"/usr/share/fonts/google-noto-cjk/NotoSerifCJK-Regular.ttc",
		"/usr/share/fonts/noto-cjk/NotoSerifCJK-Regular.ttc",
		"/usr/share/fonts/noto/NotoSerifCJK-Regular.ttc",
	}
)

// maxFontBytes bounds a system font file (the IPA fonts are 6 and 8 MB, the Noto CJK
// collections 19 and 26 MB).
const maxFontBytes = 32 << 20

// cjkSet holds the fallback fonts found; either may be nil.
type cjkSet struct {
	gothic, mincho *sfnt.Font
}

var cjkFonts = sync.OnceValue(func() cjkSet {
	return cjkSet{gothic: loadFirst(gothicPaths), mincho: loadFirst(minchoPaths)}
})

// loadFirst parses the first of paths that is a font file within maxFontBytes.
func loadFirst(paths []string) *sfnt.Font {
	for _, p := range paths {
		if f, err := loadFont(p); err == nil {
			return f
		}
	}
	return nil
}

func loadFont(path string) (*sfnt.Font, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() > maxFontBytes {
		return nil, fmt.Errorf("metafile: font %s larger than %d bytes", path, maxFontBytes)
	}
	// Read to the size exactly: the font stays in memory for the life of the process.
	b := make([]byte, st.Size())
	if _, err := io.ReadFull(fh, b); err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(b, []byte("ttcf")) {
		return sfnt.Parse(b)
	}
	c, err := sfnt.ParseCollection(b)
	if err != nil {
		return nil, err
	}
	return japaneseFace(c)
}

// japaneseFace picks the Japanese member of a CJK collection: Noto's hold one font per
// region (JP, KR, SC, TC, HK) whose Han glyphs differ in shape, so a Japanese document's
// text is drawn with the JP forms. Without one named so, the first font is used.
func japaneseFace(c *sfnt.Collection) (*sfnt.Font, error) {
	var buf sfnt.Buffer
	var first *sfnt.Font
	for i := range c.NumFonts() {
		f, err := c.Font(i)
		if err != nil {
			continue
		}
		if first == nil {
			first = f
		}
		name, err := f.Name(&buf, sfnt.NameIDFamily)
		if err == nil && strings.Contains(name, " JP") {
			return f, nil
		}
	}
	if first == nil {
		return nil, fmt.Errorf("metafile: font collection holds no usable font")
	}
	return first, nil
}

// SystemFonts says which CJK fallback fonts this process draws with (loading them if it
// has not yet), for a startup log line or a health check.
func SystemFonts() (gothic, mincho bool) {
	s := cjkFonts()
	return s.gothic != nil, s.mincho != nil
}

// serifFaces are (lower-case) parts of the names of serif faces, Japanese, Chinese and
// Korean ones (their Han characters are drawn in mincho) and the common Latin ones.
var serifFaces = []string{"mincho", "simsun", "song", "mingliu", "batang", "times", "century"}

// fallback returns the system font for a face name, mincho for serif faces and gothic
// otherwise (each standing in for the other when only one is installed), or nil.
func (lf *logFont) fallback() *sfnt.Font {
	s := cjkFonts()
	face := strings.ToLower(lf.face)
	serif := (strings.Contains(face, "serif") && !strings.Contains(face, "sans")) ||
		strings.ContainsFunc(face, func(r rune) bool { return r == '明' || r == '宋' }) // 明朝, 細明體, 宋体
	for _, name := range serifFaces {
		serif = serif || strings.Contains(face, name)
	}
	if serif && s.mincho != nil || s.gothic == nil {
		return s.mincho
	}
	return s.gothic
}
