package relaytest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/internal/testtool"
)

// Postfix is Postfix's smtp-sink running as a next hop.
type Postfix struct {
	Addr    string
	out     string // its log: the message counter
	dumpDir string
}

// PostfixSink runs smtp-sink until the test ends. Every transaction is written to a file,
// headed by smtp-sink's X-Mail-Args and X-Rcpt-Args lines: the MAIL and RCPT arguments
// exactly as this hop received them (Dumps). extra are more smtp-sink options, such as
// "-f", "RCPT", "-B", "550 5.1.1 User unknown" to refuse every recipient with that reply.
func PostfixSink(t testing.TB, extra ...string) *Postfix {
	t.Helper()
	bin := testtool.Need(t, "smtp-sink")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &Postfix{Addr: ln.Addr().String(), out: filepath.Join(t.TempDir(), "sink.out")}
	ln.Close()
	// smtp-sink drops privileges to nobody when run as root, and nobody cannot enter
	// t.TempDir (mode 0700).
	if p.dumpDir, err = os.MkdirTemp("", "sekisho-sink-"); err != nil {
		t.Fatal(err)
	}
	os.Chmod(p.dumpDir, 0o777)
	t.Cleanup(func() { os.RemoveAll(p.dumpDir) })
	f, err := os.Create(p.out)
	if err != nil {
		t.Fatal(err)
	}
	args := append(append([]string{"-c", "-m", "256", "-d", p.dumpDir + "/%H%M%S."}, extra...), p.Addr, "256")
	if os.Geteuid() == 0 {
		args = append([]string{"-u", "nobody"}, args...)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait(); f.Close() })
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", p.Addr); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("smtp-sink did not start on %s", p.Addr)
		}
	}
	return p
}

// Count reports the messages smtp-sink has counted.
func (p *Postfix) Count() int {
	data, _ := os.ReadFile(p.out)
	n := 0
	for _, fl := range strings.Fields(strings.NewReplacer("\r", " ", "\n", " ").Replace(string(data))) {
		if v, ok := strings.CutPrefix(fl, "mesg="); ok {
			fmt.Sscan(v, &n)
		}
	}
	return n
}

// Dumps returns the transactions smtp-sink has written.
func (p *Postfix) Dumps() []string {
	ents, _ := os.ReadDir(p.dumpDir)
	var out []string
	for _, e := range ents {
		if b, err := os.ReadFile(filepath.Join(p.dumpDir, e.Name())); err == nil {
			out = append(out, string(b))
		}
	}
	return out
}
