package transfer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
)

var (
	// ErrBusy: another request is writing to the same file.
	ErrBusy = errors.New("transfer: the file is being written by another request")
	// ErrTooMany: the user or link has max_concurrent_uploads uploads running.
	ErrTooMany = errors.New("transfer: too many uploads at once")
	// ErrOffset: the request's offset is not where the upload stands (resume from
	// Upload-Offset).
	ErrOffset = errors.New("transfer: offset does not match the upload")
	// ErrStorage: the disk is full; nothing of the request was kept.
	ErrStorage = errors.New("transfer: insufficient storage")
	// ErrLinkUsed: an upload link that is expired, revoked or already used (one-time).
	ErrLinkUsed = errors.New("transfer: the upload link is no longer usable")
)

// reserveBytes stay free on the transfer's file system: an upload that would eat into
// them is refused (507) before its body is read.
const reserveBytes = 64 << 20

// AddFile starts a file of the open transfer t: its declared name and type and, when
// known, its length (-1 unknown: the body's end decides). Limits (file size, files and
// bytes per transfer, quotas) are checked here, before any byte is read.
func (s *Service) AddFile(ctx context.Context, t Transfer, name, declaredType string, length int64, ip string) (File, error) {
	if t.State != Open || t.Done {
		return File{}, ErrState
	}
	lim := s.o.Limits
	if length > lim.MaxFileSize {
		return File{}, &LimitError{Key: "transfer.max_file_size", Max: lim.MaxFileSize, Got: length}
	}
	if err := s.checkQuota(ctx, t.Owner, max(length, 0)); err != nil {
		return File{}, err
	}
	maxBytes := lim.MaxTransferSize
	if t.LinkID != "" {
		if l, err := s.uploadLink(ctx, t.LinkID); err == nil && l.MaxBytes > 0 && l.MaxBytes < maxBytes {
			maxBytes = l.MaxBytes
		}
	}
	now := s.now().UTC()
	f := File{ID: newID("F"), TransferID: t.ID, Name: SafeName(name), RawName: RawName(name),
		DeclaredType: truncate(declaredType, 200), Length: length, State: Uploading, Created: now, Updated: now}
	if f.RawName == "" {
		f.RawName = f.Name
	}
	f, err := s.st.insertFile(ctx, f, lim.MaxFiles, maxBytes)
	if err != nil {
		var le *LimitError
		if errors.As(err, &le) && le.Key == "transfer.max_transfer_size" && maxBytes != lim.MaxTransferSize {
			le.Key = "upload link size cap"
		}
		return f, err
	}
	return f, nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		s = s[:n]
	}
	return strings.ToValidUTF8(s, "")
}

// checkQuota refuses extra bytes that would take the owner, or the owner's department,
// over its quota.
func (s *Service) checkQuota(ctx context.Context, owner string, extra int64) error {
	if q := s.o.Limits.QuotaPerUser; q > 0 {
		used, err := s.st.usage(ctx, []string{owner})
		if err != nil {
			return err
		}
		if used+extra > q {
			return &LimitError{Key: "transfer.quota_per_user", Max: q, Got: used + extra}
		}
	}
	if d := s.Department(owner); d.Quota > 0 {
		used, err := s.st.usage(ctx, d.Members)
		if err != nil {
			return err
		}
		if used+extra > d.Quota {
			return &LimitError{Key: "transfer.departments." + d.Name + ".quota", Max: d.Quota, Got: used + extra}
		}
	}
	return nil
}

// acquire marks f as being written by one request, counting against its uploader's
// concurrent uploads; release undoes it.
func (s *Service) acquire(f File, who string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.uploading[f.ID] {
		return ErrBusy
	}
	if s.perOwner[who] >= s.o.Limits.MaxConcurrentUploads {
		return ErrTooMany
	}
	s.uploading[f.ID] = true
	s.perOwner[who]++
	return nil
}

func (s *Service) release(f File, who string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.uploading, f.ID)
	if s.perOwner[who]--; s.perOwner[who] <= 0 {
		delete(s.perOwner, who)
	}
}

// runningHash is the SHA-256 of an upload that arrives in order, so a completed file is
// not read again to hash it; a resumed upload after a restart is hashed when done.
type runningHash struct {
	h   hash.Hash
	off int64
}

