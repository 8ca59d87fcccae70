package archive

import (
	"hash/crc32"
	"strings"
	"testing"
)

func TestCleanName(t *testing.T) {
	tests := []struct {
		in, want, problem string
	}{
		{in: "a.txt", want: "a.txt"},
		{in: "dir/", want: "dir/"},
		{in: "dir/sub/a.txt", want: "dir/sub/a.txt"},
		{in: "a//b/./c.txt", want: "a/b/c.txt"},
		{in: "会議資料/議事録.docx", want: "会議資料/議事録.docx"},
		{in: ".hidden", want: ".hidden"},
		{in: "..a", want: "..a"},
		{in: `<html>/a|b?"c"*.txt`, want: "_html_/a_b__c__.txt"}, // Windows' reserved characters, as 7-Zip extracts them
		{in: "%PDF-1.7 <</Type/Catalog>>", want: "%PDF-1.7 __/Type/Catalog__"},
		{in: "", problem: "empty name"},
		{in: "./", problem: "empty name"},
		{in: "../x", problem: "path traversal"},
		{in: "a/../../x", problem: "path traversal"},
		{in: "a/..", problem: "path traversal"},
		{in: "/etc/passwd", problem: "absolute path"},
		{in: `C:\x`, problem: "drive letter"},
		{in: "C:x", problem: "drive letter"},
		{in: "a.txt:Zone.Identifier", problem: "colon"},
		{in: `a\b`, problem: "backslash"},
		{in: `\\server\share\x`, problem: "backslash"},
		{in: "a\x00b", problem: "NUL"},
		{in: "a\nb", problem: "control character"},
		{in: "a\u0085b", problem: "control character"},
		{in: "report\u202Efdp.exe", problem: "invisible format character"},
		{in: "a\u200Bb", problem: "invisible format character"},
		{in: "CON", problem: "reserved device name CON"},
		{in: "dir/con.txt", problem: "reserved device name CON"},
		{in: "Lpt1.log", problem: "reserved device name LPT1"},
		{in: "COM¹", problem: "reserved device name COM¹"},
		{in: "conin$", problem: "reserved device name CONIN$"},
		{in: "nul .txt", problem: "reserved device name NUL"},
		{in: "console.txt", want: "console.txt"},
		{in: "a.txt.", problem: "ends with a dot or space"},
		{in: "dir /a.txt", problem: "ends with a dot or space"},
		{in: "...", problem: "ends with a dot"},
		{in: strings.Repeat("a", 256), problem: "component too long"},
		{in: strings.Repeat("a/", 600), problem: "name too long"},
	}
	for _, tc := range tests {
		got, problem := cleanName(tc.in)
		if got != tc.want || !strings.Contains(problem, tc.problem) || (tc.problem == "") != (problem == "") {
			t.Errorf("cleanName(%q) = %q, %q; want %q, %q", tc.in, got, problem, tc.want, tc.problem)
		}
	}
}

func TestDecodeName(t *testing.T) {
	tests := []struct {
		name          string
		raw           string
		flag          bool
		want, problem string
		noted         bool
	}{
		{name: "ascii", raw: "a.txt", want: "a.txt"},
		{name: "utf8 flagged", raw: "議事録.txt", flag: true, want: "議事録.txt"},
		{name: "utf8 unflagged (macOS)", raw: "議事録.txt", want: "議事録.txt"},
		{name: "cp932", raw: "\x8b\x63\x8e\x96\x98\x5e.txt", want: "議事録.txt", noted: true},
		{name: "cp932 backslash trail byte", raw: "\x95\x5c.csv", want: "表.csv", noted: true},
		{name: "cp932 half-width katakana", raw: "\xb6\xc5.txt", want: "ｶﾅ.txt", noted: true},
		{name: "flagged but invalid", raw: "\x8b\x63.txt", flag: true, problem: "not valid UTF-8"},
		{name: "undecodable replaced", raw: "\x81\x20x.txt", want: "\ufffd x.txt", noted: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, note, problem := decodeName(tc.raw, tc.flag)
			if got != tc.want || (note != "") != tc.noted || !strings.Contains(problem, tc.problem) {
				t.Errorf("decodeName(%q, %v) = %q, %q, %q; want %q (note %v), problem %q", tc.raw, tc.flag, got, note, problem, tc.want, tc.noted, tc.problem)
			}
		})
	}
}

func TestUnicodePathName(t *testing.T) {
	raw := "\x8b\x63\x8e\x96.txt"
	field := func(sum uint32, name string) []byte {
		b := le16(nil, 0x7075)
		b = le16(b, uint16(5+len(name)))
		b = append(b, 1)
		b = le32(b, sum)
		return append(b, name...)
	}
	tests := []struct {
		name  string
		extra []byte
		want  string
	}{
		{"matching crc", field(crc32.ChecksumIEEE([]byte(raw)), "議事.txt"), "議事.txt"},
		{"stale crc", field(1, "議事.txt"), ""},
		{"after another field", append([]byte{0x55, 0x54, 1, 0, 0}, field(crc32.ChecksumIEEE([]byte(raw)), "議事.txt")...), "議事.txt"},
		{"overrun", []byte{0x75, 0x70, 50, 0, 1}, ""},
		{"none", nil, ""},
	}
	for _, tc := range tests {
		if got := unicodePathName(tc.extra, raw); got != tc.want {
			t.Errorf("unicodePathName(%s) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestNameSet(t *testing.T) {
	s := newNameSet()
	steps := []struct {
		name string
		dir  bool
		want string // conflict substring, "" for none
	}{
		{"docs/", true, ""},
		{"docs/a.txt", false, ""},
		{"DOCS/A.TXT", false, "duplicate of docs/a.txt"},
		{"docs/a.txt/b.txt", false, "its directory is the file docs/a.txt"},
		{"docs", false, "a directory has the same name"},
		{"docs/", true, "duplicate of docs/"},
		{"\u304b\u3099.txt", false, ""}, // が in NFD, as macOS stores it
		{"が.txt", false, "duplicate of"},
		{"sub/x.txt", false, ""},
		{"sub/", true, ""}, // implied first, explicit later: fine
	}
	for _, st := range steps {
		got := s.conflict(st.name, st.dir)
		if (st.want == "") != (got == "") || !strings.Contains(got, st.want) {
			t.Errorf("conflict(%q, %v) = %q, want %q", st.name, st.dir, got, st.want)
		}
		if got == "" {
			s.add(st.name, st.dir)
		}
	}
	if got, want := s.free("docs/a.txt"), "docs/a (2).txt"; got != want {
		t.Errorf("free(docs/a.txt) = %q, want %q", got, want)
	}
	if got, want := s.free("new.txt"), "new.txt"; got != want {
		t.Errorf("free(new.txt) = %q, want %q", got, want)
	}
}

func TestDisplayName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a.txt", "a.txt"},
		{"議事録.txt", "議事録.txt"},
		{"a\x00b", `a\u0000b`},
		{"a\x1b[31m", `a\u001B[31m`},
		{"x\u202Etxt.exe", `x\u202Etxt.exe`},
		{"\x8b\x63", `\x8bc`},
	}
	for _, tc := range tests {
		if got := displayName(tc.in); got != tc.want {
			t.Errorf("displayName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
