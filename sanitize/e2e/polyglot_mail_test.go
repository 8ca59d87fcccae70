package e2e

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/mail"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// TestMailTypeDisagreement: an attachment's declared type, its file name's extension and
// its content are three answers to one question, and mail programs pick different ones
// (Outlook the extension, others the type, a browser the content). Every combination of
// six contents, eight declared types and seven names goes through the engine; each delivered
// part must then give one answer: a browser-style sniff of its bytes, its Content-Type
// and its name's extension name the same format, and the part is judged inert as that.
func TestMailTypeDisagreement(t *testing.T) {
	e := newEngine(t, sanitize.Limits{})
	contents := map[string][]byte{
		"pdf":  pdfJS(),
		"zip":  mkzip(t, zipEntry{"readme.txt", "hello"}, zipEntry{"setup.exe", "MZ\x90\x00"}),
		"png":  readFile(t, "img/graphic.png"),
		"gif":  readFile(t, "img/static.gif"),
		"html": []byte(polyglotHTML),
		"text": []byte("hello, plain words\r\n"),
	}
	types := []string{"application/pdf", "application/zip", "image/png", "image/gif", "text/html", "text/plain", "message/rfc822", "application/octet-stream"}
	names := []string{"a.pdf", "a.zip", "a.png", "a.gif", "a.html", "a.txt", ""}
	n := 0
	for _, ck := range []string{"pdf", "zip", "png", "gif", "html", "text"} {
		for _, ct := range types {
			for _, fn := range names {
				n++
				disp := "attachment"
				if fn != "" {
					disp += `; filename="` + fn + `"`
				}
				msg := eml(att(ct, disp, contents[ck]))
				name := fmt.Sprintf("%s-as-%s-named-%s", ck, strings.ReplaceAll(ct, "/", "_"), strings.TrimPrefix(filepath.Ext(fn), "."))
				t.Run(name, func(t *testing.T) {
					out, res := run(t, e, "m.eml", "", msg)
					if !res.Verdict.HasOutput() {
						return
					}
					if err := reparse(outResult(res, "m.eml"), out); err != nil {
						t.Errorf("%s: %v", summarize(res), err)
					}
					for _, p := range disagreeingParts(t, out) {
						t.Errorf("%s (%s)", p, summarize(res))
					}
				})
			}
		}
	}
	t.Logf("%d combinations", n)
}

// formatOfType, formatOfExt and formatOfSniff name a format by its MIME type, a file
// name's extension and a browser-style sniff of the bytes (net/http: the WHATWG
// algorithm). "" is no opinion: application/octet-stream, no name, an unknown extension.
func formatOfType(mt string) string {
	switch mt {
	case "application/pdf":
		return "pdf"
	case "application/zip", "application/x-zip-compressed":
		return "zip"
	case "image/png":
		return "png"
	case "image/jpeg":
		return "jpeg"
	case "image/gif":
		return "gif"
	case "text/html", "application/xhtml+xml":
		return "html"
	case "text/plain", "text/csv":
		return "text"
	}
	return ""
}

func formatOfExt(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".pdf":
		return "pdf"
	case ".zip":
		return "zip"
	case ".png":
		return "png"
	case ".jpg", ".jpeg":
		return "jpeg"
	case ".gif":
		return "gif"
	case ".html", ".htm", ".xhtml", ".mht", ".svg":
		return "html"
	case ".txt", ".csv", ".tsv", ".log":
		return "text"
	case "":
		return ""
	}
	return "other:" + strings.ToLower(filepath.Ext(name))
}

var imageFormat = map[string]bool{"png": true, "jpeg": true, "gif": true}

func formatOfSniff(b []byte) string {
	mt, _, _ := mime.ParseMediaType(http.DetectContentType(b))
	if f := formatOfType(mt); f != "" {
		return f
	}
	return "binary:" + mt
}

// leafPart is one decoded leaf of a delivered message.
type leafPart struct {
	path   string
	header map[string][]string
	mt     string // media type, text/plain when none is given
	params map[string]string
	fname  string // Content-Disposition filename, else the type's name parameter
	body   []byte // transfer encoding undone
}

// leafParts walks a delivered message with the standard library's readers.
func leafParts(t *testing.T, msg []byte) []leafPart {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	var parts []leafPart
	var walk func(path string, h map[string][]string, r io.Reader)
	walk = func(path string, h map[string][]string, r io.Reader) {
		get := func(k string) string {
			if v := h[k]; len(v) > 0 {
				return v[0]
			}
			return ""
		}
		mt, params, _ := mime.ParseMediaType(get("Content-Type"))
		if mt == "" {
			mt = "text/plain"
		}
		if strings.HasPrefix(mt, "multipart/") {
			mr := multipart.NewReader(r, params["boundary"])
			for i := 0; ; i++ {
				p, err := mr.NextRawPart()
				if err != nil {
					return
				}
				walk(fmt.Sprintf("%s/%d", path, i), p.Header, p)
			}
		}
		switch strings.ToLower(get("Content-Transfer-Encoding")) {
		case "base64":
			r = newBase64(r)
		case "quoted-printable":
			r = newQP(r)
		}
		body, _ := io.ReadAll(io.LimitReader(r, maxInspect))
		fname := params["name"]
		if _, dp, err := mime.ParseMediaType(get("Content-Disposition")); err == nil && dp["filename"] != "" {
			fname = dp["filename"]
		}
		parts = append(parts, leafPart{path: path, header: h, mt: mt, params: params, fname: fname, body: body})
	}
	walk("", m.Header, m.Body)
	return parts
}

// disagreeingParts lists the leaf parts of a delivered message whose type, name and
// content do not agree.
func disagreeingParts(t *testing.T, msg []byte) []string {
	t.Helper()
	var found []string
	for _, p := range leafParts(t, msg) {
		if p.fname == "" && p.mt == "text/plain" || strings.HasPrefix(p.mt, "message/") {
			continue // the body text or a report, judged by reparse
		}
		sniff, byType, byExt := formatOfSniff(p.body), formatOfType(p.mt), formatOfExt(p.fname)
		// One image format named as another is left so (the engine renames only across
		// classes): viewers sniff images, and both are inert pictures.
		extOK := byExt == "" || byExt == sniff || imageFormat[byExt] && imageFormat[sniff]
		if byType != "" && byType != sniff || !extOK {
			found = append(found, fmt.Sprintf("part %s: type %s says %q, name %q says %q, content says %q", p.path, p.mt, byType, p.fname, byExt, sniff))
		}
	}
	return found
}