// Write appends the body at off to the uploading file f (a tus PATCH, a PUT, a multipart
// part) and returns the new offset. Bytes are counted here: more than the declared length,
// or than transfer.max_file_size, is a *LimitError and nothing of the request is kept.
// When the body ends early (the client went away, a deadline passed), what arrived is
// made durable and kept: the upload resumes from the returned offset. A full disk keeps
// nothing of the request (ErrStorage). When the file is complete it is queued for the
// engine.
func (s *Service) Write(ctx context.Context, t Transfer, f File, off int64, body io.Reader, ip string) (int64, error) {
	return s.write(ctx, t, f, off, body, ip, false)
}

// WriteWhole is Write of a body that is the whole file from its first byte (a PUT with
// its length): a text file is then sanitized while it arrives (live.go).
func (s *Service) WriteWhole(ctx context.Context, t Transfer, f File, body io.Reader, ip string) (int64, error) {
	return s.write(ctx, t, f, 0, body, ip, true)
}

func (s *Service) write(ctx context.Context, t Transfer, f File, off int64, body io.Reader, ip string, whole bool) (int64, error) {
	if f.State != Uploading {
		return f.Offset, ErrState
	}
	if err := s.acquire(f, t.Sender); err != nil {
		return f.Offset, err
	}
	defer s.release(f, t.Sender)
	// Read the offset again under the lock: a request that ended a moment ago moved it.
	cur, err := s.st.file(ctx, f.ID)
	if err != nil {
		return f.Offset, err
	}
	f = cur
	if f.State != Uploading {
		return f.Offset, ErrState
	}
	if off != f.Offset {
		return f.Offset, ErrOffset
	}
	lim := s.o.Limits.MaxFileSize
	remaining := lim - off
	if f.Length >= 0 {
		remaining = f.Length - off
	}
	if free, err := s.blobs.Free(); err == nil && f.Length >= 0 && free-remaining < reserveBytes {
		return off, ErrStorage
	}
	w, err := s.blobs.AppendStaged(f.ID, off)
	if err != nil {
		return off, err
	}
	defer w.Close()
	rh := s.hashFor(f.ID, off)
	dst := io.Writer(w)
	var h hash.Hash
	if rh != nil {
		h = rh.h
	}
	// The engine follows an upload that arrives in order within this process: a whole
	// PUT, or chunks (tus PATCH, Content-Range) that each ended where the client meant.
	lv := s.takeFollowing(f.ID)
	switch {
	case rh == nil:
		lv.stop()
		lv = nil
	case off == 0:
		lv.stop()
		lv = s.startLive(t, f)
	case lv != nil && lv.in.received() != off:
		lv.stop()
		lv = nil
	}
	var follow *growing
	if lv != nil {
		follow = lv.in
	}
	body = clientReader{body}
	n, copyErr := copyHashing(dst, io.LimitReader(body, remaining), h, follow)
	var over bool
	if copyErr == nil {
		// One more byte means the body is longer than it may be.
		var one [1]byte
		if m, _ := io.ReadFull(body, one[:]); m > 0 {
			over = true
		}
	}
	complete := f.Length >= 0 && n == remaining || f.Length < 0 && copyErr == nil
	if whole && !complete && copyErr == nil {
		// fasthttp ends a body cut short of its Content-Length with a plain EOF: for a
		// body that is the whole file that is a cut, to resume, not a file to finish.
		copyErr = &ClientError{io.ErrUnexpectedEOF}
	}
	if over || copyErr != nil {
		// The engine stops and its output is gone before the request answers.
		lv.stop()
		lv = nil
	}
	switch {
	case over || isNoSpace(copyErr):
		// Nothing of this request is kept: not half a file the disk could not hold, not
		// bytes beyond what was declared.
		w.Rollback()
		s.dropHash(f.ID)
		if over {
			max, got := remaining+off, n+off+1
			key := "transfer.max_file_size"
			if f.Length >= 0 && f.Length < lim {
				key = "Upload-Length"
			}
			return off, &LimitError{Key: key, Max: max, Got: got}
		}
		return off, ErrStorage
	}
	if err := w.Sync(); err != nil {
		lv.stop()
		w.Rollback()
		s.dropHash(f.ID)
		if isNoSpace(err) {
			return off, ErrStorage
		}
		return off, err
	}
	newOff := off + n
	if rh != nil {
		rh.off = newOff
	}
	now := s.now().UTC()
	if !complete {
		// A body that ended where the client meant it to (a tus chunk) or one that was
		// cut: either way what arrived is kept and the upload goes on from newOff.
		if err := s.st.setOffset(context.WithoutCancel(ctx), f.ID, newOff, now); err != nil {
			lv.stop()
			return off, err
		}
		if lv != nil {
			s.follow(f.ID, lv)
		}
		return newOff, copyErr
	}
	if lv != nil {
		s.setLive(f.ID, lv)
	}
	if err := s.complete(context.WithoutCancel(ctx), t, f, newOff, ip); err != nil {
		s.takeLive(f.ID).stop()
		return newOff, err
	}
	return newOff, nil
}

