package sanitize

// heldReasons are the refusals a recipient reads for ordinary formats the default policy
// holds because no family here can rebuild them: Japanese first, naming the format, why it
// is held, and what to ask the sender for. "policy quarantines epub" says none of that.
var heldReasons = map[string]string{
	"epub": "電子書籍 (EPUB) は設定により保留しました (ページはスクリプトやリンクを含む Web コンテンツです)。必要な場合は送信者に PDF での再送を依頼してください" +
		" / EPUB e-book held by policy (its pages are web content with scripts and links); ask the sender for a PDF",
	"heic": "HEIC/HEIF 画像 (iPhone などの写真形式) は無害化に対応していないため保留しました。送信者に JPEG での再送 (iPhone では「設定 > カメラ > フォーマット > 互換性優先」) を依頼してください" +
		" / HEIC/HEIF image held: this photo format has no decoder here; ask the sender for a JPEG (on an iPhone: Settings > Camera > Formats > Most Compatible)",
	"avif": "AVIF 画像は無害化に対応していないため保留しました。送信者に JPEG または PNG での再送を依頼してください" +
		" / AVIF image held: this image format has no decoder here; ask the sender for a JPEG or PNG",
}

// heldReason returns the reason for holding t under the quarantine policy, or "" when t
// has no reason of its own.
func heldReason(t Type) string {
	if t.Name == ichitaroType.Name {
		return ichitaroReason(t)
	}
	return heldReasons[t.Name]
}
