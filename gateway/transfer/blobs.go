package transfer

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
)

// blobs is the transfer's files on disk, under one directory opened as an os.Root (no
// name can leave it):
//
//	staging/<file ID>      an upload in progress, or complete and waiting for the engine
//	blobs/<ab>/<sha256>    a sanitized output, stored once however many files share it
//	blobs/tmp-*            an output being written
type blobs struct {
	dir  string
	root *os.Root
}

func openBlobs(dir string) (*blobs, error) {
	for _, d := range []string{"staging", "blobs"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			return nil, fmt.Errorf("transfer: %w", err)
		}
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("transfer: %w", err)
	}
	b := &blobs{dir: dir, root: root}
	// Outputs whose writer died with the process are garbage.
	if ents, err := os.ReadDir(filepath.Join(dir, "blobs")); err == nil {
		for _, e := range ents {
			if !e.IsDir() && len(e.Name()) > 4 && e.Name()[:4] == "tmp-" {
				root.Remove("blobs/" + e.Name())
			}
		}
	}
	return b, nil
}

func (b *blobs) close() error { return b.root.Close() }

func stagedName(fileID string) string { return "staging/" + fileID }

// openStaged opens (creating) the staging file of an upload for writing at any offset.
func (b *blobs) openStaged(fileID string) (*os.File, error) {
	return b.root.OpenFile(stagedName(fileID), os.O_RDWR|os.O_CREATE, 0o600)
}

// readStaged opens a staged upload for reading.
func (b *blobs) readStaged(fileID string) (*os.File, error) { return b.root.Open(stagedName(fileID)) }

// stagedSize is the bytes a staged upload holds (0 when there is none).
func (b *blobs) stagedSize(fileID string) int64 {
	fi, err := b.root.Stat(stagedName(fileID))
	if err != nil {
		return 0
	}
	return fi.Size()
}

func (b *blobs) removeStaged(fileID string) error {
	if err := b.root.Remove(stagedName(fileID)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

func blobName(sum string) string { return "blobs/" + sum[:2] + "/" + sum }

// validSum accepts a lower-case hex SHA-256.
func validSum(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
			return false
		}
	}
	return true
}

// openBlob opens a stored output.
func (b *blobs) openBlob(sum string) (*os.File, error) {
	if !validSum(sum) {
		return nil, ErrNotFound
	}
	return b.root.Open(blobName(sum))
}

func (b *blobs) removeBlob(sum string) error {
	if !validSum(sum) {
		return nil
	}
	if err := b.root.Remove(blobName(sum)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// blobWriter writes one output; Commit makes it durable under its hash, Abort drops it.
type blobWriter struct {
	b    *blobs
	f    *os.File
	name string
	h    hash.Hash
	n    int64
	done bool
}

func (b *blobs) create() (*blobWriter, error) {
	var r [8]byte
	rand.Read(r[:])
	name := "blobs/tmp-" + hex.EncodeToString(r[:])
	f, err := b.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	return &blobWriter{b: b, f: f, name: name, h: sha256.New()}, nil
}

func (w *blobWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	w.h.Write(p[:n])
	w.n += int64(n)
	return n, err
}

// Commit fsyncs the output and moves it to its content address (dropping it when the same
// bytes are stored already), then fsyncs the directory; it returns the hash and size.
func (w *blobWriter) Commit() (string, int64, error) {
	w.done = true
	err := w.f.Sync()
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		w.b.root.Remove(w.name)
		return "", 0, err
	}
	sum := hex.EncodeToString(w.h.Sum(nil))
	final := blobName(sum)
	if err := w.b.root.MkdirAll("blobs/"+sum[:2], 0o700); err != nil {
		w.b.root.Remove(w.name)
		return "", 0, err
	}
	if _, err := w.b.root.Stat(final); err == nil {
		w.b.root.Remove(w.name)
		return sum, w.n, nil
	}
	if err := w.b.root.Rename(w.name, final); err != nil {
		w.b.root.Remove(w.name)
		return "", 0, err
	}
	if d, err := w.b.root.Open("blobs/" + sum[:2]); err == nil {
		err = d.Sync()
		d.Close()
		if err != nil {
			return "", 0, err
		}
	}
	return sum, w.n, nil
}

func (w *blobWriter) Abort() {
	if w.done {
		return
	}
	w.done = true
	w.f.Close()
	w.b.root.Remove(w.name)
}

// fileBlob is a staged upload as the engine's input.
type fileBlob struct {
	*os.File
	size int64
}

func (f fileBlob) Size() int64 { return f.size }

var _ io.ReaderAt = fileBlob{}
