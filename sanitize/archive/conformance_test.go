package archive

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"testing"
	"unicode/utf8"

	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/sanitizetest"
)

// TestConformance runs the engine-wide conformance suite over the generated corpus and
// the files produced by real tools.
func TestConformance(t *testing.T) {
	_, a := testEngine(t, sanitize.Limits{})
	corpus := append(writeCorpus(t, t.TempDir()), committed(t)...)
	// A book comes out as text, which the text family, not this one, reads on a second pass.
	sanitizetest.Run(t, a, corpus, sanitizetest.Options{Reparse: reparse, NotIdempotent: []string{"lo-ja.epub"}})
}

// reparse checks an output with the standard library readers, independently of the
// sanitizer's own parser: it must be a zip, a tar or a gzip whose every entry reads to
// the end (checksums verified) under a safe name; or, for an e-book, plain UTF-8 text.
func reparse(out []byte) error {
	if zr, err := zip.NewReader(bytes.NewReader(out), int64(len(out))); err == nil {
		for _, f := range zr.File {
			if err := safeName(f.Name); err != nil {
				return err
			}
			rc, err := f.Open()
			if err != nil {
				return err
			}
			_, err = io.Copy(io.Discard, rc)
			rc.Close()
			if err != nil {
				return fmt.Errorf("%s: %w", f.Name, err)
			}
		}
		return nil
	}
	var r io.Reader = bytes.NewReader(out)
	gz := false
	if zr, err := gzip.NewReader(bytes.NewReader(out)); err == nil {
		r, gz = zr, true
	}
	br := bufio.NewReader(r)
	head, _ := br.Peek(512)
	if !isTar(head) {
		if !gz {
			if utf8.Valid(out) && sanitize.Detect(bytes.NewReader(out)).Class == sanitize.ClassText {
				return nil
			}
			return fmt.Errorf("output is neither zip, tar, gzip nor text")
		}
		_, err := io.Copy(io.Discard, br)
		return err
	}
	tr := tar.NewReader(br)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			_, err = io.Copy(io.Discard, br)
			return err
		}
		if err != nil {
			return err
		}
		if h.Typeflag != tar.TypeReg && h.Typeflag != tar.TypeDir {
			return fmt.Errorf("%s: tar entry type %q in output", h.Name, h.Typeflag)
		}
		if err := safeName(h.Name); err != nil {
			return err
		}
	}
}

func safeName(name string) error {
	if clean, problem := cleanName(name); problem != "" || clean != name {
		return fmt.Errorf("unsafe or non-canonical name %q in output (%s)", name, problem)
	}
	return nil
}