// complete marks a fully received file as uploaded and queues it for the engine.
func (s *Service) complete(ctx context.Context, t Transfer, f File, size int64, ip string) error {
	if f.Length < 0 {
		// An upload of unknown length counts against the transfer only now.
		if err := s.addBytes(ctx, t, f, size); err != nil {
			f.State, f.Reason, f.Updated = Cancelled, err.Error(), s.now().UTC()
			s.st.updateFile(ctx, f, Uploading)
			s.blobs.RemoveStaged(f.ID)
			return err
		}
		f.Length = size
	}
	sum, err := s.originalSum(f.ID, size)
	if err != nil {
		return err
	}
	f.Offset, f.State, f.SHA256, f.Updated = size, Uploaded, sum, s.now().UTC()
	if err := s.st.updateFile(ctx, f, Uploading); err != nil {
		return err
	}
	if err := s.audit(ctx, "transfer-upload", f.ID, t.Sender, ip, fmt.Sprintf("transfer=%s; name=%q; bytes=%d; sha256=%s",
		t.ID, f.Name, size, sum)); err != nil {
		s.log.Error("transfer upload not audited", "file", f.ID, "err", err)
	}
	s.enqueue(f.ID)
	return nil
}

func (s *Service) addBytes(ctx context.Context, t Transfer, f File, size int64) error {
	cur, err := s.st.transfer(ctx, t.ID)
	if err != nil {
		return err
	}
	maxBytes := s.o.Limits.MaxTransferSize
	if cur.Bytes+size > maxBytes {
		return &LimitError{Key: "transfer.max_transfer_size", Max: maxBytes, Got: cur.Bytes + size}
	}
	if err := s.checkQuota(ctx, t.Owner, size); err != nil {
		return err
	}
	_, err = s.o.DB.ExecContext(ctx, `UPDATE transfer_transfers SET bytes = bytes + $1 WHERE id = $2`, size, t.ID)
	return err
}

func (s *Service) hashFor(id string, off int64) *runningHash {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hashes == nil {
		s.hashes = map[string]*runningHash{}
	}
	rh := s.hashes[id]
	switch {
	case off == 0:
		rh = &runningHash{h: sha256.New()}
		s.hashes[id] = rh
	case rh == nil || rh.off != off:
		delete(s.hashes, id)
		return nil
	}
	return rh
}

func (s *Service) dropHash(id string) {
	s.mu.Lock()
	delete(s.hashes, id)
	s.mu.Unlock()
}

