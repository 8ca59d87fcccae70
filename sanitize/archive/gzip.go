package archive

import (
	"bufio"
	"compress/bzip2"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/sekisho/sekisho/sanitize"
)

// sanitizeCompressed handles a single-stream compressor: gzip, or bzip2 (which the
// standard library can only decompress, so its output is gzip). A compressed tar is
// walked as a tar; anything else is one payload sent through the inner sanitizer.
func (s *Sanitizer) sanitizeCompressed(ctx context.Context, in *sanitize.Item, w io.Writer, b *sanitize.Budget, st *walkState, kind string) (sanitize.Result, error) {
	res := sanitize.Result{Detected: in.Detected}
	lim := b.Limits()
	src := bufio.NewReader(in.Reader())
	var dr io.Reader
	var hdr gzip.Header
	switch kind {
	case "gzip":
		zr, err := gzip.NewReader(src)
		if err != nil {
			return res, streamError(kind, err)
		}
		defer zr.Close()
		hdr, dr = zr.Header, zr
	default:
		dr = bzip2.NewReader(src)
	}
	// The whole input is the compressed size: the ratio check covers the stream as a
	// whole, and the expansion is charged once, here.
	stream := bufio.NewReaderSize(&ratioReader{r: b.Expand(dr, lim.MaxFileSize), b: b, comp: in.Body.Size()}, 32<<10)
	head, err := stream.Peek(512)
	if err != nil && err != io.EOF {
		return res, streamError(kind, err)
	}
	wk, err := s.newWalker(ctx, in, b, st)
	if err != nil {
		return res, err
	}
	if hdr.Comment != "" {
		wk.res.Add(sanitize.ActRemovedMetadata, in.Path, "gzip comment")
		wk.changed = true
	}
	if kind == "bzip2" {
		wk.res.Add(sanitize.ActReencoded, in.Path, "bzip2 recompressed as gzip")
		wk.changed = true
	}
	gw := gzip.NewWriter(w)
	gw.ModTime = hdr.ModTime
	var out sanitize.Result
	if isTar(head) {
		if err := walkTar(wk, stream, gw, false); err != nil {
			return res, streamError(kind, err)
		}
		// Read to the end so the stream's checksum and length are verified.
		if _, err := io.Copy(io.Discard, stream); err != nil {
			return res, streamError(kind, err)
		}
		out = wk.finish()
		if kind == "bzip2" {
			out.OutName = gzName(in.Name)
		}
	} else {
		var done bool
		out, done, err = s.payload(wk, in, hdr.Name, kind, stream, gw)
		if err != nil || done {
			return out, err
		}
	}
	if !out.Verdict.HasOutput() {
		return out, nil
	}
	if err := gw.Close(); err != nil {
		return res, err
	}
	if kind == "bzip2" {
		out.OutType = "application/gzip"
	}
	return out, nil
}

// payload sanitizes the single file inside a gzip or bzip2 stream and compresses the
// result into gw. done means the result is final (refused) and gw must not be closed.
func (s *Sanitizer) payload(wk *walker, in *sanitize.Item, hdrName, kind string, stream io.Reader, gw *gzip.Writer) (sanitize.Result, bool, error) {
	if hdrName != "" {
		// gunzip -N restores the stored name: it must not be able to smuggle an .exe.
		if why := sanitize.BlockedName(hdrName, ""); why != "" {
			res := wk.res
			res.Verdict = sanitize.Blocked
			res.Reason = "compressed file name: " + why
			return res, true, nil
		}
	}
	name := payloadName(in.Name, hdrName)
	lim := wk.b.Limits()
	sp, err := sanitize.SpoolReader(stream, sanitize.SpoolOptions{Dir: s.tempDir, Threshold: s.threshold, Max: lim.MaxFileSize})
	if err != nil {
		return wk.res, true, streamError(kind, err)
	}
	defer sp.Remove()
	item := &sanitize.Item{Body: sp, Path: wk.path(name), Name: name, Origin: wk.in.Origin}
	osp := sanitize.NewSpool(sanitize.SpoolOptions{Dir: s.tempDir, Threshold: s.threshold, Max: lim.MaxFileSize})
	defer osp.Remove()
	r, err := s.inner.Sanitize(wk.ctx, item, osp, wk.nb)
	if err != nil {
		return wk.res, true, err
	}
	if err := wk.check(); err != nil {
		return wk.res, true, err
	}
	res := wk.res
	res.Merge(r)
	if !r.Verdict.HasOutput() {
		res.Verdict = r.Verdict
		res.Reason = item.Path + ": " + r.Reason
		return res, true, nil
	}
	res.Verdict = sanitize.Clean
	if wk.changed || r.Verdict != sanitize.Clean {
		res.Verdict = sanitize.Sanitized
	}
	// The stored name is Latin-1 by RFC 1952; keep it only when it is plain ASCII and
	// still right.
	if hdrName != "" && r.OutName == "" && isASCII(hdrName) {
		gw.Name = path.Base(hdrName)
	}
	switch {
	case r.OutName != "" && in.Name != "":
		res.OutName = r.OutName + ".gz"
		res.Add(sanitize.ActRenamed, in.Path, "output renamed to "+res.OutName)
	case kind == "bzip2":
		res.OutName = gzName(in.Name)
	}
	if _, err := osp.WriteTo(gw); err != nil {
		return res, true, err
	}
	return res, false, nil
}

// payloadName is the name the compressed file had: the container's name without its
// compression suffix (what gunzip would create), else the stored header name.
func payloadName(outer, stored string) string {
	base := path.Base(outer)
	lower := strings.ToLower(base)
	for _, suf := range []struct{ from, to string }{
		{".tgz", ".tar"}, {".tbz2", ".tar"}, {".tbz", ".tar"},
		{".gz", ""}, {".gzip", ""}, {".bz2", ""}, {".bz", ""},
	} {
		if strings.HasSuffix(lower, suf.from) && len(base) > len(suf.from) {
			return base[:len(base)-len(suf.from)] + suf.to
		}
	}
	if c, problem := cleanName(path.Base(stored)); stored != "" && problem == "" && !strings.Contains(c, "/") {
		return c
	}
	if c, problem := cleanName(base); outer != "" && problem == "" {
		return c
	}
	return "data"
}

// gzName is the name of a bzip2 container recompressed as gzip.
func gzName(name string) string {
	if name == "" {
		return ""
	}
	lower := strings.ToLower(name)
	for _, suf := range []struct{ from, to string }{
		{".tbz2", ".tgz"}, {".tbz", ".tgz"}, {".bz2", ".gz"}, {".bz", ".gz"},
	} {
		if strings.HasSuffix(lower, suf.from) {
			return name[:len(name)-len(suf.from)] + suf.to
		}
	}
	return name + ".gz"
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// streamError classifies a failure of the compressed stream.
func streamError(kind string, err error) error {
	var le *sanitize.LimitError
	var se bzip2.StructuralError
	switch {
	case errors.As(err, &le), errors.Is(err, sanitize.ErrMalformed), errors.Is(err, sanitize.ErrEncrypted),
		errors.Is(err, sanitize.ErrUnsupported), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.Is(err, gzip.ErrChecksum), errors.Is(err, gzip.ErrHeader), errors.As(err, &se),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return fmt.Errorf("%w %s: %v", sanitize.ErrMalformed, kind, err)
	}
	return fmt.Errorf("%w %s: %v", sanitize.ErrMalformed, kind, err)
}
