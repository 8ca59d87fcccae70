package archive

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/url"
	"path"
	"strings"

	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/text"
)

// An EPUB is a zip of XHTML pages, style sheets, images and fonts, listed by an OPF
// package document; e-book readers run its scripts and follow its links. What a recipient
// needs from one is its text, so sanitizeEPUB delivers the pages in reading (spine) order
// as one plain-text file, through the text family's HTML→text converter: styles, images,
// fonts, scripts, navigation and every other part are dropped and counted. A book whose
// pages are encrypted (DRM) or hold no text (fixed-layout or scanned pages) is refused
// with that reason.

// maxEPUBMeta bounds container.xml, the package document and encryption.xml, which are
// read whole to be parsed: real ones are a few KiB, a large catalogue's OPF a few hundred.
const maxEPUBMeta = 4 << 20

type epubContainer struct {
	Rootfiles []struct {
		FullPath  string `xml:"full-path,attr"`
		MediaType string `xml:"media-type,attr"`
	} `xml:"rootfiles>rootfile"`
}

type epubPackage struct {
	Titles   []string `xml:"metadata>title"`
	Creators []string `xml:"metadata>creator"`
	Items    []struct {
		ID        string `xml:"id,attr"`
		Href      string `xml:"href,attr"`
		MediaType string `xml:"media-type,attr"`
	} `xml:"manifest>item"`
	Spine []struct {
		IDRef string `xml:"idref,attr"`
	} `xml:"spine>itemref"`
}

type epubEncryption struct {
	Data []struct {
		Method struct {
			Algorithm string `xml:"Algorithm,attr"`
		} `xml:"EncryptionMethod"`
		Ref struct {
			URI string `xml:"URI,attr"`
		} `xml:"CipherData>CipherReference"`
	} `xml:"EncryptedData"`
}

// fontObfuscation are the two algorithms EPUB uses to scramble embedded fonts (IDPF and
// Adobe): they hide fonts, which are dropped anyway, not pages.
var fontObfuscation = map[string]bool{
	"http://www.idpf.org/2008/embedding": true,
	"http://ns.adobe.com/pdf/enc#RC":     true,
}

func (s *Sanitizer) sanitizeEPUB(ctx context.Context, in *sanitize.Item, w io.Writer, b *sanitize.Budget) (sanitize.Result, error) {
	res := sanitize.Result{Detected: in.Detected}
	zr, _, _, err := openZip(in, b)
	if err != nil {
		return res, err
	}
	files := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		if files[f.Name] != nil {
			return res, errMalformedf("two entries named %q", displayName(f.Name))
		}
		files[f.Name] = f
	}
	var c epubContainer
	if err := readEPUBXML(files, "META-INF/container.xml", b, &c); err != nil {
		return res, err
	}
	opfPath := ""
	for _, r := range c.Rootfiles {
		if r.MediaType == "application/oebps-package+xml" || opfPath == "" {
			opfPath = r.FullPath
		}
	}
	if opfPath == "" {
		return res, fmt.Errorf("%w: EPUB: META-INF/container.xml names no package document", sanitize.ErrMalformed)
	}
	var pkg epubPackage
	if err := readEPUBXML(files, opfPath, b, &pkg); err != nil {
		return res, err
	}
	encrypted, err := epubEncrypted(files, b)
	if err != nil {
		return res, err
	}
	hrefs := make(map[string]string, len(pkg.Items))
	types := make(map[string]string, len(pkg.Items))
	for _, it := range pkg.Items {
		hrefs[it.ID] = it.Href
		types[it.ID] = it.MediaType
	}

	lim := b.Limits()
	out := sanitize.LimitWriter(w, lim.MaxFileSize, "limits.max_file_size")
	bw := bufio.NewWriterSize(out, 32<<10)
	// The book's text must not start with markup it only escaped (see text.LeadAngleWriter).
	lw := text.NewLeadAngleWriter(bw)
	seen := &inkWriter{w: lw}
	if h := epubHeader(pkg); h != "" {
		if _, err := io.WriteString(lw, h); err != nil {
			return res, err
		}
	}
	var pages int
	var st text.HTMLStats
	for _, ref := range pkg.Spine {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		mt := types[ref.IDRef]
		if mt != "application/xhtml+xml" && mt != "text/html" {
			continue // an image or SVG page: counted with the other dropped parts
		}
		name, ok := epubResolve(opfPath, hrefs[ref.IDRef])
		if !ok || files[name] == nil {
			return res, fmt.Errorf("%w: EPUB: page %q is not in the book", sanitize.ErrMalformed, displayName(hrefs[ref.IDRef]))
		}
		if encrypted[name] {
			return res, fmt.Errorf("%w: EPUB pages are encrypted (DRM): only the reader they were sold for opens them; ask the sender for a PDF", sanitize.ErrEncrypted)
		}
		ps, err := s.epubPage(files[name], seen, b)
		if err != nil {
			return res, err
		}
		pages++
		st.Links += ps.Links
		st.Images += ps.Images
		st.Tables += ps.Tables
		st.DroppedHidden += ps.DroppedHidden
		st.DroppedScripts += ps.DroppedScripts
	}
	if err := bw.Flush(); err != nil {
		return res, err
	}
	if pages == 0 {
		return res, fmt.Errorf("%w: EPUB whose reading order lists no XHTML page; ask the sender for a PDF", sanitize.ErrUnsupported)
	}
	if !seen.ink {
		return res, fmt.Errorf("%w: EPUB without text (its pages are images: a fixed-layout or scanned book); ask the sender for a PDF", sanitize.ErrUnsupported)
	}
	res.Add(sanitize.ActConvertedToText, in.Path, fmt.Sprintf(
		"epub → text/plain: %d pages in reading order, %d links as text; removed %d images, %d scripts, %d hidden elements and %d other parts (styles, images, fonts, navigation)",
		pages, st.Links, st.Images, st.DroppedScripts, st.DroppedHidden, max(len(zr.File)-pages, 0)))
	res.Verdict = sanitize.Sanitized
	res.OutType = "text/plain; charset=utf-8"
	res.OutName = sanitize.ReplaceExt(in.Name, ".txt")
	return res, nil
}

