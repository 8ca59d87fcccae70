package render

import (
	"bytes"
	"image"
	"image/color"
	"strings"
	"testing"
)

func TestToUnicode(t *testing.T) {
	var c cidMap = newCIDMap()
	for _, r := range "日本日𠮷a" {
		c.id(r)
	}
	got := string(toUnicode(c.runes))
	for _, want := range []string{"4 beginbfchar", "<0001> <65E5>", "<0002> <672C>", "<0003> <D842DFB7>", "<0004> <0061>"} {
		if !strings.Contains(got, want) {
			t.Errorf("ToUnicode CMap lacks %q:\n%s", want, got)
		}
	}
}

func TestWriteText(t *testing.T) {
	tests := []struct {
		name string
		run  textRun
		want []string
	}{
		{"horizontal", textRun{x: 10, y: 20, w: 40, h: 10, text: "本日"}, []string{"/F0 10 Tf 200 Tz 1 0 0 1 10 21.5 Tm <00010002> Tj"}},
		{"vertical", textRun{x: 10, y: 20, w: 10, h: 40, vertical: true, text: "本日"}, []string{"/F0 10 Tf 100 Tz 1 0 0 1 10 43 Tm <0001> Tj", "1 0 0 1 10 23 Tm <0002> Tj"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			c := newCIDMap()
			writeText(&b, []textRun{tt.run}, &c)
			got := b.String()
			if !strings.HasPrefix(got, "BT 3 Tr\n") || !strings.HasSuffix(got, "ET\n") {
				t.Errorf("text block %q is not invisible text in BT/ET", got)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("got %q, want it to contain %q", got, w)
				}
			}
		})
	}
}

func TestAnalyse(t *testing.T) {
	page := func(fill color.RGBA, spot color.RGBA, n int) *image.RGBA {
		img := image.NewRGBA(image.Rect(0, 0, 100, 100))
		for i := range 100 * 100 {
			c := fill
			if i < n {
				c = spot
			}
			img.SetRGBA(i%100, i/100, c)
		}
		return img
	}
	white, black := color.RGBA{255, 255, 255, 255}, color.RGBA{0, 0, 0, 255}
	red, mid := color.RGBA{200, 30, 30, 255}, color.RGBA{128, 128, 128, 255}
	tests := []struct {
		name       string
		img        *image.RGBA
		transp     bool
		colour     bool
		lineArtish bool
	}{
		{"text page", page(white, black, 800), false, false, true},
		{"red heading", page(white, red, 800), false, true, true},
		{"gray photo", page(mid, white, 100), false, false, false},
		{"transparent black background composites to white", page(color.RGBA{0, 0, 0, 0}, black, 100), true, false, true},
	}
	for _, tt := range tests {
		st := analyse(tt.img, tt.transp)
		if st.colour != tt.colour || (st.flat >= lineArt) != tt.lineArtish {
			t.Errorf("%s: got colour %v flat %.2f, want colour %v line art %v", tt.name, st.colour, st.flat, tt.colour, tt.lineArtish)
		}
	}
}

func TestPack4(t *testing.T) {
	got := pack4([]byte{0, 255, 128, 17, 255}, 5)
	want := []byte{0x0f, 0x81, 0xf0}
	if !bytes.Equal(got, want) {
		t.Errorf("pack4 = %x, want %x", got, want)
	}
}