// originalSum is the SHA-256 of the staged upload: the running hash when the upload came
// in order within this process, else read from the file.
func (s *Service) originalSum(id string, size int64) (string, error) {
	s.mu.Lock()
	rh := s.hashes[id]
	delete(s.hashes, id)
	s.mu.Unlock()
	if rh != nil && rh.off == size {
		return hex.EncodeToString(rh.h.Sum(nil)), nil
	}
	f, err := s.blobs.ReadStaged(id)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// copyHashing copies src to dst as io.Copy does and writes what dst took to h (when not
// nil). Reading, writing and hashing run on goroutines of their own, handing blocks on in
// order: a large upload's TLS, page-cache copy and SHA-256 then use both CPUs instead of
// queueing on one. Blocks are filled before they are written: a TLS body arrives a record
// (16 KiB) per read, and a write and a hand-over per record would cost more than they
// overlap. When it returns, every block read before a failure was written (or refused by
// dst) and h has seen every byte dst took. When follow is not nil (a live run, live.go)
// each block dst took is handed to it too, so the engine reads the upload from the blocks
// it arrived in rather than back from the file.
func copyHashing(dst io.Writer, src io.Reader, h hash.Hash, follow *growing) (int64, error) {
	const depth = 4
	n := depth
	if follow != nil {
		n += windowBlocks
	}
	pool := newBlockPool(n)
	defer pool.close()
	type part struct {
		b *block
		n int
	}
	toWrite := make(chan part, n)
	toHash := make(chan part, n)
	hashed := make(chan struct{})
	if h == nil {
		close(hashed)
	} else {
		go func() { // ends when toHash is closed by the writer
			defer close(hashed)
			for p := range toHash {
				h.Write(p.b.buf[:p.n])
				p.b.release()
			}
		}()
	}
	var (
		total   int64 // written by the writer; read after written is closed
		werr    error
		failed  atomic.Bool // the writer failed: the reader stops
		written = make(chan struct{})
	)
	go func() { // ends when toWrite is closed by the reader
		defer close(written)
		defer close(toHash)
		for p := range toWrite {
			wk := 0
			if werr == nil {
				var err error
				wk, err = dst.Write(p.b.buf[:p.n])
				total += int64(wk)
				if err == nil && wk < p.n {
					err = io.ErrShortWrite
				}
				if err != nil {
					werr = err
					failed.Store(true)
				}
			}
			keep := follow != nil && wk > 0 && werr == nil
			refs := int32(0)
			if h != nil {
				refs++
			}
			if keep {
				refs++
			}
			p.b.refs.Store(refs)
			if refs == 0 {
				pool.put(p.b)
			}
			if keep {
				follow.keep(p.b, wk)
			}
			if h != nil {
				toHash <- part{p.b, wk}
			}
		}
	}()
	var rerr error
	for rerr == nil && !failed.Load() {
		b := <-pool.free
		k := 0
		for k < len(b.buf) && rerr == nil {
			var m int
			m, rerr = src.Read(b.buf[k:])
			k += m
		}
		if k == 0 {
			pool.put(b)
			continue
		}
		toWrite <- part{b, k}
	}
	close(toWrite)
	<-written
	<-hashed
	if werr != nil {
		return total, werr // the write's error counts: a full disk refuses the request
	}
	if rerr == io.EOF {
		rerr = nil
	}
	return total, rerr
}

// block is one of copyHashing's buffers. The hasher and a live run's window each hold a
// reference; it is reused when the last is released.
type block struct {
	buf  []byte
	refs atomic.Int32
	pool *blockPool
}

func (b *block) release() {
	if b.refs.Add(-1) == 0 {
		b.pool.put(b)
	}
}

// blockPool is one copy's blocks: a fixed number, so a hasher or an engine that falls
// behind holds the copy back instead of growing memory. Blocks released after the copy
// returned (a live run's window outlives the request) go to copyBuffers.
type blockPool struct {
	mu     sync.Mutex
	free   chan *block
	closed bool
}

func newBlockPool(n int) *blockPool {
	p := &blockPool{free: make(chan *block, n)}
	for range n {
		p.free <- &block{buf: copyBuffers.Get().([]byte), pool: p}
	}
	return p
}

func (p *blockPool) put(b *block) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		copyBuffers.Put(b.buf)
		return
	}
	p.free <- b // never blocks: free has room for every block
}

func (p *blockPool) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	for len(p.free) > 0 {
		copyBuffers.Put((<-p.free).buf)
	}
}

// copyBuffers are copyHashing's blocks: a multipart body of many small files would
// otherwise leave three blocks of garbage per file.
var copyBuffers = sync.Pool{New: func() any { return make([]byte, 256<<10) }}

func isNoSpace(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}

// Cancel abandons an uploading file (tus termination): its bytes are removed.
func (s *Service) Cancel(ctx context.Context, t Transfer, f File, actor, ip string) error {
	if f.State != Uploading {
		return ErrState
	}
	s.mu.Lock()
	busy := s.uploading[f.ID]
	s.mu.Unlock()
	if busy {
		return ErrBusy
	}
	f.State, f.Updated = Cancelled, s.now().UTC()
	if err := s.st.updateFile(ctx, f, Uploading); err != nil {
		return err
	}
	s.dropHash(f.ID)
	s.takeFollowing(f.ID).stop()
	if _, err := s.o.DB.ExecContext(ctx, `UPDATE transfer_transfers SET bytes = CASE WHEN bytes > $1 THEN bytes - $1 ELSE 0 END WHERE id = $2`, max(f.Length, 0), t.ID); err != nil {
		return err
	}
	s.blobs.RemoveStaged(f.ID)
	return s.audit(ctx, "transfer-cancel", f.ID, actor, ip, fmt.Sprintf("transfer=%s; name=%q; bytes=%d", t.ID, f.Name, f.Offset))
}

// ClientError is a failure to read the request body: the client went away, stopped
// sending or was too slow. What arrived before it is kept.
type ClientError struct{ Err error }

func (e *ClientError) Error() string { return "upload interrupted: " + e.Err.Error() }
func (e *ClientError) Unwrap() error { return e.Err }

type clientReader struct{ r io.Reader }

func (c clientReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if err != nil && err != io.EOF {
		err = &ClientError{err}
	}
	return n, err
}
