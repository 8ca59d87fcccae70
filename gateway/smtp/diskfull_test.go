package smtp

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"
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
	defer exec.Command("umount", mnt).Run()

	sp, err := OpenSpool(filepath.Join(mnt, "spool"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := openStore(filepath.Join(dir, "q"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s, err := New(Options{Addr: "127.0.0.1:0", MinFreeBytes: -1, MaxMessageBytes: 8 << 20,
		Routes: []Route{{Domain: "city.lg.jp", Transport: "dir", Addr: filepath.Join(dir, "delivered")}}}, sp, tagSanitizer{}, st)
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.Listen()
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve()
	defer s.Shutdown(context.Background())

	big := fmt.Sprintf(testMsg, "big") + strings.Repeat("x", 76) + "\r\n"
	big = strings.Repeat(big, 2<<20/len(big))
	err = sendMail(t, a.String(), "a@example.com", []string{"staff@city.lg.jp"}, big)
	if se, ok := err.(*gosmtp.SMTPError); !ok || se.Code/100 != 4 {
		t.Fatalf("message larger than the disk: %v, want a 4xx", err)
	}
	ents, _ := os.ReadDir(filepath.Join(mnt, "spool", "incoming"))
	if len(ents) != 0 {
		t.Fatalf("a refused message left %d files in the spool", len(ents))
	}
	if err := sendMail(t, a.String(), "a@example.com", []string{"staff@city.lg.jp"}, fmt.Sprintf(testMsg, "small")); err != nil {
		t.Fatalf("small message after the failure: %v", err)
	}
	waitFor(t, "delivery", func() bool { return len(delivered(t, dir)) == 1 })
	time.Sleep(50 * time.Millisecond)
}
