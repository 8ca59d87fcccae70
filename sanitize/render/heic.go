package render

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"time"

	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/internal/jpegre"
)

// ErrNoHEIFDecoder is returned by NewPhotoConverter when heif-convert is not installed.
var ErrNoHEIFDecoder = errors.New("render: heif-convert (Debian libheif-examples) not found")

// PhotoOptions configure a PhotoConverter. Zero values take the documented defaults.
type PhotoOptions struct {
	// Inner sanitizes the decoded photo: the engine, so the image family rebuilds it like
	// any JPEG that arrived as one. Required.
	Inner   sanitize.Sanitizer
	Program string        // heif-convert; "" looks it up in PATH
	Timeout time.Duration // wall clock per photo, default 30s
	// MaxMemory caps the decoder's address space (prlimit --as), default 2 GiB: with
	// limits.max_pixels checked on the file's own dimensions first, a decode needs a few
	// hundred MB at most.
	MaxMemory int64
	TempDir   string // work folders; "" = os.TempDir()
}

// PhotoConverter is the convert policy for HEIC/HEIF photos (the iPhone's format), which
// no Go decoder reads: libheif's heif-convert decodes the primary image to a JPEG in the
// sandbox LibreOffice runs in (own process group killed on timeout, no network, every file
// written capped at limits.max_file_size, address space capped), after the dimensions the
// file declares were checked against limits.max_pixels; the JPEG then goes through Inner,
// whose image family rebuilds it. Nothing of the HEIC container (EXIF, XMP, depth maps,
// thumbnails, other images of a burst) is carried over.
type PhotoConverter struct {
	inner            sanitize.Sanitizer
	program          string
	unshare, prlimit string
	tmp              string
	timeout          time.Duration
	maxMem           int64
	slots            chan struct{}
}

var _ sanitize.Sanitizer = (*PhotoConverter)(nil)

