package main

import (
	"os"
	"path/filepath"
)

// outputTarget says how to write the file dest names. A regular file, or a new one, is
// replaced by renaming a finished temporary file over it (path: where the rename goes, the
// link's target for a symbolic link to a regular file, so the link stays). Anything else
// that exists (a device such as /dev/null, a named pipe, a link to one such as /dev/stdout)
// must be written through its path (inPlace): a rename would replace the node itself, and
// run as root `-o /dev/null` left a regular file where the null device was.
func outputTarget(dest string) (path string, inPlace bool) {
	fi, err := os.Lstat(dest)
	switch {
	case err != nil || fi.Mode().IsRegular():
		return dest, false
	case fi.Mode()&os.ModeSymlink != 0:
		if p, err := filepath.EvalSymlinks(dest); err == nil {
			if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
				return p, false
			}
		}
	}
	return dest, true
}
