package transfer

import (
	"os"

	"golang.org/x/sys/unix"
)

// startWriteback asks the kernel to start writing n bytes of f at off to the disk without
// waiting for it (sync_file_range with SYNC_FILE_RANGE_WRITE). It makes nothing durable:
// the fsync before an offset is recorded still does. An error only means the fsync will
// find more to write.
func startWriteback(f *os.File, off, n int64) {
	if rc, err := f.SyscallConn(); err == nil {
		rc.Control(func(fd uintptr) { unix.SyncFileRange(int(fd), off, n, unix.SYNC_FILE_RANGE_WRITE) })
	}
}
