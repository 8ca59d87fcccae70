package queue

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/internal/testtool"
)

func openJ(t *testing.T, dir string, o JournalOptions) *Journal {
	t.Helper()
	j, err := OpenJournal(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return j
}

func segments(t testing.TB, dir string) []string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, "journal", "seg-*.log"))
	return m
}

// TestJournalCompaction: a deferred message in an old segment is copied forward while
// traffic flows, so the log does not grow without bound, and it survives a reopen with
// its latest envelope.
func TestJournalCompaction(t *testing.T) {
	dir := t.TempDir()
	o := JournalOptions{SegmentSize: 16 << 10, InlineMax: 4096, CompactAfter: 2}
	j := openJ(t, dir, o)
	now := time.Now()
	deferred := Envelope{ID: NewID(now), Rcpts: []string{"d@city.lg.jp"}, NextTry: now.Add(time.Hour), Attempts: 1}
	big := Envelope{ID: NewID(now), Rcpts: []string{"b@city.lg.jp"}, NextTry: now.Add(time.Hour)}
	if err := j.Enqueue(Message{Env: deferred, Body: strings.NewReader(bodyOf(7, 1000))},
		Message{Env: big, Body: strings.NewReader(bodyOf(8, 10000))}); err != nil {
		t.Fatal(err)
	}
	most := 0
	for i := 0; i < 400; i++ {
		env := Envelope{ID: NewID(now), Rcpts: []string{"r@city.lg.jp"}}
		accept(t, j, env, bodyOf(i, 2000))
		if err := j.RemoveIncoming(env.ID); err != nil {
			t.Fatal(err)
		}
		if i == 200 {
			deferred.Attempts, deferred.LastError = 2, "451 later"
			if err := j.Update(deferred); err != nil {
				t.Fatal(err)
			}
		}
		most = max(most, len(segments(t, dir)))
	}
	// 400 messages of 2 KB are 50 segments of 16 KiB; compaction keeps a handful.
	if most > o.CompactAfter+3 {
		t.Errorf("the log grew to %d segments, want at most %d", most, o.CompactAfter+3)
	}
	if got := readQueued(t, j, deferred.ID); got != bodyOf(7, 1000) {
		t.Errorf("deferred body after compaction differs")
	}
	if got := readQueued(t, j, big.ID); got != bodyOf(8, 10000) {
		t.Errorf("blob body after compaction differs")
	}
	j.Close()
	j2 := openJ(t, dir, o)
	all, _ := j2.Due(now.Add(2 * time.Hour))
	if len(all) != 2 {
		t.Fatalf("after reopen: %d queued, want 2", len(all))
	}
	for _, e := range all {
		if e.ID == deferred.ID && (e.Attempts != 2 || e.LastError != "451 later") {
			t.Errorf("after reopen: envelope = %+v, want the update", e)
		}
	}
	if got := readQueued(t, j2, deferred.ID); got != bodyOf(7, 1000) {
		t.Errorf("after reopen: deferred body differs")
	}
	if in, _ := j2.Incoming(); len(in) != 0 {
		t.Errorf("after reopen: %d incoming, want 0 (all were removed)", len(in))
	}
}

// TestJournalDamagedTail: what a crash or a bad disk leaves at the end of the last
// segment costs at most the record it hits; everything before it is replayed and new
// records go on after it.
func TestJournalDamagedTail(t *testing.T) {
	tests := []struct {
		name   string
		damage func(data []byte) []byte
		want   int
	}{
		{"cut in the last record", func(d []byte) []byte { return d[:len(d)-7] }, 9},
		{"last record's body flipped", func(d []byte) []byte { d[len(d)-60] ^= 0xff; return d }, 9},
		{"garbage after the last record", func(d []byte) []byte { return append(d, "\x10\x00\x00\x00garbage!!"...) }, 10},
		{"zeros after the last record", func(d []byte) []byte { return append(d, make([]byte, 4096)...) }, 10},
		{"cut in the header", func(d []byte) []byte { return d[:len(journalMagic)-3] }, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			j, err := OpenJournal(dir, JournalOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for i := 0; i < 10; i++ {
				env := Envelope{ID: NewID(time.Now()), Rcpts: []string{"r@city.lg.jp"}}
				accept(t, j, env, bodyOf(i, 300))
				ids = append(ids, env.ID)
			}
			j.Close()
			seg := segments(t, dir)[0]
			data, _ := os.ReadFile(seg)
			os.WriteFile(seg, tc.damage(data), 0o600)
			j2 := openJ(t, dir, JournalOptions{})
			got, _ := j2.Incoming()
			if len(got) != tc.want {
				t.Fatalf("%d messages replayed, want %d", len(got), tc.want)
			}
			index := map[string]int{}
			for i, id := range ids {
				index[id] = i
			}
			for _, id := range got {
				i, ok := index[id]
				if _, body := readIncoming(t, j2, id); !ok || body != bodyOf(i, 300) || i >= tc.want {
					t.Errorf("message %s (#%d) after replay differs", id, i)
				}
			}
			extra := Envelope{ID: NewID(time.Now()), Rcpts: []string{"r@city.lg.jp"}}
			accept(t, j2, extra, "after the damage")
			j2.Close()
			j3 := openJ(t, dir, JournalOptions{})
			if got, _ := j3.Incoming(); len(got) != tc.want+1 {
				t.Fatalf("after a second reopen: %d messages, want %d", len(got), tc.want+1)
			}
		})
	}
}

