package e2e

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"image"
	_ "image/gif"
	_ "image/jpeg"
	_ "image/png"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	_ "golang.org/x/image/bmp"
	_ "golang.org/x/image/tiff"
	_ "golang.org/x/image/webp"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
)

// The checks below judge an output with parsers other than the families' own: qpdf for
// PDF, the standard library's zip, mail and image readers, and plain regular expressions
// for the names of active features in every spelling.

// maxInspect bounds how much of one nested part the checks read.
const maxInspect = 64 << 20

// pdfActive matches the PDF names that run or fetch something, after qpdf has expanded
// the file (object streams off, streams uncompressed) and #xx escapes are decoded.
var pdfActive = regexp.MustCompile(`/(JavaScript|JS|OpenAction|AA|Launch|SubmitForm|ImportData|GoToR|GoToE|RichMedia|XFA|EmbeddedFiles?|Sound|Movie|Rendition)\b`)

var hexName = regexp.MustCompile(`#([0-9A-Fa-f]{2})`)

// ooxmlActive matches parts and markup of macros, ActiveX, OLE and DDE in OOXML and ODF.
var ooxmlActivePart = regexp.MustCompile(`(?i)(vbaProject|vbaData|activeX|oleObject|/embeddings/|macrosheets/|/Basic/|Scripts/|\.bin$|\.exe$|\.js$|\.vbs$)`)
var ooxmlActiveXML = regexp.MustCompile(`(?i)(DDEAUTO|\bDDE\b|ddeLink|ddeService|script:event-listener|<office:script[ >]|<office:scripts>\s*<|<office:event-listeners>\s*<|macro="|vnd\.sun\.star\.script:|xlink:href="macro:|<draw:(image|object|object-ole|plugin|applet|floating-frame)\b[^>]*xlink:href="(https?:|file:|ftp:|\\\\)|<w:attachedTemplate|<w:subDoc|INCLUDETEXT|INCLUDEPICTURE|<o:OLEObject|<w:control|<w:altChunk|QUOTE\s+\d+(\s+\d+){3,}|<w:fldData\b[^>]*>[^<]|form:datasource="[^"]|destinationFile="[^"]|<table:(source-service|database-source-sql|database-source-table|database-source-query|table-source|cell-range-source)\b|office:dde-source|form:image-data="(https?:|file:|\\\\)|<v:imagedata[^>]*(src|o:href)="(https?:|file:|\\\\)|<v:fill[^>]*src="(https?:|file:|\\\\))`)

// sheetFormulaActive matches spreadsheet formulas that fetch, start a COM server, call a
// DLL or run DDE: WEBSERVICE, RTD, CALL/REGISTER, EXEC, and app|'topic'!item.
var sheetFormulaActive = regexp.MustCompile(`(?i)<f\b[^>]*>[^<]*(\b(WEBSERVICE|RTD|CALL|REGISTER\.ID|REGISTER|EXEC|FILTERXML)\s*\(|[A-Za-z0-9_.]+\s*\|\s*'[^'<]*'\s*!)`)

// odfFormulaActive is the same for OpenDocument table:formula attributes.
var odfFormulaActive = regexp.MustCompile(`(?i)table:formula="[^"]*(\b(WEBSERVICE|RTD|CALL|DDE|EXEC)\s*\(|[A-Za-z0-9_.]+\s*\|\s*'[^']*'\s*!)`)

var extRel = regexp.MustCompile(`<Relationship\b[^>]*>`)

// rtfActive matches RTF control words that embed or fetch, and shape properties that link
// a picture to a file or address.
var rtfActive = regexp.MustCompile(`(?i)(?:^|[^\\])(?:\\\\)*\\(object|objdata|objemb|objlink|objautlink|objupdate|objocx|objhtml|template|datastore|xmlopen)\b|\\fldinst[^}]*\b(DDE|DDEAUTO|INCLUDEPICTURE|INCLUDETEXT|IMPORT|LINK)\b|\\sn\s*\w*(blipname|pibname|printname)\b`)

