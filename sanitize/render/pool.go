package render

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// memoryLimitPages caps one instance's linear memory (64 KiB pages): 2 GiB leaves room for a
// page at the default limits.max_pixels (100 Mpx, 400 MB as RGBA) plus the document and its
// fonts, and stops a hostile document from growing an instance without bound. PDFium sees a
// failed allocation, not a crash.
const memoryLimitPages = 32768

// engine is the compiled PDFium module and its bounded pool of instances.
type engine struct {
	pool     pdfium.Pool
	fontRoot string                  // private root folder shown to the instances; removed on close
	cache    wazero.CompilationCache // nil without CacheDir
	slots    chan struct{}           // one token per instance: bounds concurrency across documents
}

// newEngine compiles PDFium once (through the compilation cache when cacheDir is set) and
// prepares a pool of at most n instances. Each instance sees, read-only, a private root
// folder holding only usr/share/fonts (a link to fontDir), where PDFium looks for system
// fonts; without fontDir it sees no file system at all.
func newEngine(n int, fontDir, cacheDir, tempDir string) (_ *engine, err error) {
	e := &engine{slots: make(chan struct{}, n)}
	defer func() {
		if err != nil && e.fontRoot != "" {
			os.RemoveAll(e.fontRoot)
		}
	}()
	rc := wazero.NewRuntimeConfig().
		// The bundled module lowers setjmp/longjmp to exception handling instructions.
		WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling).
		// Kill cancels the instance's context; this makes wazero stop running guest code.
		WithCloseOnContextDone(true).
		WithMemoryLimitPages(memoryLimitPages)
	if cacheDir != "" {
		if err := os.MkdirAll(cacheDir, 0o700); err != nil {
			return nil, fmt.Errorf("render: compilation cache: %w", err)
		}
		c, err := wazero.NewCompilationCacheWithDir(cacheDir)
		if err != nil {
			return nil, fmt.Errorf("render: compilation cache: %w", err)
		}
		e.cache = c
		defer func() {
			if err != nil {
				c.Close(context.Background())
			}
		}()
		rc = rc.WithCompilationCache(c)
	}
	// Never leave FSConfig nil: go-pdfium then mounts the host's whole disk read-write.
	fs := wazero.NewFSConfig()
	if fontDir != "" {
		st, err := os.Stat(fontDir)
		if err != nil {
			return nil, fmt.Errorf("render: font dir: %w", err)
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("render: font dir %s is not a directory", fontDir)
		}
		// PDFium scans /usr/share/fonts; a mount at that guest path is not found by the
		// module, a root folder holding the path is.
		abs, err := filepath.Abs(fontDir)
		if err != nil {
			return nil, fmt.Errorf("render: font dir: %w", err)
		}
		e.fontRoot, err = os.MkdirTemp(tempDir, "sekisho-fonts-")
		if err != nil {
			return nil, fmt.Errorf("render: font root: %w", err)
		}
		share := filepath.Join(e.fontRoot, "usr", "share")
		if err := os.MkdirAll(share, 0o755); err != nil {
			return nil, fmt.Errorf("render: font root: %w", err)
		}
		if err := os.Symlink(abs, filepath.Join(share, "fonts")); err != nil {
			return nil, fmt.Errorf("render: font root: %w", err)
		}
		fs = fs.WithReadOnlyDirMount(e.fontRoot, "/")
	}
	p, err := webassembly.Init(webassembly.Config{
		MinIdle:       0,
		MaxIdle:       n,
		MaxTotal:      n,
		FSConfig:      fs,
		RuntimeConfig: rc,
		Stdout:        io.Discard,
		Stderr:        io.Discard,
		// A fresh instance per document: whatever a hostile document does to an instance's
		// memory cannot reach the next document.
		ReuseWorkers: false,
	})
	if err != nil {
		return nil, fmt.Errorf("render: start pdfium: %w", err)
	}
	e.pool = p
	return e, nil
}

// acquire takes an instance slot and an instance; release must be called with the result.
func (e *engine) acquire(ctx context.Context) (pdfium.Pdfium, error) {
	select {
	case e.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	inst, err := e.pool.GetInstanceWithContext(ctx)
	if err != nil {
		<-e.slots
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("render: pdfium instance: %w", err)
	}
	return inst, nil
}

// release closes the instance (its memory is discarded) or, when it was killed, just frees
// the slot: the pool creates a new instance for the next caller.
func (e *engine) release(inst pdfium.Pdfium, killed bool) {
	if !killed {
		_ = inst.Close()
	}
	<-e.slots
}

// guard kills inst when ctx ends while guest code runs, so a hung page cannot hold the
// instance past the document's deadline. stop reports whether the kill happened.
func guard(ctx context.Context, inst pdfium.Pdfium) (stop func() bool) {
	return context.AfterFunc(ctx, func() { _ = inst.Kill() })
}

func (e *engine) close() error {
	var errs []error
	if e.pool != nil {
		errs = append(errs, e.pool.Close())
	}
	if e.cache != nil {
		errs = append(errs, e.cache.Close(context.Background()))
	}
	if e.fontRoot != "" {
		errs = append(errs, os.RemoveAll(e.fontRoot))
	}
	return errors.Join(errs...)
}
