package transfer

import (
	"bufio"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"

	"github.com/sekisho/sekisho/gateway/metrics"
)

// Blobs holds a transfer's bytes: uploads being received (staged, by file ID) and the
// engine's outputs (stored once per SHA-256, however many files share them). FileBlobs
// under data_dir/transfer is the default; a store shared by several nodes supplies its
// own, so a file uploaded on one node downloads from another. Implementations are safe
// for concurrent use; the service never writes one staged upload from two requests.
type Blobs interface {
	// AppendStaged opens the staged upload id (creating it) for writing at off, dropping
	// any bytes past off first: they are from a request cut before its offset was
	// recorded, and the client sends them again.
	AppendStaged(id string, off int64) (StagedWriter, error)
	// ReadStaged opens a staged upload for reading; StagedSize is its length (0 when
	// there is none).
	ReadStaged(id string) (Blob, error)
	StagedSize(id string) (int64, error)
	RemoveStaged(id string) error
	// Create starts a new output.
	Create() (BlobWriter, error)
	// Open opens the output stored under sum (ErrNotFound for an invalid sum).
	Open(sum string) (Blob, error)
	Remove(sum string) error
	// Free is the space left for new bytes (an error when the store cannot tell).
	Free() (int64, error)
	Close() error
}

// StagedWriter appends to a staged upload.
type StagedWriter interface {
	io.Writer
	// Sync makes what was written durable: the offset the service then records is
	// never ahead of the bytes.
	Sync() error
	// Rollback drops everything written through this writer, durably.
	Rollback() error
	Close() error
}

// BlobWriter writes one output: Commit makes it durable under its SHA-256 (returned with
// the size), Abort drops it. One of them is always called.
type BlobWriter interface {
	io.Writer
	Commit() (sum string, n int64, err error)
	Abort()
}

// Blob is stored bytes opened for reading.
type Blob interface {
	io.ReadSeekCloser
	io.ReaderAt
	Size() int64
}

// FileBlobs is Blobs in a directory, opened as an os.Root (no name can leave it):
//
//	staging/<file ID>      an upload in progress, or complete and waiting for the engine
//	blobs/<ab>/<sha256>    a sanitized output (a hard link to the staged upload when the
//	                       engine wrote it unchanged: KeepStaged)
//	blobs/tmp-*            an output being written
type FileBlobs struct {
	dir  string
	root *os.Root
}

var _ Blobs = (*FileBlobs)(nil)

// OpenFileBlobs opens (creating) the directory.
func OpenFileBlobs(dir string) (*FileBlobs, error) {
	for _, d := range []string{"staging", "blobs"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			return nil, fmt.Errorf("transfer: %w", err)
		}
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("transfer: %w", err)
	}
	return &FileBlobs{dir: dir, root: root}, nil
}

// RemoveTemporary removes outputs whose writer died with its process. The service calls
// it when it starts its workers, never a command that only reads or decides (it would take
// a running gateway's output from under it).
func (b *FileBlobs) RemoveTemporary() {
	if ents, err := os.ReadDir(filepath.Join(b.dir, "blobs")); err == nil {
		for _, e := range ents {
			if !e.IsDir() && len(e.Name()) > 4 && e.Name()[:4] == "tmp-" {
				b.root.Remove("blobs/" + e.Name())
			}
		}
	}
}

func (b *FileBlobs) Close() error { return b.root.Close() }

func (b *FileBlobs) Free() (int64, error) { return metrics.FreeBytes(b.dir) }

func stagedName(fileID string) string { return "staging/" + fileID }

type stagedFile struct {
	*os.File
	off     int64 // where this writer started
	written int64 // bytes written since
	flushed int64 // of which the kernel was asked to start writing back
}

// writebackChunk is how often an upload's written bytes are handed to the disk: the fsync
// that acknowledges them then finds little left to write, instead of gigabytes of dirty
// pages at the end of a large upload.
const writebackChunk = 32 << 20

