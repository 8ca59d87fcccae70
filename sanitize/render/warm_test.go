package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
)

// warmEngine is convertEngine with a warm pool that must really be warm: python3-uno is
// part of the CI install, so its absence fails under CI.
func warmEngine(t *testing.T, o ConvertOptions, lim sanitize.Limits) (*sanitize.Engine, *Converter) {
	t.Helper()
	testtool.Need(t, "soffice")
	if findUNOPython() == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("no python3 with the uno module (Debian python3-uno) under CI")
		}
		t.Skip("no python3 with the uno module (Debian python3-uno)")
	}
	if o.ProfileDir == "" {
		o.ProfileDir = sharedProfile()
	}
	o.TempDir = t.TempDir()
	return convertEngine(t, o, lim)
}

// convertFile sanitizes a corpus file through e and fails the test unless it is delivered
// as the converted OOXML type.
func convertFile(t *testing.T, e *sanitize.Engine, rel string) {
	t.Helper()
	data := readFile(t, corpusFile(strings.Split(rel, "/")...))
	out, res := engineRun(t, e, data, filepath.Base(rel))
	if res.Verdict != sanitize.Sanitized || !hasAction(res, sanitize.ActConverted) {
		t.Fatalf("%s: verdict %s (%s), want sanitized by conversion", rel, res.Verdict, res.Reason)
	}
	if got := sanitize.Detect(bytes.NewReader(out)); got.Class != sanitize.ClassOOXML {
		t.Fatalf("%s: output is %s", rel, got.Name)
	}
}

// TestWarmReuse: one LibreOffice converts documents of all three kinds in turn until it
// has done its share, then a fresh one takes over; Close leaves no process, folder or
// pipe behind.
func TestWarmReuse(t *testing.T) {
	e, c := warmEngine(t, ConvertOptions{Reuse: 4}, sanitize.Limits{})
	files := []string{"ole/lo-plain.doc", "ole/lo-plain.xls", "ole/lo-slides.ppt", "ole/lo-formula.xls", "ole/lo-objectpool.doc"}
	var pids []int
	for _, f := range files {
		convertFile(t, e, f)
		if w := idleWorker(c); w != nil {
			pids = append(pids, w.pid)
		}
	}
	if got := c.lo.pool.starts.Load(); got != 2 {
		t.Errorf("%d LibreOffice workers started for %d documents at reuse 4, want 2", got, len(files))
	}
	// After documents 1-3 the first worker is idle; after the 4th it is replaced; the 5th
	// is converted by the second worker.
	if len(pids) != 4 || pids[0] != pids[1] || pids[1] != pids[2] || pids[3] == pids[0] {
		t.Errorf("idle workers after each document: %v, want the same one three times, then another", pids)
	}
	pipe := idleWorker(c).pipe
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	for _, pid := range pids {
		if n := groupMembers(pid); n > 0 {
			t.Errorf("%d processes of worker group %d left after Close", n, pid)
		}
	}
	if left, _ := os.ReadDir(c.lo.tmp); len(left) != 0 {
		t.Errorf("left %d entries in the temp folder after Close", len(left))
	}
	if _, err := os.Stat(filepath.Join("/tmp", fmt.Sprintf("OSL_PIPE_%d_%s", os.Getuid(), pipe))); err == nil {
		t.Errorf("LibreOffice's pipe %s left in /tmp", pipe)
	}
}

