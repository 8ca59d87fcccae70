package archive

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/sekisho/sekisho/sanitize"
)

// sanitizeTar rebuilds an uncompressed tar.
func (s *Sanitizer) sanitizeTar(ctx context.Context, in *sanitize.Item, w io.Writer, b *sanitize.Budget, st *walkState) (sanitize.Result, error) {
	wk, err := s.newWalker(ctx, in, b, st)
	if err != nil {
		return sanitize.Result{Detected: in.Detected}, err
	}
	if err := walkTar(wk, in.Reader(), w, true); err != nil {
		return wk.res, err
	}
	return wk.finish(), nil
}

// walkTar walks a tar stream and writes the surviving entries as a new tar to out. When
// charge is set, entry bytes are charged to limits.max_total_size here; inside a
// compressed stream the decompressor has charged them already.
func walkTar(wk *walker, r io.Reader, out io.Writer, charge bool) error {
	lim := wk.b.Limits()
	tr := tar.NewReader(r)
	tw := tar.NewWriter(out)
	ts := &tarSink{tw: tw}
	for {
		if err := wk.check(); err != nil {
			return err
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return tarError(err)
		}
		if err := wk.b.AddEntries(1); err != nil {
			return err
		}
		if hdr.Typeflag == tar.TypeXGlobalHeader {
			wk.res.Add(sanitize.ActRemovedMetadata, wk.in.Path, "pax global header")
			wk.changed = true
			continue
		}
		e := tarEntryInfo(hdr)
		clean := wk.admit(e)
		if clean == "" {
			continue
		}
		if e.dir {
			if err := wk.addDir(clean, e, ts); err != nil {
				return err
			}
			continue
		}
		if hdr.Size > lim.MaxFileSize {
			return &sanitize.LimitError{Limit: "limits.max_file_size", Max: lim.MaxFileSize, Got: hdr.Size}
		}
		var body io.Reader = tr
		if charge {
			body = wk.b.Expand(tr, lim.MaxFileSize)
		}
		size := hdr.Size
		err = wk.entry(clean, e, body, ts, func(n int64) error {
			if n != size {
				return fmt.Errorf("%w tar: entry %q: %d bytes, header says %d", sanitize.ErrMalformed, displayName(clean), n, size)
			}
			return nil
		})
		if err != nil {
			return tarError(err)
		}
	}
	return tw.Close()
}

// tarError keeps limits, malformed, encrypted and context errors as they are and calls
// anything else archive/tar or the stream below it reports malformed input.
func tarError(err error) error {
	var le *sanitize.LimitError
	switch {
	case errors.As(err, &le), errors.Is(err, sanitize.ErrMalformed), errors.Is(err, sanitize.ErrEncrypted),
		errors.Is(err, sanitize.ErrUnsupported), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	}
	return fmt.Errorf("%w tar: %v", sanitize.ErrMalformed, err)
}

// tarEntryInfo classifies a tar header. Only regular files and directories are
// delivered: links (symbolic and hard) can point outside the extraction directory or at
// files extracted earlier, devices and FIFOs are never documents, and sparse files
// expand holes out of nothing (a cheap bomb).
func tarEntryInfo(hdr *tar.Header) *entryInfo {
	e := &entryInfo{raw: hdr.Name, mod: hdr.ModTime}
	_, paxPath := hdr.PAXRecords["path"]
	e.name, e.note, e.problem = decodeName(hdr.Name, paxPath)
	switch hdr.Typeflag {
	case tar.TypeReg, '\x00':
	case tar.TypeDir:
		e.dir = true
	case tar.TypeSymlink:
		e.special = "symbolic link"
	case tar.TypeLink:
		e.special = "hard link"
	case tar.TypeChar, tar.TypeBlock:
		e.special = "device file"
	case tar.TypeFifo:
		e.special = "named pipe"
	case tar.TypeGNUSparse:
		e.special = "sparse file"
	default:
		e.special = fmt.Sprintf("unsupported tar entry type %q", hdr.Typeflag)
	}
	for k := range hdr.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			e.special = "sparse file"
		}
	}
	return e
}

// tarSink writes the new tar: regular files 0644 and directories 0755 with no owner,
// no extended attributes and whole-second times. archive/tar picks USTAR, or PAX when
// a name needs it (long or non-ASCII; PAX names are UTF-8).
type tarSink struct {
	tw *tar.Writer
}

func (t *tarSink) dir(name string, e *entryInfo) error {
	return t.tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: name, Mode: 0o755, ModTime: tarTime(e.mod)})
}

func (t *tarSink) file(name string, e *entryInfo, body *sanitize.Spool) error {
	err := t.tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o644, Size: body.Size(), ModTime: tarTime(e.mod)})
	if err != nil {
		return err
	}
	_, err = body.WriteTo(t.tw)
	return err
}

func tarTime(t time.Time) time.Time {
	if t.Before(time.Unix(0, 0)) {
		return time.Unix(0, 0)
	}
	return t.Truncate(time.Second)
}

// isTar reports whether block is a tar header: its checksum field matches the sum of
// its bytes (with the field itself counted as spaces), which every tar format keeps.
func isTar(block []byte) bool {
	if len(block) < 512 || bytes.Count(block[:512], []byte{0}) == 512 {
		return false
	}
	field := strings.Trim(string(block[148:156]), " \x00")
	want, err := strconv.ParseInt(field, 8, 64)
	if err != nil {
		return false
	}
	var unsigned, signed int64
	for i, c := range block[:512] {
		if i >= 148 && i < 156 {
			c = ' '
		}
		unsigned += int64(c)
		signed += int64(int8(c))
	}
	return want == unsigned || want == signed
}
