package render

import (
	"bufio"
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/sekisho/sekisho/sanitize"
)

// unoWorker is the Python program a warm LibreOffice is driven by (python3-uno).
//
//go:embed unoworker.py
var unoWorker string

// warmIdle is how long a warm LibreOffice waits for the next document before it is
// stopped: a quiet gateway does not keep 200 MB per converter for nothing.
const warmIdle = 2 * time.Minute

// warmStartFailures is how many workers in a row may fail to start (not time out) before
// the pool gives up and every conversion starts its own LibreOffice again.
const warmStartFailures = 3

// errWarmUnavailable says the warm path could not take a document for reasons of its own
// (no python3-uno, a worker that would not start); the caller converts it cold.
var errWarmUnavailable = errors.New("render: warm converter unavailable")

// warmPool keeps LibreOffice processes running between documents. Starting LibreOffice
// costs one to three seconds of CPU per document, converting a typical legacy document a
// tenth of that; a warm process converts up to reuse documents, one at a time, and is
// then replaced by a fresh one. Each worker is the same sandbox as a one-shot conversion:
// its own process group (killed whole on a timeout or any failure), no network (unshare
// -n), RLIMIT_FSIZE on every file it writes, a private copy of the template profile with
// macros disabled, and documents opened hidden, read-only, with macros never executed and
// links never updated. What one document may leave in the process (it shares memory with
// the next reuse-1 documents of the same worker) is bounded by reuse, and every output
// still goes through the OOXML family or the rasterizer.
type warmPool struct {
	reuse int

	pythonOnce sync.Once
	python     string // "" when no python3 with the uno module was found

	mu         sync.Mutex
	idle       []*worker
	closed     bool
	disabled   bool
	startFails int
	stopping   sync.WaitGroup
	starts     atomic.Int64 // workers started, for tests and benchmarks
}

// worker is one warm LibreOffice and the Python process that drives it; both run in one
// process group led by Python.
type worker struct {
	cmd     *exec.Cmd
	pid     int
	dir     string // profile and home; removed by stop
	pipe    string
	maxFile int64 // the RLIMIT_FSIZE it was started with
	stdin   io.WriteCloser
	replies chan []byte // closed when the worker's output ends
	exited  chan struct{}
	log     *capped
	uses    int
	timer   *time.Timer
	once    sync.Once
}

// convert converts src to dst with the LibreOffice filter in a warm worker. A document
// LibreOffice cannot read leaves the worker as it was (a damaged file costs no restart);
// a worker that died or hung is killed whole, and a document that met a worker dying
// after others is tried once more in a fresh one, since what broke may have been an
// earlier document's doing. errWarmUnavailable sends the caller to the one-shot path.
func (p *warmPool) convert(ctx context.Context, c *converter, b *sanitize.Budget, src, dst, filter string) error {
	for attempt := 0; ; attempt++ {
		w, err := p.get(ctx, c, b)
		if err != nil {
			return err
		}
		fresh := w.uses == 0
		ok, err := w.do(ctx, src, dst, filter)
		if ok {
			p.put(w)
			return err
		}
		p.discard(w)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if fresh || attempt > 0 {
			return err
		}
		os.Remove(dst)
	}
}

// get returns an idle worker started with the same file-size limit, or starts one.
func (p *warmPool) get(ctx context.Context, c *converter, b *sanitize.Budget) (*worker, error) {
	maxFile := b.Limits().MaxFileSize
	p.mu.Lock()
	if p.closed || p.disabled {
		p.mu.Unlock()
		return nil, errWarmUnavailable
	}
	for len(p.idle) > 0 {
		w := p.idle[len(p.idle)-1]
		p.idle = p.idle[:len(p.idle)-1]
		w.timer.Stop()
		if w.alive() && w.maxFile == maxFile {
			p.mu.Unlock()
			return w, nil
		}
		p.discard(w)
	}
	p.mu.Unlock()

	p.pythonOnce.Do(func() { p.python = findUNOPython() })
	if p.python == "" {
		p.mu.Lock()
		p.disabled = true
		p.mu.Unlock()
		return nil, errWarmUnavailable
	}
	w, err := p.start(ctx, c, b)
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case err == nil:
		p.startFails = 0
		return w, nil
	case ctx.Err() != nil:
		return nil, ctx.Err()
	}
	if p.startFails++; p.startFails >= warmStartFailures {
		p.disabled = true
	}
	return nil, fmt.Errorf("%w: %w", errWarmUnavailable, err)
}

// put returns a worker after a successful conversion: to the idle list, or, when it has
// converted its share, to be replaced.
func (p *warmPool) put(w *worker) {
	w.uses++
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || w.uses >= p.reuse {
		p.discard(w)
		return
	}
	w.timer = time.AfterFunc(warmIdle, func() { p.expire(w) })
	p.idle = append(p.idle, w)
}

// expire stops a worker that stayed idle for warmIdle, unless get took it meanwhile.
func (p *warmPool) expire(w *worker) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, x := range p.idle {
		if x == w {
			p.idle = append(p.idle[:i], p.idle[i+1:]...)
			p.discard(w)
			return
		}
	}
}

// discard stops w in the background; close waits for every stop.
func (p *warmPool) discard(w *worker) {
	p.stopping.Add(1)
	go func() {
		defer p.stopping.Done()
		w.stop()
	}()
}

// close stops every worker and waits until they are gone.
func (p *warmPool) close() {
	p.mu.Lock()
	p.closed = true
	idle := p.idle
	p.idle = nil
	for _, w := range idle {
		w.timer.Stop()
		p.discard(w)
	}
	p.mu.Unlock()
	p.stopping.Wait()
}

