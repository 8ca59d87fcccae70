package queue

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// smallFS mounts a tmpfs of size under the test's temp dir (root only, as CI runs).
func smallFS(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		if os.Getenv("CI") != "" {
			t.Fatal("mounting a tmpfs needs root, and .ci/run runs as root: run CI as root")
		}
		t.Skip("mounting a tmpfs needs root")
	}
	mnt := filepath.Join(t.TempDir(), "small")
	os.Mkdir(mnt, 0o700)
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", mnt).CombinedOutput(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("mount tmpfs: %v %s", err, out)
		}
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", mnt).Run() })
	return mnt
}

// TestJournalDiskFull fills the journal's file system: commits fail (the server answers
// 4xx) without damaging what was acknowledged, and once space is back the journal takes
// messages again; everything acknowledged survives a reopen.
func TestJournalDiskFull(t *testing.T) {
	dir := smallFS(t, "512k")
	o := JournalOptions{SegmentSize: 128 << 10, InlineMax: 16 << 10, CompactAfter: 2}
	j, err := OpenJournal(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	var acked []string
	var refused int
	body := strings.Repeat("x", 3000) + "\r\n"
	for i := 0; i < 400 && refused < 5; i++ {
		env := Envelope{ID: NewID(time.Now()), Rcpts: []string{"r@city.lg.jp"}}
		w, err := j.Accept(env)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
		if i%7 == 0 {
			w.Write([]byte(strings.Repeat("b", 20<<10))) // over InlineMax: a blob file
		}
		if err := w.Commit(); err != nil {
			refused++
			continue
		}
		acked = append(acked, env.ID)
	}
	if refused == 0 || len(acked) == 0 {
		t.Fatalf("%d acknowledged, %d refused: the file system never filled", len(acked), refused)
	}
	check := func(j *Journal, ids []string) {
		t.Helper()
		for _, id := range ids {
			in, err := j.OpenIncoming(id)
			if err != nil {
				t.Fatalf("acknowledged %s: %v", id, err)
			}
			if in.Body.Size() != int64(len(body)) && in.Body.Size() != int64(len(body)+20<<10) {
				t.Fatalf("acknowledged %s: %d bytes", id, in.Body.Size())
			}
			in.Close()
		}
	}
	check(j, acked)
	// Delivery frees space: the first half is removed, and new mail is taken again.
	for _, id := range acked[:len(acked)/2] {
		j.RemoveIncoming(id)
	}
	kept := acked[len(acked)/2:]
	var after []string
	for i := 0; i < 5; i++ {
		env := Envelope{ID: NewID(time.Now()), Rcpts: []string{"r@city.lg.jp"}}
		w, _ := j.Accept(env)
		w.Write([]byte(body))
		if err := w.Commit(); err != nil {
			t.Fatalf("commit after space was freed: %v", err)
		}
		after = append(after, env.ID)
	}
	j.Close()
	j2, err := OpenJournal(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	defer j2.Close()
	check(j2, append(kept, after...))
	t.Logf("%d acknowledged, %d refused while full, %d kept and %d more after freeing space", len(acked), refused, len(kept), len(after))
}
