package archive

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/sekisho/sekisho/sanitize"
)

// Unix file types in the high half of a zip entry's external attributes.
const (
	unixTypeMask = 0xF000
	unixDir      = 0x4000
	unixRegular  = 0x8000
	unixSymlink  = 0xA000
	// FILE_ATTRIBUTE_REPARSE_POINT: a Windows link or junction stored by a DOS-family tool.
	dosReparse = 0x400
	dosDir     = 0x10
)

// sanitizeZip checks the container's structure with our own parser, then walks the
// entries with archive/zip and writes a new zip.
func (s *Sanitizer) sanitizeZip(ctx context.Context, in *sanitize.Item, w io.Writer, b *sanitize.Budget, st *walkState) (sanitize.Result, error) {
	res := sanitize.Result{Detected: in.Detected}
	zr, end, prefix, err := openZip(in, b)
	if err != nil {
		return res, err
	}
	wk, err := s.newWalker(ctx, in, b, st)
	if err != nil {
		return res, err
	}
	if end.comment != "" {
		wk.res.Add(sanitize.ActRemovedMetadata, in.Path, "archive comment")
		wk.changed = true
	}
	if prefix > 0 {
		wk.res.Add(sanitize.ActRemovedTrailingData, in.Path, fmt.Sprintf("%d bytes before the archive", prefix))
		wk.changed = true
	}
	for _, u := range end.unlisted {
		wk.res.Add(sanitize.ActRemovedPart, in.Path, u+": removed")
		wk.changed = true
	}
	if end.trailing > 0 {
		wk.res.Add(sanitize.ActRemovedTrailingData, in.Path, fmt.Sprintf("%d bytes after the archive", end.trailing))
		wk.changed = true
	}
	zw := zip.NewWriter(w)
	out := &zipSink{zw: zw}
	for _, f := range zr.File {
		if err := wk.check(); err != nil {
			return res, err
		}
		e := zipEntryInfo(f)
		clean := wk.admit(e)
		if clean == "" {
			continue
		}
		if e.dir && f.UncompressedSize64 > 0 {
			wk.drop(clean, "directory entry carrying data")
			continue
		}
		if e.dir {
			if err := wk.addDir(clean, e, out); err != nil {
				return res, err
			}
			continue
		}
		if f.Method == methodImplode {
			if err := s.zipImploded(wk, f, clean, e, out); err != nil {
				return res, err
			}
			continue
		}
		if f.Method != zip.Store && f.Method != zip.Deflate {
			wk.drop(clean, fmt.Sprintf("unsupported compression method %d", f.Method))
			continue
		}
		if err := s.zipEntry(wk, f, clean, e, out); err != nil {
			return res, err
		}
	}
	if err := zw.Close(); err != nil {
		return res, err
	}
	return wk.finish(), nil
}

// openZip checks a zip's structure with our own parser (limits, encryption, local
// headers, claimed sizes), then opens it with archive/zip and checks that both readings
// of the central directory agree. A prefix before the archive is skipped; its length is
// returned.
func openZip(in *sanitize.Item, b *sanitize.Budget) (*zip.Reader, *zipEnd, int64, error) {
	var body io.ReaderAt = in.Body
	size := in.Body.Size()
	lim := b.Limits()
	end, err := readZipEnd(body, size)
	if err != nil {
		return nil, nil, 0, err
	}
	prefix := end.prefix
	if prefix > 0 {
		// Read the archive as it starts after the prefix: every offset is relative to
		// that point, for our parser and for archive/zip alike.
		body, size = io.NewSectionReader(in.Body, prefix, size-prefix), size-prefix
		if end, err = readZipEnd(body, size); err != nil {
			return nil, nil, 0, err
		}
	}
	// Charge the claimed count before anything is allocated per entry: a 100-byte file
	// whose end record claims a million entries fails here, small and fast.
	if end.records > uint64(lim.MaxEntries) {
		return nil, nil, 0, &sanitize.LimitError{Limit: "limits.max_entries", Max: int64(lim.MaxEntries), Got: int64(min(end.records, 1<<62))}
	}
	if err := b.AddEntries(int(end.records)); err != nil {
		return nil, nil, 0, err
	}
	entries, err := readCentral(body, end)
	if err != nil {
		return nil, nil, 0, err
	}
	if err := checkEncryption(entries); err != nil {
		return nil, nil, 0, err
	}
	if err := checkLocal(body, end, entries); err != nil {
		return nil, nil, 0, err
	}
	if err := checkClaims(b, entries, size); err != nil {
		return nil, nil, 0, err
	}
	zr, err := zip.NewReader(body, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, nil, 0, errMalformedf("%v", err)
	}
	if len(zr.File) != len(entries) {
		return nil, nil, 0, errMalformedf("central directory read as %d entries, expected %d", len(zr.File), len(entries))
	}
	for i, f := range zr.File {
		c := &entries[i]
		if f.Name != c.name || f.CompressedSize64 != c.csize || f.UncompressedSize64 != c.usize {
			return nil, nil, 0, errMalformedf("entry %q: central directory read two ways", displayName(c.name))
		}
	}
	return zr, end, prefix, nil
}

