package render

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// errStart marks a helper program that could not be started at all.
var errStart = errors.New("start")

// sandboxTools finds the helpers of the sandbox: unshare when running as root and it can
// make a network namespace here, prlimit when installed; "" for either that is not usable.
func sandboxTools() (unshare, prlimit string) {
	if os.Geteuid() == 0 {
		if p, err := exec.LookPath("unshare"); err == nil && exec.Command(p, "-n", "true").Run() == nil {
			unshare = p
		}
	}
	if p, err := exec.LookPath("prlimit"); err == nil {
		prlimit = p
	}
	return unshare, prlimit
}

// sandboxed is name with args in the sandbox every helper program runs in: in dir, with
// dir as its home and temp folder and a minimal environment, in its own process group,
// under prlimit's limits (always --fsize: every file it writes is capped, so a hostile
// input that expands fails to write instead of filling the disk), and in a network
// namespace of its own when unshare is usable, so an input cannot fetch anything.
// unshare and prlimit are "" when not available.
func sandboxed(unshare, prlimit, dir string, limits []string, name string, args ...string) *exec.Cmd {
	if prlimit != "" {
		args = append(append(append([]string(nil), limits...), "--", name), args...)
		name = prlimit
	}
	if unshare != "" {
		args = append([]string{"-n", name}, args...)
		name = unshare
	}
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = []string{"HOME=" + dir, "PATH=/usr/bin:/bin", "LANG=C.UTF-8", "TMPDIR=" + dir}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// A helper that keeps the output pipe open must not hold Wait forever.
	cmd.WaitDelay = 2 * time.Second
	return cmd
}

// runGroup starts cmd (made by sandboxed) and waits for it, for its whole process group
// and for ctx: when ctx ends first the group is killed and ctx's error returned. Nothing
// of the group outlives the call.
func runGroup(ctx context.Context, cmd *exec.Cmd) error {
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("%w: %w", errStart, err)
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
	// Whatever the exit status, nothing of the group may outlive the run.
	_ = syscall.Kill(-pid, syscall.SIGKILL)
	err := cmd.Wait()
	if timedOut != nil {
		return timedOut
	}
	return err
}
