package render

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/sekisho/sekisho/sanitize"
	"golang.org/x/sys/unix"
)

var errNoSoffice = errors.New("soffice not found")

// converter runs LibreOffice to turn Office, ODF, RTF and legacy documents into PDF. Each
// conversion gets its own directory with a private profile, the input under a fixed name,
// and the output; the process runs in its own process group, is killed with the group when
// the wall clock runs out, and, when running as root with unshare available, in a new
// network namespace with no interfaces, so a document cannot fetch anything.
type converter struct {
	soffice string
	unshare string // "" when not used
	tmp     string
	timeout time.Duration
	slots   chan struct{}
}

func newConverter(soffice, tmp string, timeout time.Duration, n int) (*converter, error) {
	if soffice == "" {
		p, err := exec.LookPath("soffice")
		if err != nil {
			return nil, errNoSoffice
		}
		soffice = p
	} else if _, err := os.Stat(soffice); err != nil {
		return nil, fmt.Errorf("render: soffice: %w", err)
	}
	c := &converter{soffice: soffice, tmp: tmp, timeout: timeout, slots: make(chan struct{}, n)}
	if os.Geteuid() == 0 {
		if p, err := exec.LookPath("unshare"); err == nil && exec.Command(p, "-n", "true").Run() == nil {
			c.unshare = p
		}
	}
	return c, nil
}

// extFor names the input file so LibreOffice picks the right import filter; the declared
// name is never used on disk.
func extFor(t sanitize.Type) string {
	if t.Ext != "" {
		return t.Ext
	}
	return ".bin"
}

// convert runs one conversion and returns the PDF, at most limits.max_file_size bytes.
func (c *converter) convert(ctx context.Context, in *sanitize.Item, b *sanitize.Budget) ([]byte, error) {
	select {
	case c.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-c.slots }()

	dir, err := os.MkdirTemp(c.tmp, "sekisho-lo-")
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	defer os.RemoveAll(dir)
	for _, d := range []string{"profile", "profile/user", "out"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o700); err != nil {
			return nil, fmt.Errorf("render: %w", err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "profile", "user", "registrymodifications.xcu"), []byte(profileXCU), 0o600); err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	src := filepath.Join(dir, "input"+extFor(in.Detected))
	if err := writeFile(src, in); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	args := []string{
		"-env:UserInstallation=" + (&url.URL{Scheme: "file", Path: filepath.Join(dir, "profile")}).String(),
		"--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
		"--convert-to", "pdf", "--outdir", filepath.Join(dir, "out"), src,
	}
	name := c.soffice
	if c.unshare != "" {
		args = append([]string{"-n", c.soffice}, args...)
		name = c.unshare
	}
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = []string{"HOME=" + dir, "PATH=/usr/bin:/bin", "LANG=C.UTF-8", "TMPDIR=" + dir}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// A helper that keeps the output pipe open must not hold Wait forever.
	cmd.WaitDelay = 2 * time.Second
	out := &capped{max: 8 << 10}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("render: start soffice: %w", err)
	}
	// The group is killed only while its leader is known not to be reaped (alive, or a
	// zombie observed with WNOWAIT): after a reap the number can be reused by an unrelated
	// process that makes itself a group leader (a daemon calling setsid), and a kill of
	// -pid would hit that process's whole group.
	pid := cmd.Process.Pid
	exited := make(chan struct{})
	go func() { waitNoReap(pid); close(exited) }() // ends when the leader exits
	var timedOut error
	select {
	case <-exited:
	case <-ctx.Done():
		// LibreOffice starts helper processes (oosplash, soffice.bin): kill the whole group.
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		<-exited
		timedOut = ctx.Err()
	}
	// Whatever the exit status, nothing of the group may outlive the conversion.
	_ = syscall.Kill(-pid, syscall.SIGKILL)
	err = cmd.Wait()
	if timedOut != nil {
		if errors.Is(timedOut, context.DeadlineExceeded) && b.Deadline().After(time.Now()) {
			return nil, fmt.Errorf("%w: libreoffice conversion exceeded %s (render.convert_timeout)", sanitize.ErrTimeout, c.timeout)
		}
		return nil, timedOut
	}
	if err != nil {
		return nil, fmt.Errorf("%w: libreoffice failed: %v: %s", sanitize.ErrMalformed, err, out.buf)
	}
	pdf := filepath.Join(dir, "out", "input.pdf")
	f, err := os.Open(pdf)
	if err != nil {
		return nil, fmt.Errorf("%w: libreoffice wrote no pdf: %s", sanitize.ErrMalformed, out.buf)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	if err := b.CheckFileSize(st.Size()); err != nil {
		return nil, err
	}
	data := make([]byte, st.Size())
	if _, err := io.ReadFull(f, data); err != nil {
		return nil, fmt.Errorf("render: read converted pdf: %w", err)
	}
	return data, nil
}

func writeFile(name string, in *sanitize.Item) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("render: %w", err)
	}
	_, err = io.Copy(f, in.Reader())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("render: write input: %w", err)
	}
	return nil
}

// capped keeps the first max bytes of the converter's output for error messages.
type capped struct {
	buf []byte
	max int
}

func (c *capped) Write(p []byte) (int, error) {
	if room := c.max - len(c.buf); room > 0 {
		c.buf = append(c.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

// profileXCU seeds the private profile: macros never run (highest macro security and
// macro execution disabled), no update checks, no remote resources loaded for previews.
const profileXCU = `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Jobs/Jobs/org.openoffice.Office.Jobs:Job['UpdateCheck']/Arguments"><prop oor:name="AutoCheckEnabled" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
`

// waitNoReap blocks until process pid has exited, leaving it a zombie (WNOWAIT), so its
// pid and process group id stay reserved until cmd.Wait reaps it.
func waitNoReap(pid int) {
	var info unix.Siginfo
	for {
		if err := unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOWAIT, nil); err != unix.EINTR {
			return
		}
	}
}