func (s *Sanitizer) zipEntry(wk *walker, f *zip.File, clean string, e *entryInfo, out sink) error {
	rc, err := f.Open()
	if err != nil {
		return readError(clean, err)
	}
	defer rc.Close()
	return s.zipBody(wk, f, rc, clean, e, out)
}

// zipImploded reads an entry compressed with PKZIP 1's Implode, which archive/zip does
// not know; an entry that does not decode is dropped with that reason, like any entry
// of a method we cannot read, and the rest of the archive is delivered.
func (s *Sanitizer) zipImploded(wk *walker, f *zip.File, clean string, e *entryInfo, out sink) error {
	raw, err := f.OpenRaw()
	if err != nil {
		return readError(clean, err)
	}
	x, err := newExploder(raw, f.Flags, int64(f.UncompressedSize64))
	if err != nil {
		wk.drop(clean, "imploded entry whose code trees do not decode")
		return nil
	}
	return s.zipBody(wk, f, newCRCReader(x, f.CRC32), clean, e, out)
}

// zipBody passes one entry's decompressed bytes to the walker, bounded by the budget.
func (s *Sanitizer) zipBody(wk *walker, f *zip.File, r io.Reader, clean string, e *entryInfo, out sink) error {
	comp := int64(f.CompressedSize64)
	body := &ratioReader{r: wk.b.Expand(r, wk.b.Limits().MaxFileSize), b: wk.b, comp: comp}
	return wk.entry(clean, e, body, out, func(n int64) error {
		if uint64(n) != f.UncompressedSize64 {
			return readError(clean, zip.ErrFormat)
		}
		return nil
	})
}

// checkClaims rejects, before expanding anything, what the directory already admits:
// an entry larger than limits.max_file_size, an entry or a whole archive compressed
// beyond limits.max_ratio, and a total over what is left of limits.max_total_size.
// archive/zip refuses to read more than an entry's declared size (and our reader checks
// it read no less), so the declared sizes are binding, not hints.
func checkClaims(b *sanitize.Budget, entries []cdEntry, size int64) error {
	lim := b.Limits()
	var sum uint64
	for i := range entries {
		c := &entries[i]
		if c.usize > uint64(lim.MaxFileSize) {
			return &sanitize.LimitError{Limit: "limits.max_file_size", Max: lim.MaxFileSize, Got: int64(min(c.usize, 1<<62))}
		}
		if err := b.CheckRatio(int64(c.csize), int64(c.usize)); err != nil {
			return err
		}
		sum += c.usize
		if sum > uint64(lim.MaxTotalSize) {
			break
		}
	}
	if got := b.Expanded() + int64(min(sum, 1<<62)); got > lim.MaxTotalSize {
		return &sanitize.LimitError{Limit: "limits.max_total_size", Max: lim.MaxTotalSize, Got: got}
	}
	return b.CheckRatio(size, int64(sum))
}

// zipEntryInfo reads what the walker needs from a directory entry: the decoded name, and
// whether it is a directory, a link or a device. Links are recognised from the Unix
// mode in the external attributes whatever the creator system says, since Info-ZIP
// restores them on several hosts, and from the reparse-point attribute of DOS-family
// creators.
func zipEntryInfo(f *zip.File) *entryInfo {
	e := &entryInfo{raw: f.Name, mod: f.Modified, comment: f.Comment != ""}
	utf8Flag := f.Flags&flagUTF8 != 0
	if n := unicodePathName(f.Extra, f.Name); n != "" && !utf8Flag {
		e.name = n
		if n != f.Name {
			e.note = "entry name taken from its Unicode path field"
		}
	} else {
		e.name, e.note, e.problem = decodeName(f.Name, utf8Flag)
	}
	mode := f.Mode()
	unixType := (f.ExternalAttrs >> 16) & unixTypeMask
	creator := f.CreatorVersion >> 8
	dosCreator := creator == 0 || creator == 11 || creator == 14
	switch {
	case mode&fs.ModeSymlink != 0 || unixType == unixSymlink:
		e.special = "symbolic link"
	case dosCreator && f.ExternalAttrs&dosReparse != 0:
		e.special = "Windows reparse point (link)"
	case mode.Type()&^fs.ModeDir != 0 || (unixType != 0 && unixType != unixDir && unixType != unixRegular):
		e.special = "device or special file"
	}
	e.dir = strings.HasSuffix(f.Name, "/") || mode.IsDir() || unixType == unixDir ||
		(dosCreator && unixType == 0 && f.ExternalAttrs&dosDir != 0)
	return e
}

// zipSink writes the new zip: fresh headers, deflate, UTF-8 names (archive/zip sets the
// flag for any non-ASCII name), no comments, no extra fields but the timestamp.
type zipSink struct {
	zw *zip.Writer
}

func (z *zipSink) dir(name string, e *entryInfo) error {
	fh := &zip.FileHeader{Name: name, Method: zip.Store, Modified: e.mod}
	fh.SetMode(fs.ModeDir | 0o755)
	_, err := z.zw.CreateHeader(fh)
	return err
}

func (z *zipSink) file(name string, e *entryInfo, body *sanitize.Spool) error {
	fh := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: e.mod}
	fh.SetMode(0o644)
	fw, err := z.zw.CreateHeader(fh)
	if err != nil {
		return err
	}
	_, err = body.WriteTo(fw)
	return err
}