// start runs a new worker in its own folder with a copy of the template profile and waits
// until LibreOffice accepts on its pipe.
func (p *warmPool) start(ctx context.Context, c *converter, b *sanitize.Budget) (*worker, error) {
	dir, err := os.MkdirTemp(c.tmp, "sekisho-lo-warm-")
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	if err := c.profile(ctx, filepath.Join(dir, "profile"), b); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	var rnd [16]byte
	rand.Read(rnd[:])
	w := &worker{
		dir:     dir,
		pipe:    "sekisho_" + hex.EncodeToString(rnd[:]),
		maxFile: b.Limits().MaxFileSize,
		replies: make(chan []byte, 1),
		exited:  make(chan struct{}),
		log:     &capped{max: 8 << 10},
	}
	wait := c.timeout
	if d, ok := ctx.Deadline(); ok {
		wait = time.Until(d)
	}
	profile := (&url.URL{Scheme: "file", Path: filepath.Join(dir, "profile")}).String()
	w.cmd = c.command(dir, w.maxFile, p.python, "-I", "-c", unoWorker, c.soffice, profile, w.pipe, fmt.Sprintf("%.1f", wait.Seconds()))
	w.cmd.Stderr = w.log
	if w.stdin, err = w.cmd.StdinPipe(); err == nil {
		var out io.ReadCloser
		if out, err = w.cmd.StdoutPipe(); err == nil {
			if err = w.cmd.Start(); err == nil {
				w.pid = w.cmd.Process.Pid
				go func() { waitNoReap(w.pid); close(w.exited) }()
				go w.read(out)
			}
		}
	}
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("render: start LibreOffice worker: %w", err)
	}
	line, err := w.reply(ctx)
	if err == nil {
		var r struct {
			Ready bool
			Error string
		}
		if json.Unmarshal(line, &r) != nil || !r.Ready {
			err = fmt.Errorf("render: LibreOffice worker did not start: %s %s", line, w.log.bytes())
		}
	}
	if err != nil {
		w.stop()
		return nil, err
	}
	p.starts.Add(1)
	return w, nil
}

// read passes the worker's reply lines on; a line longer than 64 KiB ends the worker's
// output (the replies are a few bytes).
func (w *worker) read(r io.Reader) {
	defer close(w.replies)
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return
		}
		w.replies <- append([]byte(nil), line...)
	}
}

// reply waits for the worker's next line.
func (w *worker) reply(ctx context.Context) ([]byte, error) {
	select {
	case line, ok := <-w.replies:
		if !ok {
			return nil, fmt.Errorf("%w: libreoffice worker ended: %s", sanitize.ErrMalformed, w.log.bytes())
		}
		return line, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// do converts one document; ok says the worker answered and is still usable, whether or
// not the document converted.
func (w *worker) do(ctx context.Context, src, dst, filter string) (ok bool, err error) {
	req, err := json.Marshal(map[string]string{"in": src, "out": dst, "filter": filter})
	if err != nil {
		return true, err
	}
	if _, err := w.stdin.Write(append(req, '\n')); err != nil {
		return false, fmt.Errorf("%w: libreoffice worker: %v: %s", sanitize.ErrMalformed, err, w.log.bytes())
	}
	line, err := w.reply(ctx)
	if err != nil {
		return false, err
	}
	var r struct {
		OK    bool
		Error string
		Store bool
		Dead  bool
	}
	switch err := json.Unmarshal(line, &r); {
	case err != nil:
		return false, fmt.Errorf("%w: libreoffice worker: bad reply %q", sanitize.ErrMalformed, line)
	case r.OK:
		return true, nil
	case r.Dead:
		return false, fmt.Errorf("%w: libreoffice failed: %s", sanitize.ErrMalformed, r.Error)
	case r.Store:
		// LibreOffice's UNO error for a write cut short by RLIMIT_FSIZE is a general I/O
		// error, unlike the one-shot run's: the caller converts the document again there.
		return true, fmt.Errorf("%w: libreoffice could not write the output: %s", errWarmUnavailable, r.Error)
	}
	return true, fmt.Errorf("%w: libreoffice failed: %s", sanitize.ErrMalformed, r.Error)
}

// alive reports whether the worker's leader still runs.
func (w *worker) alive() bool {
	select {
	case <-w.exited:
		return false
	default:
		return true
	}
}

// stop kills the worker's process group and removes its folder and pipe. The group is
// killed before the leader is reaped (see run), so the number cannot have been reused.
func (w *worker) stop() {
	w.once.Do(func() {
		_ = syscall.Kill(-w.pid, syscall.SIGKILL)
		<-w.exited
		_ = w.stdin.Close()
		_ = w.cmd.Wait()
		os.RemoveAll(w.dir)
		// LibreOffice's pipe is a socket in /tmp whatever TMPDIR says; a killed office
		// leaves it behind.
		os.Remove(filepath.Join("/tmp", fmt.Sprintf("OSL_PIPE_%d_%s", os.Getuid(), w.pipe)))
	})
}

// findUNOPython returns a python3 that can import LibreOffice's uno module (Debian
// python3-uno installs it for the system python only), or "".
func findUNOPython() string {
	cands := []string{"/usr/bin/python3"}
	if p, err := exec.LookPath("python3"); err == nil {
		cands = append(cands, p)
	}
	for _, p := range cands {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		cmd := exec.CommandContext(ctx, p, "-I", "-c", "import uno")
		cmd.Env = []string{"PATH=/usr/bin:/bin", "LANG=C.UTF-8"}
		err := cmd.Run()
		cancel()
		if err == nil {
			return p
		}
	}
	return ""
}