// inspect returns the active content found in data, whose declared name is name, and an
// error when data does not parse as the type it claims to be.
func inspect(data []byte, name string, depth int) (found []string, err error) {
	if depth > 10 {
		return nil, nil
	}
	if m := markerIn(data, name); m != nil {
		return m, nil
	}
	t := sanitize.Detect(bytes.NewReader(data))
	switch t.Class {
	case sanitize.ClassExecutable, sanitize.ClassScript:
		return []string{fmt.Sprintf("%s: output is %s", name, t.Name)}, nil
	case sanitize.ClassPDF:
		return inspectPDF(data, name)
	case sanitize.ClassOOXML, sanitize.ClassODF, sanitize.ClassArchive:
		if t.Name == "sylk" || t.Name == "msoxml" {
			return []string{fmt.Sprintf("%s: output is %s", name, t.Name)}, nil
		}
		switch t.Name {
		case "gzip":
			return inspectGzip(data, name, depth)
		case "tar":
			return inspectTar(data, name, depth)
		}
		if !bytes.HasPrefix(data, []byte("PK")) {
			return []string{fmt.Sprintf("%s: output is a non-zip archive %s", name, t.Name)}, nil
		}
		return inspectZip(data, name, t, depth)
	case sanitize.ClassImage:
		return inspectImage(data, name)
	case sanitize.ClassRTF:
		if m := rtfActive.FindAll(data, 5); len(m) > 0 {
			return []string{fmt.Sprintf("%s: rtf keeps %q", name, m)}, nil
		}
		return nil, nil
	case sanitize.ClassMessage:
		return inspectMail(data, name, depth)
	case sanitize.ClassText:
		return inspectText(data, name, t)
	case sanitize.ClassUnknown:
		if t.Name == "empty" {
			return nil, nil // an HTML page with no text converts to nothing
		}
	case sanitize.ClassOLE:
		return []string{fmt.Sprintf("%s: output is a compound file (%s)", name, t.Name)}, nil
	case sanitize.ClassSVG:
		return []string{fmt.Sprintf("%s: output is svg", name)}, nil
	}
	return []string{fmt.Sprintf("%s: output is %s (%s)", name, t.Name, t.MIME)}, nil
}

// inspectPDF expands the PDF with qpdf and looks for active names. qpdf must accept the
// file (warnings allowed: exit 3).
func inspectPDF(data []byte, name string) ([]string, error) {
	qpdf, err := testtool.Lookup("qpdf")
	if err != nil {
		return nil, err
	}
	if qpdf == "" {
		// Without qpdf the raw bytes are still searched; the structure is not checked.
		return grepPDF(data, name), nil
	}
	dir, err := os.MkdirTemp("", "e2e-pdf")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	in, out := filepath.Join(dir, "in.pdf"), filepath.Join(dir, "out.pdf")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		return nil, err
	}
	cmd := exec.Command(qpdf, "--qdf", "--object-streams=disable", "--decode-level=all", in, out)
	msg, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 3) {
		return nil, fmt.Errorf("qpdf: %v: %s", err, msg)
	}
	exp, err := os.ReadFile(out)
	if err != nil {
		return nil, err
	}
	found := append(grepPDF(exp, name), markerIn(exp, name)...)
	return append(found, judgePDFLinks(exp, name)...), nil
}

func grepPDF(data []byte, name string) []string {
	dec := hexName.ReplaceAllFunc(data, func(m []byte) []byte {
		var b byte
		fmt.Sscanf(string(m[1:]), "%02x", &b)
		return []byte{b}
	})
	if m := pdfActive.FindAll(dec, 5); len(m) > 0 {
		return []string{fmt.Sprintf("%s: pdf keeps %q", name, m)}
	}
	return nil
}