func TestJournalLocked(t *testing.T) {
	dir := t.TempDir()
	openJ(t, dir, JournalOptions{})
	if _, err := OpenJournal(dir, JournalOptions{}); !errors.Is(err, ErrLocked) {
		t.Fatalf("second open = %v, want ErrLocked", err)
	}
}

// TestJournalReaderOutlivesRemoval: a message being read stays readable although it is
// removed and its segment deleted meanwhile (delivery reads while another scan removes).
func TestJournalReaderOutlivesRemoval(t *testing.T) {
	dir := t.TempDir()
	j := openJ(t, dir, JournalOptions{SegmentSize: 8 << 10, CompactAfter: 1})
	env := Envelope{ID: NewID(time.Now()), Rcpts: []string{"r@city.lg.jp"}}
	accept(t, j, env, bodyOf(1, 3000))
	in, err := j.OpenIncoming(env.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	first := segments(t, dir)[0]
	j.RemoveIncoming(env.ID)
	for i := 0; i < 20; i++ {
		e := Envelope{ID: NewID(time.Now()), Rcpts: []string{"r@city.lg.jp"}}
		accept(t, j, e, bodyOf(i, 3000))
		j.RemoveIncoming(e.ID)
	}
	if _, err := os.Stat(first); !os.IsNotExist(err) {
		t.Fatalf("the first segment still exists: %v", err)
	}
	body, err := io.ReadAll(in.Body)
	if err != nil || string(body) != bodyOf(1, 3000) {
		t.Fatalf("reading a removed message: %v, %d bytes", err, len(body))
	}
}

// TestJournalBlobs: blob files nothing refers to are removed at open, and a message
// whose blob is gone (removed before a crash lost its removal record) is forgotten.
func TestJournalBlobs(t *testing.T) {
	dir := t.TempDir()
	o := JournalOptions{InlineMax: 1024}
	j, _ := OpenJournal(dir, o)
	keep := Envelope{ID: NewID(time.Now()), Rcpts: []string{"r@city.lg.jp"}}
	lost := Envelope{ID: NewID(time.Now()), Rcpts: []string{"r@city.lg.jp"}}
	accept(t, j, keep, bodyOf(1, 5000))
	accept(t, j, lost, bodyOf(2, 5000))
	j.Close()
	blobs, _ := filepath.Glob(filepath.Join(dir, "journal", "blob", "*"))
	if len(blobs) != 2 {
		t.Fatalf("%d blob files, want 2", len(blobs))
	}
	for _, b := range blobs {
		if strings.Contains(b, lost.ID) {
			os.Remove(b)
		}
	}
	orphan := filepath.Join(dir, "journal", "blob", "20260101T000000-ORPHAN")
	os.WriteFile(orphan, []byte("never acknowledged"), 0o600)
	j2 := openJ(t, dir, o)
	if got, _ := j2.Incoming(); len(got) != 1 || got[0] != keep.ID {
		t.Fatalf("incoming after reopen = %v, want only %s", got, keep.ID)
	}
	if _, body := readIncoming(t, j2, keep.ID); body != bodyOf(1, 5000) {
		t.Errorf("blob body differs")
	}
	if _, err := os.Stat(orphan); !os.IsNotExist(err) {
		t.Errorf("orphan blob survived the open")
	}
}

// TestJournalUpdatedBlobOutlivesItsSegment: a deferred message whose body is a blob, once
// updated, has only its queued record in the old segment; that segment must not be
// dropped from the head while the message lives, or a reopen finds only update records
// and loses the message (seen as a rare TestJournalKillNine failure).
func TestJournalUpdatedBlobOutlivesItsSegment(t *testing.T) {
	dir := t.TempDir()
	// No compaction: only the dead-head drop runs, which is what deleted the segment.
	o := JournalOptions{SegmentSize: 8 << 10, InlineMax: 1024, CompactAfter: 1000}
	j := openJ(t, dir, o)
	now := time.Now()
	d := Envelope{ID: NewID(now), Rcpts: []string{"d@city.lg.jp"}, NextTry: now.Add(time.Hour)}
	if err := j.Enqueue(Message{Env: d, Body: strings.NewReader(bodyOf(3, 5000))}); err != nil {
		t.Fatal(err)
	}
	first := segments(t, dir)[0]
	for i := 0; i < 40; i++ {
		env := Envelope{ID: NewID(now), Rcpts: []string{"r@city.lg.jp"}}
		accept(t, j, env, bodyOf(i, 900))
		if err := j.RemoveIncoming(env.ID); err != nil {
			t.Fatal(err)
		}
		if d.Attempts == 0 && len(segments(t, dir)) >= 2 { // the update in a later segment
			d.Attempts = 1
			if err := j.Update(d); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(segments(t, dir)) < 3 {
		t.Fatalf("the traffic did not rotate segments: %v", segments(t, dir))
	}
	if _, err := os.Stat(first); err != nil {
		t.Errorf("the segment holding the deferred message's queued record was deleted: %v", err)
	}
	j.Close()
	j2 := openJ(t, dir, o)
	got, _ := j2.Due(now.Add(2 * time.Hour))
	if len(got) != 1 || got[0].ID != d.ID || got[0].Attempts != 1 {
		t.Fatalf("after reopen: queued %+v, want %s with 1 attempt", got, d.ID)
	}
	if readQueued(t, j2, d.ID) != bodyOf(3, 5000) {
		t.Errorf("deferred blob body differs after reopen")
	}
}

// FuzzJournalReplay feeds arbitrary bytes as a segment: opening never panics, and every
// message it replays can be read to its recorded length.
func FuzzJournalReplay(f *testing.F) {
	dir := f.TempDir()
	j, _ := OpenJournal(dir, JournalOptions{InlineMax: 64})
	w, _ := j.Accept(Envelope{ID: NewID(time.Unix(0, 0)), Rcpts: []string{"r@city.lg.jp"}})
	io.WriteString(w, "Subject: seed\r\n\r\nbody\r\n")
	w.Commit()
	j.Enqueue(Message{Env: Envelope{ID: NewID(time.Unix(0, 0)), Rcpts: []string{"q@city.lg.jp"}}, Body: strings.NewReader("queued")})
	j.Close()
	for _, s := range segments(f, dir) {
		data, _ := os.ReadFile(s)
		if len(data) > len(journalMagic) {
			f.Add(data)
		}
	}
	f.Add([]byte(journalMagic + "\xff\xff\xff\xff\x00\x00\x00\x00A"))
	// Each input creates and removes a journal: on a tmpfs when there is one, because
	// directory operations on a disk other tests keep busy take tens of milliseconds.
	base := f.TempDir()
	if d, err := os.MkdirTemp("/dev/shm", "sekisho-fuzz-journal-"); err == nil {
		base = d
		f.Cleanup(func() { os.RemoveAll(d) })
	}
	var n int
	f.Fuzz(func(t *testing.T, data []byte) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		n++
		dir := filepath.Join(base, strconv.Itoa(n))
		defer os.RemoveAll(dir)
		os.MkdirAll(filepath.Join(dir, "journal"), 0o700)
		os.WriteFile(filepath.Join(dir, "journal", "seg-000000000001.log"), data, 0o600)
		j, err := openJournal(dir, JournalOptions{}, false)
		if err != nil {
			return
		}
		defer j.Close()
		ids, _ := j.Incoming()
		for _, id := range ids {
			in, err := j.OpenIncoming(id)
			if err != nil {
				continue // a blob the record names does not exist
			}
			n, err := io.Copy(io.Discard, in.Body)
			in.Close()
			if err != nil || n != in.Body.Size() {
				t.Fatalf("replayed message %s: read %d of %d: %v", id, n, in.Body.Size(), err)
			}
		}
		due, _ := j.Due(time.Now().Add(1 << 40))
		for _, e := range due {
			if rc, err := j.OpenQueued(e.ID); err == nil {
				io.Copy(io.Discard, rc)
				rc.Close()
			}
		}
	})
}
