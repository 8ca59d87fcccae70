package transfer

import (
	"context"
	"sync"
	"time"
)

// defaultLease is how long a node's claim on a file it sanitizes lasts without renewal.
// The holder renews it three times a lease; a node that died leaves the claim to expire,
// and any node then takes the file over.
const defaultLease = time.Minute

// claim takes file id for owner until until, if it is waiting for the engine and no other
// node holds a live claim on it. A claim is the only way a file reaches the engine, so
// nodes sharing a store never sanitize a file at the same time.
func (s store) claim(ctx context.Context, id, owner string, now, until time.Time) (bool, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE transfer_files SET lease_owner = $1, lease_until = $2
		WHERE id = $3 AND state = $4 AND (lease_owner = $1 OR lease_until < $5)`, owner, ns(until), id, Uploaded, ns(now))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// renew extends owner's claim; false when the claim is no longer owner's (another node
// took the file over) or the file left the engine's queue.
func (s store) renew(ctx context.Context, id, owner string, until time.Time) (bool, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE transfer_files SET lease_until = $1 WHERE id = $2 AND state = $3 AND lease_owner = $4`,
		ns(until), id, Uploaded, owner)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// expiredClaims lists files waiting for the engine whose claim ran out: their node died
// or lost the store while sanitizing them.
func (s store) expiredClaims(ctx context.Context, now time.Time) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM transfer_files WHERE state = $1 AND lease_owner != '' AND lease_until < $2`,
		Uploaded, ns(now))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// lease is this node's claim on one file while it is sanitized.
type lease struct {
	s      *Service
	id     string
	ctx    context.Context // cancelled when the claim is lost
	cancel context.CancelFunc
	mu     sync.Mutex
	until  time.Time
	lost   bool
	stop   chan struct{}
	done   chan struct{}
	once   sync.Once
}

// takeLease claims file id for this node; nil when it cannot be had (another node holds
// it, or it is no longer waiting). The claim is renewed in the background until release.
func (s *Service) takeLease(parent context.Context, id string) *lease {
	now := s.now()
	until := now.Add(s.o.Lease)
	ok, err := s.st.claim(parent, id, s.o.Node, now, until)
	if err != nil {
		s.log.Error("transfer file not claimed", "file", id, "err", err)
		return nil
	}
	if !ok {
		return nil
	}
	ctx, cancel := context.WithCancel(parent)
	l := &lease{s: s, id: id, ctx: ctx, cancel: cancel, until: until, stop: make(chan struct{}), done: make(chan struct{})}
	go l.renewLoop() // exits on release
	return l
}

func (l *lease) renewLoop() {
	defer close(l.done)
	tick := time.NewTicker(l.s.o.Lease / 3)
	defer tick.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-tick.C:
			if !l.renew() {
				l.cancel()
				return
			}
		}
	}
}

// renew extends the claim; false once it is lost. A store that cannot be reached keeps
// the claim only as long as it would last anyway: after that another node may hold it.
func (l *lease) renew() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.lost {
		return false
	}
	now := l.s.now()
	until := now.Add(l.s.o.Lease)
	ok, err := l.s.st.renew(context.WithoutCancel(l.ctx), l.id, l.s.o.Node, until)
	switch {
	case err == nil && ok:
		l.until = until
		return true
	case err != nil && now.Before(l.until):
		l.s.log.Warn("transfer file claim not renewed", "file", l.id, "err", err)
		return true
	}
	l.lost = true
	l.s.log.Warn("transfer file claim lost: another node took the file over", "file", l.id)
	return false
}

// held renews the claim at once and reports whether this node still holds it: a result
// is recorded, and a refused original put in the quarantine, only then.
func (l *lease) held() bool {
	ok := l.renew()
	if !ok {
		l.cancel()
	}
	return ok
}

// release stops renewing; the claim then runs out unless the file left the queue.
func (l *lease) release() {
	l.once.Do(func() {
		close(l.stop)
		<-l.done
	})
}

// adoptExpired queues the files whose claim ran out, on every node: whichever claims one
// first sanitizes it.
func (s *Service) adoptExpired(ctx context.Context) error {
	ids, err := s.st.expiredClaims(ctx, s.now())
	if err != nil {
		return err
	}
	for _, id := range ids {
		s.log.Info("transfer file taken over from a node whose claim expired", "file", id)
		s.enqueue(id)
	}
	return nil
}
