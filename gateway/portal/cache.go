package portal

import (
	"bytes"
	"io"
	"sync"

	"github.com/sekisho/sekisho/gateway/portal/web"
	"github.com/sekisho/sekisho/quarantine"
)

// previewCache keeps recent previews (rendering a document costs seconds): at most n
// items and max bytes of page images and text, oldest dropped first.
type previewCache struct {
	mu    sync.Mutex
	n     int
	max   int64
	size  int64
	order []string
	m     map[string]*Preview
}

func newPreviewCache(n int, max int64) *previewCache {
	return &previewCache{n: n, max: max, m: map[string]*Preview{}}
}

func weight(p *Preview) int64 {
	w := int64(len(p.Text))
	for _, pg := range p.Pages {
		w += int64(len(pg.Data))
	}
	return w
}

func (pc *previewCache) get(id string) *Preview {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	return pc.m[id]
}

func (pc *previewCache) put(id string, p *Preview) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if _, ok := pc.m[id]; ok {
		return
	}
	w := weight(p)
	if w > pc.max {
		return
	}
	for len(pc.order) > 0 && (len(pc.order) >= pc.n || pc.size+w > pc.max) {
		old := pc.order[0]
		pc.order = pc.order[1:]
		pc.size -= weight(pc.m[old])
		delete(pc.m, old)
	}
	pc.m[id] = p
	pc.order = append(pc.order, id)
	pc.size += w
}

func (pc *previewCache) drop(id string) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	p, ok := pc.m[id]
	if !ok {
		return
	}
	pc.size -= weight(p)
	delete(pc.m, id)
	for i, o := range pc.order {
		if o == id {
			pc.order = append(pc.order[:i], pc.order[i+1:]...)
			break
		}
	}
}

// preview returns the item's preview, building it (at most two at once) when not cached.
func (p *Portal) preview(c *web.Ctx, rec quarantine.Record) (*Preview, error) {
	if pv := p.cache.get(rec.ID); pv != nil {
		return pv, nil
	}
	select {
	case p.sem <- struct{}{}:
	case <-c.Done():
		return &Preview{Note: "preview.busy"}, c.Err()
	}
	defer func() { <-p.sem }()
	if pv := p.cache.get(rec.ID); pv != nil {
		return pv, nil
	}
	rc, err := p.q.Open(c, rec.ID)
	if err != nil {
		return &Preview{Note: "preview.none"}, err
	}
	var buf bytes.Buffer
	_, err = io.Copy(&buf, io.LimitReader(rc, rec.Size+1))
	rc.Close()
	if err != nil {
		return &Preview{Note: "preview.none"}, err
	}
	pv, err := p.o.Previewer.Build(c, rec.FileName, rec.DeclaredType, rec.Kind == quarantine.KindMessage, buf.Bytes())
	if err != nil {
		return pv, err
	}
	p.cache.put(rec.ID, pv)
	return pv, nil
}