// NewPhotoConverter finds heif-convert; it returns ErrNoHEIFDecoder when it is not
// installed, so the caller can leave the photos held with their reason.
func NewPhotoConverter(o PhotoOptions) (*PhotoConverter, error) {
	if o.Inner == nil {
		return nil, errors.New("render: photo converter needs an inner sanitizer")
	}
	if o.Program == "" {
		p, err := exec.LookPath("heif-convert")
		if err != nil {
			return nil, ErrNoHEIFDecoder
		}
		o.Program = p
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.MaxMemory <= 0 {
		o.MaxMemory = 2 << 30
	}
	if o.TempDir == "" {
		o.TempDir = os.TempDir()
	}
	tmp, err := filepath.Abs(o.TempDir)
	if err != nil {
		return nil, fmt.Errorf("render: temp folder: %w", err)
	}
	unshare, prlimit := sandboxTools()
	return &PhotoConverter{inner: o.Inner, program: o.Program, unshare: unshare, prlimit: prlimit,
		tmp: tmp, timeout: o.Timeout, maxMem: o.MaxMemory, slots: make(chan struct{}, runtime.NumCPU())}, nil
}

// Sanitize decodes a HEIC/HEIF photo to a JPEG and sanitizes that through Inner.
func (p *PhotoConverter) Sanitize(ctx context.Context, in *sanitize.Item, w io.Writer, b *sanitize.Budget) (sanitize.Result, error) {
	res := sanitize.Result{Detected: in.Detected}
	if in.Detected.Name != "heic" && in.Detected.Name != "avif" {
		return res, fmt.Errorf("%w: the photo converter reads HEIC/HEIF and AVIF, not %s", sanitize.ErrUnsupported, in.Detected.Name)
	}
	lim := b.Limits()
	if err := b.CheckFileSize(in.Body.Size()); err != nil {
		return res, err
	}
	wd, ht, err := heifSize(in.Body, in.Body.Size())
	if err != nil {
		return res, err
	}
	if err := b.CheckPixels(wd, ht); err != nil {
		return res, err
	}
	ctx, cancel := b.Context(ctx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, p.timeout)
	defer cancel()
	select {
	case p.slots <- struct{}{}:
		defer func() { <-p.slots }()
	case <-ctx.Done():
		return res, ctx.Err()
	}
	data, err := p.decode(ctx, in, lim.MaxFileSize)
	if err != nil {
		return res, err
	}
	if got := sanitize.Detect(bytes.NewReader(data)); got.Name != "jpeg" {
		return res, fmt.Errorf("%w: heif-convert wrote %s, want jpeg", sanitize.ErrMalformed, got.Name)
	}
	// heif-convert copies the file's EXIF into the JPEG, orientation included, after
	// libheif has already turned the pixels by the file's own rotation (irot/imir, which
	// HEIF says wins over EXIF): the image family would turn an iPhone photo twice.
	// Rebuilding from the coefficients keeps the pixels and drops every APPn.
	data, _, err = jpegre.Rebuild(data, lim.MaxPixels)
	if err != nil {
		return res, fmt.Errorf("%w: decoded photo: %v", sanitize.ErrMalformed, err)
	}
	body := bytes.NewReader(data)
	nb, err := b.Nest()
	if err != nil {
		return res, err
	}
	name := sanitize.ReplaceExt(in.Name, ".jpg")
	r, err := p.inner.Sanitize(ctx, &sanitize.Item{Body: body, Path: in.Path, Name: name, DeclaredType: "image/jpeg"}, w, nb)
	if err != nil {
		return res, err
	}
	if !r.Verdict.HasOutput() {
		return res, fmt.Errorf("decoded photo refused: %s", r.Reason)
	}
	res.Add(sanitize.ActConverted, in.Path, in.Detected.Name+" → jpeg by libheif (EXIF, XMP, thumbnails and other images of the file not carried over)")
	for _, a := range r.Actions {
		if a.Kind != sanitize.ActRenamed {
			res.Actions = append(res.Actions, a)
		}
	}
	res.Verdict = sanitize.Sanitized
	res.OutName = name
	if r.OutName != "" {
		res.OutName = r.OutName
	}
	res.OutType = "image/jpeg"
	return res, nil
}

// decode runs heif-convert on the photo in a work folder of its own and returns the JPEG
// of its first (primary) image.
func (p *PhotoConverter) decode(ctx context.Context, in *sanitize.Item, maxFile int64) ([]byte, error) {
	dir, err := os.MkdirTemp(p.tmp, "sekisho-heif-")
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	defer os.RemoveAll(dir)
	// libheif reads the container, not the name: one name serves HEIC and AVIF.
	if err := writeFile(filepath.Join(dir, "in.heic"), in); err != nil {
		return nil, err
	}
	cmd := sandboxed(p.unshare, p.prlimit, dir,
		[]string{fmt.Sprintf("--fsize=%d", maxFile+1), fmt.Sprintf("--as=%d", p.maxMem)},
		p.program, "--quiet", "-q", "92", "in.heic", "out.jpg")
	out := &capped{max: 4 << 10}
	cmd.Stdout, cmd.Stderr = out, out
	runErr := runGroup(ctx, cmd)
	switch {
	case errors.Is(runErr, errStart):
		return nil, fmt.Errorf("render: start heif-convert: %w", runErr)
	case runErr != nil && ctx.Err() != nil:
		return nil, fmt.Errorf("%w: heif-convert: %v (render.convert_timeout)", sanitize.ErrTimeout, ctx.Err())
	}
	// A file of several top-level images (a burst) is written as out-1.jpg, out-2.jpg...
	for _, n := range []string{"out.jpg", "out-1.jpg"} {
		f := filepath.Join(dir, n)
		st, err := os.Stat(f)
		if err != nil {
			continue
		}
		if st.Size() > maxFile {
			// prlimit stopped the write one byte over: the photo decodes to more than
			// limits.max_file_size.
			return nil, &sanitize.LimitError{Limit: "limits.max_file_size", Max: maxFile, Got: st.Size()}
		}
		if runErr != nil {
			break
		}
		return os.ReadFile(f)
	}
	if runErr != nil {
		return nil, fmt.Errorf("%w: heif-convert failed: %v: %s", sanitize.ErrMalformed, runErr, bytes.TrimSpace(out.bytes()))
	}
	return nil, fmt.Errorf("%w: heif-convert wrote no image: %s", sanitize.ErrMalformed, bytes.TrimSpace(out.bytes()))
}

// heifSize returns the largest image dimensions an HEIF file declares (its ispe
// properties: the full image of a grid as well as its tiles), read from the meta box with
// a bounded walk of the ISO BMFF structure, so limits.max_pixels is checked before any
// decoder allocates a frame.
func heifSize(r io.ReaderAt, size int64) (int, int, error) {
	const maxMeta = 4 << 20
	var off int64
	for i := 0; off+8 <= size && i < 64; i++ {
		var h [16]byte
		if _, err := r.ReadAt(h[:8], off); err != nil {
			return 0, 0, fmt.Errorf("%w: heif: %v", sanitize.ErrMalformed, err)
		}
		n, hdr := int64(binary.BigEndian.Uint32(h[:4])), int64(8)
		switch n {
		case 0:
			n = size - off
		case 1:
			if _, err := r.ReadAt(h[8:16], off+8); err != nil {
				return 0, 0, fmt.Errorf("%w: heif: %v", sanitize.ErrMalformed, err)
			}
			n, hdr = int64(binary.BigEndian.Uint64(h[8:16])), 16
		}
		if n < hdr || n > size-off {
			return 0, 0, fmt.Errorf("%w: heif: box %q of %d bytes at %d overruns the file", sanitize.ErrMalformed, h[4:8], n, off)
		}
		if string(h[4:8]) == "meta" {
			if n-hdr > maxMeta {
				return 0, 0, fmt.Errorf("%w: heif: meta box over %d MiB", sanitize.ErrLimit, maxMeta>>20)
			}
			meta := make([]byte, n-hdr)
			if _, err := r.ReadAt(meta, off+hdr); err != nil {
				return 0, 0, fmt.Errorf("%w: heif: %v", sanitize.ErrMalformed, err)
			}
			return ispeMax(meta)
		}
		off += n
	}
	return 0, 0, fmt.Errorf("%w: heif: no meta box", sanitize.ErrMalformed)
}

// ispeMax reads meta's body (a full box: version and flags first), finds iprp > ipco and
// returns the largest width x height among its ispe properties.
func ispeMax(meta []byte) (int, int, error) {
	if len(meta) < 4 {
		return 0, 0, fmt.Errorf("%w: heif: short meta box", sanitize.ErrMalformed)
	}
	var w, h int
	var best int64
	found := false
	err := eachBox(meta[4:], func(typ string, body []byte) error {
		if typ != "iprp" {
			return nil
		}
		return eachBox(body, func(typ string, body []byte) error {
			if typ != "ipco" {
				return nil
			}
			return eachBox(body, func(typ string, body []byte) error {
				if typ != "ispe" {
					return nil
				}
				if len(body) < 12 {
					return fmt.Errorf("%w: heif: short ispe property", sanitize.ErrMalformed)
				}
				bw, bh := binary.BigEndian.Uint32(body[4:8]), binary.BigEndian.Uint32(body[8:12])
				if px := int64(bw) * int64(bh); px >= best {
					best, w, h, found = px, int(min(bw, 1<<31-1)), int(min(bh, 1<<31-1)), true
				}
				return nil
			})
		})
	})
	if err != nil {
		return 0, 0, err
	}
	if !found {
		return 0, 0, fmt.Errorf("%w: heif: no image size (ispe) in the file", sanitize.ErrMalformed)
	}
	return w, h, nil
}

// eachBox calls fn for every box in b, in order; it fails on a box that overruns b.
func eachBox(b []byte, fn func(typ string, body []byte) error) error {
	for len(b) > 0 {
		if len(b) < 8 {
			return fmt.Errorf("%w: heif: truncated box header", sanitize.ErrMalformed)
		}
		n, hdr := uint64(binary.BigEndian.Uint32(b[:4])), uint64(8)
		switch n {
		case 0:
			n = uint64(len(b))
		case 1:
			if len(b) < 16 {
				return fmt.Errorf("%w: heif: truncated box header", sanitize.ErrMalformed)
			}
			n, hdr = binary.BigEndian.Uint64(b[8:16]), 16
		}
		if n < hdr || n > uint64(len(b)) {
			return fmt.Errorf("%w: heif: box %q overruns its parent", sanitize.ErrMalformed, b[4:8])
		}
		if err := fn(string(b[4:8]), b[hdr:n]); err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}
