package sanitize

import (
	"bytes"
	"path"
	"strings"
)

// Ichitaro (一太郎, JustSystems) is the Japanese word processor many municipalities still
// write with. No reader here (nor LibreOffice) understands its formats, so they cannot be
// rebuilt, converted or rendered; but a person must be told what was held and what to do,
// in words a clerk recognises, not "unknown type (application/x-ole-storage)".
var ichitaroType = Type{Name: "ichitaro", Class: ClassOLE, MIME: "application/x-js-taro", Ext: ".jtd"}

// ichitaroExt are the extensions JustSystems' products write: documents (.jtd, and .jtdc
// when compressed), templates (.jtt, .jttc), the older 一太郎 formats (.jaw, .jbw, .juw) and
// 一太郎 slide documents (.jtdx is not a real extension and is absent on purpose).
var ichitaroExt = map[string]bool{
	".jtd": true, ".jtdc": true, ".jtt": true, ".jttc": true,
	".jaw": true, ".jbw": true, ".juw": true, ".jfw": true, ".jvw": true,
}

// ichitaroByContent recognises the Ichitaro 4-6 file header ("DOC" and a version byte at
// offset 43, as libmagic does); later versions are compound files, named by extension.
func ichitaroByContent(head []byte) bool {
	return len(head) > 43 && bytes.HasPrefix(head, []byte("DOC")) && head[43] >= 0x14 && head[43] <= 0x16
}

// ichitaroByName names an item Ichitaro when its declared name says so and its content is
// a container nothing else claims: a compound file that is not a known Office document,
// a zip that is not an Office package, or unknown bytes. Content that is something we do
// handle (a real docx named .jtd) keeps its type.
func ichitaroByName(t Type, name string) Type {
	if name == "" {
		return t
	}
	ext := strings.ToLower(path.Ext(strings.TrimRight(name, " .")))
	if !ichitaroExt[ext] {
		return t
	}
	switch {
	case t.Name == "ole", t.Name == "zip", t.Class == ClassUnknown && t.Name != "empty":
		it := ichitaroType
		it.Ext = ext
		return it
	}
	return t
}

// ichitaroReason is the refusal a recipient reads: Japanese first, naming the format and
// what to ask the sender for.
func ichitaroReason(t Type) string {
	ext := t.Ext
	if ext == "" {
		ext = ".jtd"
	}
	return "一太郎文書 (" + ext + ") は無害化できないため保留しました。送信者に PDF または Word (docx) 形式での再送を依頼してください" +
		" / Ichitaro document (" + ext + ") held: it cannot be sanitized; ask the sender for PDF or docx"
}
