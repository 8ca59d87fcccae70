package metrics

import (
	"fmt"
	"syscall"
)

// FreeBytes is the space available to an unprivileged writer on dir's file system.
func FreeBytes(dir string) (int64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return int64(st.Bavail) * int64(st.Bsize), nil
}

// DiskCheck is a health check: degraded while dir's file system has less than min bytes
// free (the relay then answers 452 to new mail) or cannot be read. min <= 0 only checks
// that it can be read.
func DiskCheck(dir string, min int64) func() error {
	return func() error {
		free, err := FreeBytes(dir)
		if err != nil {
			return fmt.Errorf("free space of %s: %w", dir, err)
		}
		if free < min {
			return fmt.Errorf("%s has %d bytes free, below smtp.min_free_space (%d): new mail gets 452", dir, free, min)
		}
		return nil
	}
}

// RegisterDisk exports the free space of dir as sekisho_spool_free_bytes.
func (r *Registry) RegisterDisk(dir string) {
	r.GaugeFunc("sekisho_spool_free_bytes", "Bytes free on the spool's file system.", "", func() map[string]float64 {
		free, err := FreeBytes(dir)
		if err != nil {
			return nil
		}
		return map[string]float64{"": float64(free)}
	})
}