func (w *stagedFile) Write(p []byte) (int, error) {
	n, err := w.File.Write(p)
	w.written += int64(n)
	if w.written-w.flushed >= writebackChunk {
		startWriteback(w.File, w.off+w.flushed, w.written-w.flushed)
		w.flushed = w.written
	}
	return n, err
}

func (w *stagedFile) Rollback() error {
	if err := w.Truncate(w.off); err != nil {
		return err
	}
	return w.File.Sync()
}

func (b *FileBlobs) AppendStaged(id string, off int64) (StagedWriter, error) {
	if !ValidID(id) {
		return nil, ErrNotFound
	}
	f, err := b.root.OpenFile(stagedName(id), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := f.Truncate(off); err != nil {
		f.Close()
		return nil, err
	}
	if _, err := f.Seek(off, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	return &stagedFile{File: f, off: off}, nil
}

// fileBlob is an open file with its size.
type fileBlob struct {
	*os.File
	size int64
}

func (f fileBlob) Size() int64 { return f.size }

func openFileBlob(root *os.Root, name string) (Blob, error) {
	f, err := root.Open(name)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	return fileBlob{File: f, size: fi.Size()}, nil
}

func (b *FileBlobs) ReadStaged(id string) (Blob, error) {
	if !ValidID(id) {
		return nil, ErrNotFound
	}
	return openFileBlob(b.root, stagedName(id))
}

func (b *FileBlobs) StagedSize(id string) (int64, error) {
	if !ValidID(id) {
		return 0, ErrNotFound
	}
	fi, err := b.root.Stat(stagedName(id))
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

func (b *FileBlobs) RemoveStaged(id string) error {
	if !ValidID(id) {
		return nil
	}
	if err := b.root.Remove(stagedName(id)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

func blobName(sum string) string { return "blobs/" + sum[:2] + "/" + sum }

// ValidSum accepts a lower-case hex SHA-256.
func ValidSum(s string) bool {
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

func (b *FileBlobs) Open(sum string) (Blob, error) {
	if !ValidSum(sum) {
		return nil, ErrNotFound
	}
	return openFileBlob(b.root, blobName(sum))
}

func (b *FileBlobs) Remove(sum string) error {
	if !ValidSum(sum) {
		return nil
	}
	if err := b.root.Remove(blobName(sum)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

type fileBlobWriter struct {
	b    *FileBlobs
	f    *os.File
	bw   *bufio.Writer // families write in small pieces (4 KiB from a decoder)
	name string
	h    hash.Hash
	n    int64
	done bool
}

func (b *FileBlobs) Create() (BlobWriter, error) {
	var r [8]byte
	rand.Read(r[:])
	name := "blobs/tmp-" + hex.EncodeToString(r[:])
	f, err := b.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	return &fileBlobWriter{b: b, f: f, bw: bufio.NewWriterSize(f, 256<<10), name: name, h: sha256.New()}, nil
}

func (w *fileBlobWriter) Write(p []byte) (int, error) {
	n, err := w.bw.Write(p)
	w.h.Write(p[:n])
	w.n += int64(n)
	return n, err
}

// Restart empties the output (sanitize.Restartable): the engine then writes a file's
// output straight here instead of spooling it first and copying, so a multi-gigabyte
// transfer is written once. Nothing written is visible before Commit.
func (w *fileBlobWriter) Restart() error {
	w.bw.Reset(w.f)
	if err := w.f.Truncate(0); err != nil {
		return err
	}
	if _, err := w.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	w.h.Reset()
	w.n = 0
	return nil
}

// Commit fsyncs the output and moves it to its content address (dropping it when the same
// bytes are stored already), then fsyncs the directory.
func (w *fileBlobWriter) Commit() (string, int64, error) {
	w.done = true
	err := w.bw.Flush()
	if err == nil {
		err = w.f.Sync()
	}
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

func (w *fileBlobWriter) Abort() {
	if w.done {
		return
	}
	w.done = true
	w.f.Close()
	w.b.root.Remove(w.name)
}
