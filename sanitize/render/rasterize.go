package render

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"sync"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"

	"github.com/sekisho/sekisho/sanitize"
)

// minPagesPerInstance keeps tiny documents on one instance: opening the document in a second
// instance costs more than rendering a page or two.
const minPagesPerInstance = 2

type docStats struct {
	pages     int
	textLayer bool
}

// pageSize is a page's displayed size in points (rotation applied) and its pixel size at the
// configured DPI.
type pageSize struct {
	wPt, hPt float64
	wPx, hPx int
}

// rasterize renders every page of the PDF in data and writes the image-only PDF to w.
func (r *Renderer) rasterize(ctx context.Context, data []byte, w io.Writer, b *sanitize.Budget) (st docStats, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// The first instance checks the document before any page is rendered.
	first, err := r.eng.acquire(ctx)
	if err != nil {
		return st, err
	}
	firstDone := false
	defer func() {
		if !firstDone {
			r.eng.release(first, false)
		}
	}()
	var sizes []pageSize
	var doc references.FPDF_DOCUMENT
	err = protect(ctx, first, func() error {
		var err error
		doc, err = openDocument(first, data)
		if err != nil {
			return err
		}
		sizes, err = r.pageSizes(first, doc, b)
		return err
	})
	if err != nil {
		if errors.Is(err, errKilled) {
			firstDone = true
			r.eng.release(first, true)
		}
		return st, err
	}

	out := newWriter(w, len(sizes), r.o.TextLayer)
	jobs := &pageQueue{n: len(sizes)}
	workers := min(r.o.Instances, (len(sizes)+minPagesPerInstance-1)/minPagesPerInstance)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
			cancel()
		}
		mu.Unlock()
	}
	work := func(inst pdfium.Pdfium, doc references.FPDF_DOCUMENT) (killed bool) {
		for {
			i, ok := jobs.next()
			if !ok || ctx.Err() != nil {
				return false
			}
			var pg *pageOut
			err := protect(ctx, inst, func() error {
				var err error
				pg, err = r.renderPage(inst, doc, i, sizes[i])
				return err
			})
			if err != nil {
				fail(fmt.Errorf("page %d: %w", i+1, err))
				return errors.Is(err, errKilled)
			}
			if err := out.put(i, pg); err != nil {
				fail(err)
				return false
			}
		}
	}
	// Helpers wait for a free instance only while the first worker still has pages to
	// give away; under load a document simply renders on fewer instances.
	hctx, hcancel := context.WithCancel(ctx)
	defer hcancel()
	for range workers - 1 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if jobs.left() < minPagesPerInstance {
				return
			}
			inst, err := r.eng.acquire(hctx)
			if err != nil {
				return // the other workers carry on; cancellation is reported by them
			}
			if jobs.left() < minPagesPerInstance {
				r.eng.release(inst, false)
				return
			}
			var d references.FPDF_DOCUMENT
			err = protect(ctx, inst, func() error {
				var err error
				d, err = openDocument(inst, data)
				return err
			})
			if err != nil {
				r.eng.release(inst, errors.Is(err, errKilled))
				fail(err)
				return
			}
			r.eng.release(inst, work(inst, d))
		}()
	}
	killed := work(first, doc)
	firstDone = true
	r.eng.release(first, killed)
	hcancel()
	wg.Wait()
	if firstErr != nil {
		return st, firstErr
	}
	if err := ctx.Err(); err != nil {
		return st, err
	}
	if err := out.finish(); err != nil {
		return st, err
	}
	return docStats{pages: len(sizes), textLayer: out.textLayer()}, nil
}

// pageQueue hands out page indices in order.
type pageQueue struct {
	mu   sync.Mutex
	i, n int
}

func (q *pageQueue) next() (int, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.i >= q.n {
		return 0, false
	}
	q.i++
	return q.i - 1, true
}

func (q *pageQueue) left() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.n - q.i
}

var errKilled = errors.New("pdfium instance killed")

// protect runs f against inst: a panic inside go-pdfium becomes an error, and when ctx ends
// while f runs the instance is killed (the pool replaces it) and f's error is errKilled.
func protect(ctx context.Context, inst pdfium.Pdfium, f func() error) (err error) {
	stop := guard(ctx, inst)
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: pdfium: %v", sanitize.ErrMalformed, p)
		}
		if !stop() {
			err = fmt.Errorf("%w: %w", errKilled, ctx.Err())
		}
	}()
	return f()
}

func openDocument(inst pdfium.Pdfium, data []byte) (references.FPDF_DOCUMENT, error) {
	// An empty password: a document that opens with it is still refused below.
	resp, err := inst.OpenDocument(&requests.OpenDocument{File: &data})
	if err != nil {
		if strings.Contains(strings.ToLower(err.Error()), "password") {
			return "", fmt.Errorf("%w: pdf needs a password", sanitize.ErrEncrypted)
		}
		return "", fmt.Errorf("%w: pdfium cannot open the pdf: %v", sanitize.ErrMalformed, err)
	}
	doc := resp.Document
	rev, err := inst.FPDF_GetSecurityHandlerRevision(&requests.FPDF_GetSecurityHandlerRevision{Document: doc})
	if err != nil {
		return "", fmt.Errorf("%w: pdfium: %v", sanitize.ErrMalformed, err)
	}
	if rev.SecurityHandlerRevision != -1 {
		return "", fmt.Errorf("%w: pdf security handler revision %d", sanitize.ErrEncrypted, rev.SecurityHandlerRevision)
	}
	return doc, nil
}

// pageSizes reads every page's size and checks limits.max_pages and limits.max_pixels
// before anything is rendered.
func (r *Renderer) pageSizes(inst pdfium.Pdfium, doc references.FPDF_DOCUMENT, b *sanitize.Budget) ([]pageSize, error) {
	pc, err := inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: doc})
	if err != nil {
		return nil, fmt.Errorf("%w: pdfium: %v", sanitize.ErrMalformed, err)
	}
	if pc.PageCount <= 0 {
		return nil, fmt.Errorf("%w: pdf has no pages", sanitize.ErrMalformed)
	}
	if err := b.CheckPages(pc.PageCount); err != nil {
		return nil, err
	}
	sizes := make([]pageSize, pc.PageCount)
	for i := range sizes {
		sz, err := inst.FPDF_GetPageSizeByIndexF(&requests.FPDF_GetPageSizeByIndexF{Document: doc, Index: i})
		if err != nil {
			return nil, fmt.Errorf("%w: page %d: pdfium: %v", sanitize.ErrMalformed, i+1, err)
		}
		w, h := float64(sz.Size.Width), float64(sz.Size.Height)
		if !(w > 0 && h > 0) || math.IsInf(w, 0) || math.IsInf(h, 0) {
			return nil, fmt.Errorf("%w: page %d has size %gx%g", sanitize.ErrMalformed, i+1, w, h)
		}
		// go-pdfium sizes the bitmap as ceil(points * dpi / 72); check the same numbers.
		fw, fh := math.Ceil(w*float64(r.o.DPI)/72), math.Ceil(h*float64(r.o.DPI)/72)
		if fw > math.MaxInt32 || fh > math.MaxInt32 {
			return nil, &sanitize.LimitError{Limit: "limits.max_pixels", Max: b.Limits().MaxPixels, Got: math.MaxInt64}
		}
		if err := b.CheckPixels(int(fw), int(fh)); err != nil {
			return nil, fmt.Errorf("page %d: %w", i+1, err)
		}
		sizes[i] = pageSize{wPt: w, hPt: h, wPx: int(fw), hPx: int(fh)}
	}
	return sizes, nil
}