func inspectZip(data []byte, name string, t sanitize.Type, depth int) ([]string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("zip: %w", err)
	}
	var found []string
	seen := map[string]bool{}
	for _, f := range zr.File {
		p := name + "/" + f.Name
		if seen[f.Name] {
			found = append(found, p+": duplicate entry name")
		}
		seen[f.Name] = true
		if strings.HasPrefix(f.Name, "/") || strings.Contains(f.Name, "..") || strings.Contains(f.Name, `\`) || strings.Contains(f.Name, ":") {
			found = append(found, p+": entry name escapes")
		}
		if f.Mode()&os.ModeSymlink != 0 {
			found = append(found, p+": symlink entry")
		}
		if f.Flags&1 != 0 {
			found = append(found, p+": encrypted entry")
		}
		if reason := sanitize.BlockedName(f.Name, ""); reason != "" {
			found = append(found, p+": "+reason)
		}
		if f.FileInfo().IsDir() {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return found, fmt.Errorf("%s: %w", p, err)
		}
		body, err := io.ReadAll(io.LimitReader(rc, maxInspect))
		rc.Close()
		if err != nil {
			return found, fmt.Errorf("%s: %w", p, err)
		}
		if t.Class == sanitize.ClassArchive {
			sub, err := inspect(body, p, depth+1)
			found = append(found, sub...)
			if err != nil {
				return found, err
			}
			continue
		}
		// Office package: parts by name and markup, media by content.
		if ooxmlActivePart.MatchString(f.Name) {
			found = append(found, p+": active part")
		}
		if strings.HasSuffix(f.Name, ".xml") || strings.HasSuffix(f.Name, ".rels") || f.Name == "[Content_Types].xml" {
			if m := ooxmlActiveXML.FindAll(body, 3); len(m) > 0 {
				found = append(found, fmt.Sprintf("%s: keeps %q", p, m))
			}
			found = append(found, judgeOfficeXML(body, p)...)
			if m := odfFormulaActive.FindAll(body, 3); len(m) > 0 {
				found = append(found, fmt.Sprintf("%s: active formula %q", p, m))
			}
			if m := sheetFormulaActive.FindAll(body, 3); len(m) > 0 {
				found = append(found, fmt.Sprintf("%s: active formula %q", p, m))
			}
			for _, rel := range extRel.FindAll(body, -1) {
				if bytes.Contains(rel, []byte(`TargetMode="External"`)) && !bytes.Contains(rel, []byte(`/hyperlink"`)) {
					found = append(found, fmt.Sprintf("%s: external relationship %s", p, rel))
				}
			}
			if bytes.Contains(body, []byte("macroEnabled")) || bytes.Contains(body, []byte("vnd.ms-office.vbaProject")) {
				found = append(found, p+": macro-enabled content type")
			}
			continue
		}
		st := sanitize.Detect(bytes.NewReader(body))
		switch st.Class {
		case sanitize.ClassExecutable, sanitize.ClassScript, sanitize.ClassOLE, sanitize.ClassArchive, sanitize.ClassPDF, sanitize.ClassSVG:
			found = append(found, fmt.Sprintf("%s: embedded %s", p, st.Name))
		}
	}
	return found, nil
}

func inspectImage(data []byte, name string) ([]string, error) {
	_, format, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("image: %w", err)
	}
	var end int
	switch format {
	case "png":
		end = bytes.LastIndex(data, []byte("IEND"))
		if end >= 0 {
			end += 8
		}
	case "jpeg":
		end = bytes.LastIndex(data, []byte{0xff, 0xd9})
		if end >= 0 {
			end += 2
		}
	case "gif":
		end = len(data)
		if data[len(data)-1] != 0x3b {
			return []string{name + ": gif does not end with its trailer"}, nil
		}
	default:
		end = len(data)
	}
	if end >= 0 && end < len(data) {
		return []string{fmt.Sprintf("%s: %d bytes after the %s end marker", name, len(data)-end, format)}, nil
	}
	if bytes.Contains(data, []byte("PK\x03\x04")) || bytes.Contains(bytes.ToLower(data), []byte("<script")) {
		return []string{name + ": image carries a zip or script signature"}, nil
	}
	return nil, nil
}

var csvFormula = regexp.MustCompile(`(?m)(^|[,\t])"?[=+\-@\t\r]`)

func inspectText(data []byte, name string, t sanitize.Type) ([]string, error) {
	var found []string
	low := bytes.ToLower(data)
	ext := strings.ToLower(filepath.Ext(name))
	for _, m := range []string{"<script", "javascript:", "<iframe", "<object", "<embed", "<svg", "onload=", "onerror="} {
		if bytes.Contains(low, []byte(m)) && ext != ".txt" && ext != ".csv" && ext != ".tsv" && ext != "" {
			found = append(found, fmt.Sprintf("%s: markup %q in text output named %s", name, m, ext))
		}
	}
	if ext == ".csv" || ext == ".tsv" {
		for _, line := range strings.Split(string(data), "\n") {
			for _, cell := range splitCells(line, ext) {
				c := strings.TrimLeft(strings.Trim(cell, `"`), " ")
				if c != "" && strings.ContainsRune("=+-@", rune(c[0])) && !isNumber(c) {
					found = append(found, fmt.Sprintf("%s: formula cell %q", name, cell))
				}
			}
		}
	}
	return found, nil
}

func splitCells(line, ext string) []string {
	if ext == ".tsv" {
		return strings.Split(line, "\t")
	}
	return strings.Split(line, ",")
}

func isNumber(s string) bool {
	_, err := fmt.Sscanf(s, "%g", new(float64))
	return err == nil
}

func inspectMail(data []byte, name string, depth int) ([]string, error) {
	m, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("mail: %w", err)
	}
	return inspectPart(textproto(m.Header), m.Body, name, depth)
}

