package smtp_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"
	"github.com/sekisho/sekisho/gateway/delivery"
	"github.com/sekisho/sekisho/internal/relaytest"
)

// TestDiskFull puts the spool on a 1 MiB tmpfs: a message that does not fit gets a 4xx and
// leaves nothing behind, and the next message that fits is accepted and delivered.
func TestDiskFull(t *testing.T) {
	if os.Geteuid() != 0 {
		if os.Getenv("CI") != "" {
			t.Fatal("mounting a tmpfs needs root, and .ci/run runs as root: run CI as root")
		}
		t.Skip("mounting a tmpfs needs root")
	}
	dir := t.TempDir()
	mnt := filepath.Join(dir, "small")
	os.Mkdir(mnt, 0o700)
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt).CombinedOutput(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("mount tmpfs: %v %s", err, out)
		}
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	// Cleanups run last first: the relay (files open on the mount) stops before this.
	t.Cleanup(func() { exec.Command("umount", mnt).Run() })

	// The spool on the small file system; delivery writes elsewhere.
	r := relaytest.Start(t, mnt, func(c *relaytest.Config) {
		c.SMTP.MaxMessageBytes = 8 << 20
		c.Delivery.Routes = []delivery.Route{{Domain: "city.lg.jp", Transport: "dir", Addr: filepath.Join(dir, "delivered")}}
	})
	a := r.Addr
	big := fmt.Sprintf(relaytest.Msg, "big") + strings.Repeat("x", 76) + "\r\n"
	big = strings.Repeat(big, 2<<20/len(big))
	err := relaytest.SendMail(a, "a@example.com", []string{"staff@city.lg.jp"}, big)
	if se, ok := err.(*gosmtp.SMTPError); !ok || se.Code/100 != 4 {
		t.Fatalf("message larger than the disk: %v, want a 4xx", err)
	}
	if n := r.Incoming(); n != 0 {
		t.Fatalf("a refused message left %d messages in the queue", n)
	}
	blobs, _ := filepath.Glob(filepath.Join(mnt, "spool", "journal", "blob", "*"))
	files, _ := filepath.Glob(filepath.Join(mnt, "spool", "incoming", "*"))
	if left := append(blobs, files...); len(left) != 0 {
		t.Fatalf("a refused message left files in the queue: %v", left)
	}
	if err := relaytest.SendMail(a, "a@example.com", []string{"staff@city.lg.jp"}, fmt.Sprintf(relaytest.Msg, "small")); err != nil {
		t.Fatalf("small message after the failure: %v", err)
	}
	relaytest.WaitFor(t, "delivery", func() bool { return len(relaytest.Delivered(dir)) == 1 })
	time.Sleep(50 * time.Millisecond)
}