// epubPage writes one XHTML page as text, bounded like any zip entry: by its declared
// size, limits.max_ratio and the item's expansion budget.
func (s *Sanitizer) epubPage(f *zip.File, w io.Writer, b *sanitize.Budget) (text.HTMLStats, error) {
	rc, err := f.Open()
	if err != nil {
		return text.HTMLStats{}, readError(f.Name, err)
	}
	defer rc.Close()
	lim := b.Limits()
	r := &ratioReader{r: b.Expand(rc, lim.MaxFileSize), b: b, comp: int64(f.CompressedSize64)}
	// EPUB pages are UTF-8 or UTF-16; detection also reads the Shift_JIS some
	// Japanese producers wrote, and normalizes control characters.
	dec, _, err := text.NewUTF8Reader(r, "")
	if err != nil {
		return text.HTMLStats{}, fmt.Errorf("page %q: %w", displayName(f.Name), err)
	}
	st, err := text.HTMLToText(w, dec, text.HTMLOptions{DefangLinks: s.defang, MaxOutput: lim.MaxFileSize})
	if err != nil {
		return st, fmt.Errorf("page %q: %w", displayName(f.Name), err)
	}
	_, err = io.WriteString(w, "\n")
	return st, err
}

// readEPUBXML parses one metadata entry of the book. encoding/xml expands no external
// or custom entity, and a DOCTYPE that declares one fails the parse.
func readEPUBXML(files map[string]*zip.File, name string, b *sanitize.Budget, v any) error {
	f := files[name]
	if f == nil {
		return fmt.Errorf("%w: EPUB without %s", sanitize.ErrMalformed, name)
	}
	data, err := readEPUBMeta(f, b)
	if err != nil {
		return err
	}
	if err := xml.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%w: EPUB %s: %v", sanitize.ErrMalformed, name, err)
	}
	return nil
}

func readEPUBMeta(f *zip.File, b *sanitize.Budget) ([]byte, error) {
	if f.UncompressedSize64 > maxEPUBMeta {
		return nil, fmt.Errorf("%w: EPUB %s is over %d MiB", sanitize.ErrLimit, displayName(f.Name), maxEPUBMeta>>20)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, readError(f.Name, err)
	}
	defer rc.Close()
	r := &ratioReader{r: b.Expand(rc, maxEPUBMeta), b: b, comp: int64(f.CompressedSize64)}
	data, err := io.ReadAll(io.LimitReader(r, maxEPUBMeta))
	if err != nil {
		return nil, readError(f.Name, err)
	}
	return data, nil
}

// epubEncrypted returns the entries META-INF/encryption.xml says are encrypted with
// anything but font obfuscation.
func epubEncrypted(files map[string]*zip.File, b *sanitize.Budget) (map[string]bool, error) {
	const name = "META-INF/encryption.xml"
	if files[name] == nil {
		return nil, nil
	}
	var enc epubEncryption
	if err := readEPUBXML(files, name, b, &enc); err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, d := range enc.Data {
		if fontObfuscation[d.Method.Algorithm] {
			continue
		}
		// CipherReference URIs are relative to the container's root, not to META-INF.
		if n, ok := epubResolve("", d.Ref.URI); ok {
			out[n] = true
		}
	}
	return out, nil
}

// epubResolve turns an href of the package document at opf into the zip entry name it
// points at; ok is false for an absolute URL or a path that leaves the book.
func epubResolve(opf, href string) (string, bool) {
	u, err := url.Parse(href)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Path == "" || strings.HasPrefix(u.Path, "/") {
		return "", false
	}
	p := path.Join(path.Dir(opf), u.Path)
	if p == ".." || strings.HasPrefix(p, "../") {
		return "", false
	}
	return p, true
}

// epubHeader is the book's title and authors, from its package document, above the text.
func epubHeader(pkg epubPackage) string {
	var lines []string
	for _, group := range [][]string{pkg.Titles, pkg.Creators} {
		var parts []string
		for _, s := range group {
			var sb strings.Builder
			if _, err := text.ToUTF8(&sb, strings.NewReader(s), "utf-8"); err != nil {
				continue
			}
			if s = strings.Join(strings.Fields(sb.String()), " "); s != "" {
				parts = append(parts, s)
			}
		}
		if len(parts) > 0 {
			lines = append(lines, strings.Join(parts, ", "))
		}
	}
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\n") + "\n\n"
}

// inkWriter notes whether anything but white space went through it.
type inkWriter struct {
	w   io.Writer
	ink bool
}

func (i *inkWriter) Write(p []byte) (int, error) {
	if !i.ink && len(bytes.TrimSpace(p)) > 0 {
		i.ink = true
	}
	return i.w.Write(p)
}
