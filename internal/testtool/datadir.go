package testtool

import (
	"os"
	"path/filepath"
)

// DataDir is a data_dir for tests that build engines through the configuration: only its
// cache/ is used (PDFium's compilation cache). It is one folder in the temp folder for
// every package and run, because compiling PDFium takes minutes under the race detector
// and a cached module loads in a fraction of a second.
func DataDir() string {
	return filepath.Join(os.TempDir(), "sekisho-test-data")
}