func textproto(h mail.Header) map[string][]string { return h }

func inspectPart(h map[string][]string, body io.Reader, name string, depth int) ([]string, error) {
	get := func(k string) string {
		if v := h[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	ct := get("Content-Type")
	if ct == "" {
		ct = "text/plain"
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return nil, fmt.Errorf("%s: content-type %q: %w", name, ct, err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		var found []string
		for i := 0; ; i++ {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return found, nil
			}
			if err != nil {
				return found, fmt.Errorf("%s: %w", name, err)
			}
			sub, err := inspectPart(p.Header, p, fmt.Sprintf("%s/part[%d]", name, i), depth)
			found = append(found, sub...)
			if err != nil {
				return found, err
			}
		}
	}
	var r io.Reader = body
	switch strings.ToLower(get("Content-Transfer-Encoding")) {
	case "base64":
		r = newBase64(body)
	case "quoted-printable":
		r = newQP(body)
	}
	data, err := io.ReadAll(io.LimitReader(r, maxInspect))
	if err != nil {
		return nil, fmt.Errorf("%s: decode: %w", name, err)
	}
	fname := params["name"]
	if _, dp, err := mime.ParseMediaType(get("Content-Disposition")); err == nil && dp["filename"] != "" {
		fname = dp["filename"]
	}
	if fname != "" {
		if reason := sanitize.BlockedName(fname, mt); reason != "" {
			return []string{fmt.Sprintf("%s: attachment %q: %s", name, fname, reason)}, nil
		}
	}
	if mt == "text/html" || mt == "application/javascript" || strings.Contains(mt, "script") {
		return []string{fmt.Sprintf("%s: part of type %s", name, mt)}, nil
	}
	if mt == "text/plain" && fname == "" {
		return judgeTextBody(data, name), nil
	}
	if fname == "" {
		fname = "part"
	}
	return inspect(data, name+"/"+fname, depth+1)
}

// reparse checks that a delivered output parses as a file of its type and carries no active
// content; it is the property every engine output must have.
func reparse(res sanitize.Result, out []byte) error {
	name := res.OutName
	if name == "" {
		name = "out" + res.Detected.Ext
	}
	var found []string
	var err error
	if res.Detected.Class == sanitize.ClassText && strings.HasPrefix(res.OutType, "text/") {
		// Text is judged as the text it is delivered as: normalizing newlines can make
		// it sniff as something else (a mail header block), which a .txt never opens as.
		found, err = inspectText(out, name, res.Detected)
		if t := sanitize.Detect(bytes.NewReader(out)); t.Class == sanitize.ClassExecutable || t.Class == sanitize.ClassScript {
			found = append(found, fmt.Sprintf("%s: text output is %s", name, t.Name))
		}
	} else {
		found, err = inspect(out, name, 0)
	}
	if err != nil {
		return err
	}
	if len(found) > 0 {
		return fmt.Errorf("active content survives: %s", strings.Join(found, "; "))
	}
	return nil
}

func inspectGzip(data []byte, name string, depth int) ([]string, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	zr.Multistream(false)
	body, err := io.ReadAll(io.LimitReader(zr, maxInspect))
	if err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	inner := strings.TrimSuffix(name, ".gz")
	if zr.Name != "" {
		inner = zr.Name
	}
	return inspect(body, name+"/"+filepath.Base(inner), depth+1)
}

func inspectTar(data []byte, name string, depth int) ([]string, error) {
	tr := tar.NewReader(bytes.NewReader(data))
	var found []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return found, nil
		}
		if err != nil {
			return found, fmt.Errorf("tar: %w", err)
		}
		p := name + "/" + h.Name
		if strings.HasPrefix(h.Name, "/") || strings.Contains(h.Name, "..") || strings.Contains(h.Name, `\`) {
			found = append(found, p+": entry name escapes")
		}
		switch h.Typeflag {
		case tar.TypeReg, tar.TypeDir:
		default:
			found = append(found, fmt.Sprintf("%s: entry of type %q", p, h.Typeflag))
			continue
		}
		if h.Typeflag == tar.TypeDir {
			continue
		}
		if reason := sanitize.BlockedName(h.Name, ""); reason != "" {
			found = append(found, p+": "+reason)
		}
		body, err := io.ReadAll(io.LimitReader(tr, maxInspect))
		if err != nil {
			return found, fmt.Errorf("tar: %w", err)
		}
		sub, err := inspect(body, p, depth+1)
		found = append(found, sub...)
		if err != nil {
			return found, err
		}
	}
}