// TestWarmHang: a warm LibreOffice that stops responding (its whole group stopped, as a
// document looping forever would leave it) costs the document render.convert_timeout and
// nothing more: the group is killed and the next document gets a fresh worker.
func TestWarmHang(t *testing.T) {
	e, c := warmEngine(t, ConvertOptions{Timeout: 30 * time.Second}, sanitize.Limits{})
	convertFile(t, e, "ole/lo-plain.doc")
	w := idleWorker(c)
	if w == nil {
		t.Fatal("no idle worker after a conversion")
	}
	if err := syscall.Kill(-w.pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	c.lo.timeout = 3 * time.Second
	start := time.Now()
	_, res := engineRun(t, e, readFile(t, corpusFile("ole", "lo-plain.xls")), "a.xls")
	if res.Verdict != sanitize.Quarantined || !strings.Contains(res.Reason, "render.convert_timeout") {
		t.Fatalf("verdict %s (%s), want quarantined naming render.convert_timeout", res.Verdict, res.Reason)
	}
	if d := time.Since(start); d > 15*time.Second {
		t.Errorf("the hung conversion took %v", d)
	}
	waitGone(t, w.pid)
	c.lo.timeout = 60 * time.Second
	convertFile(t, e, "ole/lo-plain.xls")
	if got := c.lo.pool.starts.Load(); got != 2 {
		t.Errorf("%d workers started, want 2", got)
	}
}

// TestWarmCrash: LibreOffice dying between documents (killed here; a document that
// crashes it does the same) does not cost the next document: it fails in the old worker
// and is converted again in a fresh one.
func TestWarmCrash(t *testing.T) {
	e, c := warmEngine(t, ConvertOptions{}, sanitize.Limits{})
	convertFile(t, e, "ole/lo-plain.doc")
	w := idleWorker(c)
	if w == nil {
		t.Fatal("no idle worker after a conversion")
	}
	killed := 0
	for _, pid := range groupPIDs(w.pid) {
		if pid != w.pid && syscall.Kill(pid, syscall.SIGKILL) == nil {
			killed++ // LibreOffice: oosplash and soffice.bin, not the Python leader
		}
	}
	if killed == 0 {
		t.Fatal("no LibreOffice process found in the worker's group")
	}
	convertFile(t, e, "ole/lo-slides.ppt")
	if got := c.lo.pool.starts.Load(); got != 2 {
		t.Errorf("%d workers started, want 2 (the crashed one and its replacement)", got)
	}
	waitGone(t, w.pid)
}

// TestWarmOutputCap: RLIMIT_FSIZE holds in a warm worker too: an output over
// limits.max_file_size is refused with that key.
func TestWarmOutputCap(t *testing.T) {
	testtool.Need(t, "prlimit")
	_, c := warmEngine(t, ConvertOptions{}, sanitize.Limits{})
	data := readFile(t, corpusFile("convert", "lo-uns-contains-pictures.doc"))
	in := &sanitize.Item{Body: bytes.NewReader(data), Path: "a.doc", Name: "a.doc"}
	in.Detected = sanitize.Detect(in.Body)
	// The docx LibreOffice writes of this file is about 80 KB; the limit is above
	// what LibreOffice writes to its profile, so only the output hits it.
	_, err := c.lo.convert(context.Background(), in, sanitize.NewBudget(sanitize.Limits{MaxFileSize: 40000}), "docx")
	var le *sanitize.LimitError
	if !errors.As(err, &le) || le.Limit != "limits.max_file_size" {
		t.Fatalf("convert = %v, want a limits.max_file_size error", err)
	}
	if c.lo.pool.starts.Load() == 0 {
		t.Fatal("the conversion did not go through the warm pool")
	}
}

// idleWorker returns the worker the pool would hand out next, or nil.
func idleWorker(c *Converter) *worker {
	p := c.lo.pool
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.idle) == 0 {
		return nil
	}
	return p.idle[len(p.idle)-1]
}

// groupPIDs lists the processes of process group pgid, from /proc.
func groupPIDs(pgid int) []int {
	ents, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp ...: comm may hold spaces, so split after the last ')'.
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(stat[i+1:]))
		if len(f) > 2 && f[2] == strconv.Itoa(pgid) && f[0] != "Z" {
			pids = append(pids, pid)
		}
	}
	return pids
}

func groupMembers(pgid int) int { return len(groupPIDs(pgid)) }

// waitGone waits until nothing of process group pgid runs (stops happen in the
// background after a failure).
func waitGone(t *testing.T, pgid int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if groupMembers(pgid) == 0 {
			return
		}
	}
	t.Errorf("%d processes of worker group %d still run", groupMembers(pgid), pgid)
}
