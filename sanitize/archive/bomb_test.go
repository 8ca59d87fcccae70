package archive

import (
	"archive/zip"
	"bytes"
	"errors"
	"hash/crc32"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// bombCase is one decompression bomb with the limits it runs under and the limit key
// that must stop it.
type bombCase struct {
	name      string
	data      func(t testing.TB) []byte
	lim       sanitize.Limits
	key       string
	potential int64 // bytes the bomb would expand to
}

func bombCases() []bombCase {
	const MiB = 1 << 20
	return []bombCase{
		{
			name: "42-style/default-limits", key: "limits.max_ratio", potential: 16 * 16 * 16 * 4 * MiB,
			data: func(t testing.TB) []byte { return recursiveZip(t, 3, 16, 4*MiB) },
		},
		{
			// With the ratio check out of the way the walk really expands leaves, and the
			// shared total stops it; the bomb could produce 2 GiB.
			name: "42-style/ratio-off", key: "limits.max_total_size", potential: 8 * 8 * 8 * 4 * MiB,
			lim:  sanitize.Limits{MaxRatio: 1 << 40, MaxTotalSize: 40 * MiB},
			data: func(t testing.TB) []byte { return recursiveZip(t, 3, 8, 4*MiB) },
		},
		{
			name: "42-style/entries", key: "limits.max_entries", potential: 16 * 16 * 16 * 16,
			lim:  sanitize.Limits{MaxEntries: 100},
			data: func(t testing.TB) []byte { return recursiveZip(t, 3, 16, 16) },
		},
		{
			name: "single-entry/ratio", key: "limits.max_ratio", potential: 64 * MiB,
			data: func(t testing.TB) []byte {
				return makeRawZip(t, rawEntry{name: "zeros.bin", data: zerosDeflated(t, 64*MiB), method: zip.Deflate,
					crc: crc32.ChecksumIEEE(make([]byte, 64*MiB)), usize: 64 * MiB})
			},
		},
		{
			name: "single-entry/file-size", key: "limits.max_file_size", potential: 8 * MiB,
			lim: sanitize.Limits{MaxFileSize: MiB},
			data: func(t testing.TB) []byte {
				return makeZip(t, zfile{name: "big.txt", body: bytes.Repeat([]byte("0123456789abcdef"), MiB/2), store: true})
			},
		},
		{
			name: "gzip/ratio", key: "limits.max_ratio", potential: 64 * MiB,
			data: func(t testing.TB) []byte { return gzipBytes(t, "", make([]byte, 64*MiB)) },
		},
	}
}

// TestBombs checks that each bomb kind stops on its named limit key and that the heap
// allocated while rejecting it stays at a few MiB, far below what the bomb would expand
// to. TotalAlloc counts every allocation, so it bounds the peak from above.
func TestBombs(t *testing.T) {
	for _, bc := range bombCases() {
		t.Run(bc.name, func(t *testing.T) {
			data := bc.data(t)
			_, a := testEngine(t, bc.lim)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, res, err := run(t, a, data, "bomb", bc.lim)
			runtime.ReadMemStats(&after)
			var le *sanitize.LimitError
			if !errors.As(err, &le) || le.Limit != bc.key {
				t.Fatalf("Sanitize(%s) = %s, %v; want *LimitError %s", bc.name, res.Verdict, err, bc.key)
			}
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("%s: %d bytes in, would expand to %d MiB, stopped by %v, %.1f MiB allocated",
				bc.name, len(data), bc.potential>>20, err, float64(alloc)/(1<<20))
			const limit = 48 << 20
			if alloc > limit {
				t.Errorf("rejecting %s allocated %d MiB, want under %d MiB", bc.name, alloc>>20, limit>>20)
			}
		})
	}
}

// TestBombPeakRSS runs the rejection of 42-style bombs (16 GiB and 2 GiB) in a child
// process and checks its peak resident set size, which includes everything the runtime
// holds.
func TestBombPeakRSS(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	for _, kind := range []string{"42-style/default-limits", "42-style/ratio-off"} {
		t.Run(kind, func(t *testing.T) {
			rss, err := childPeakRSS(t, kind)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("peak RSS rejecting %s: %.1f MiB", kind, float64(rss)/(1<<20))
			const limit = 64 << 20
			if rss > limit {
				t.Errorf("peak RSS %d MiB, want under %d MiB", rss>>20, limit>>20)
			}
		})
	}
}

// childPeakRSS writes the bomb to a file, runs TestBombChild on it in a fresh process and
// returns that process's peak RSS in bytes.
func childPeakRSS(t testing.TB, kind string) (int64, error) {
	var bc *bombCase
	for _, c := range bombCases() {
		if c.name == kind {
			bc = &c
		}
	}
	if bc == nil {
		t.Fatalf("no bomb %s", kind)
	}
	file := filepath.Join(t.TempDir(), "bomb.zip")
	if err := os.WriteFile(file, bc.data(t), 0o644); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(t.TempDir(), "rss")
	cmd := exec.Command(os.Args[0], "-test.run=^TestBombChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "ARCHIVE_BOMB_FILE="+file, "ARCHIVE_BOMB_KIND="+kind, "ARCHIVE_BOMB_RSS="+report)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	b, err := os.ReadFile(report)
	if errors.Is(err, os.ErrNotExist) {
		t.Skip("the child could not read its peak RSS (no /proc)")
	}
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
}

// peakRSS reads this process's high-water resident set size from /proc (the rusage of
// a child started by os/exec is no good: its high-water mark starts at the parent's).
func peakRSS() (int64, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == "VmHWM:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmHWM in /proc/self/status")
}

// TestBombChild is the child side of TestBombPeakRSS; it does nothing unless started by
// it.
func TestBombChild(t *testing.T) {
	file, kind := os.Getenv("ARCHIVE_BOMB_FILE"), os.Getenv("ARCHIVE_BOMB_KIND")
	if file == "" {
		t.Skip("child process only")
	}
	var lim sanitize.Limits
	var key string
	for _, c := range bombCases() {
		if c.name == kind {
			lim, key = c.lim, c.key
		}
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	_, a := testEngine(t, lim)
	_, _, err = run(t, a, data, "bomb", lim)
	var le *sanitize.LimitError
	if !errors.As(err, &le) || le.Limit != key {
		t.Fatalf("child: %v, want %s", err, key)
	}
	rss, err := peakRSS()
	if err != nil {
		t.Skip(err)
	}
	if err := os.WriteFile(os.Getenv("ARCHIVE_BOMB_RSS"), []byte(strconv.FormatInt(rss, 10)), 0o644); err != nil {
		t.Fatal(err)
	}
}
