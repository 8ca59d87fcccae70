package transfer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sekisho/sekisho/quarantine"
	"github.com/sekisho/sekisho/sanitize"
)

// purgeEvery is how often expired transfers are purged and idle open ones finished, by
// default.
const purgeEvery = 10 * time.Minute

// idleFinish: an open transfer with nothing uploaded for this long is finished, so a
// partner who closed the page without pressing "finish" still reaches the recipient.
const idleFinish = 24 * time.Hour

// taskTransfer names the transfer's periodic work among the work that must run once on
// a store several nodes share.
const taskTransfer = "transfer"

// Start recovers what a crash left and runs the sanitizing workers and the purge loop
// until Close: uploads in progress get their offset from the staged file (what was
// written survives a killed process), complete files waiting for the engine are queued
// again, and transfers whose files are all done are completed. With a store several nodes
// share (Options.Elector) another node may be sanitizing those files right now: the
// recovery then runs with the purge, on the one node that leads it, and takes only what
// no node has touched for a while (see adopt).
func (s *Service) Start(ctx context.Context) error {
	if s.started {
		return nil
	}
	s.started = true
	if t, ok := s.blobs.(interface{ RemoveTemporary() }); ok {
		t.RemoveTemporary()
	}
	for i := 0; i < s.o.SanitizeWorkers; i++ {
		s.wg.Add(1)
		go s.worker() // exits when stop is closed
	}
	if s.o.Elector == nil {
		if err := s.recover(ctx, time.Time{}); err != nil {
			return err
		}
	}
	if s.o.Outbox != nil {
		s.wg.Add(1)
		go func() { // exits when stop is closed
			defer s.wg.Done()
			tick := time.NewTicker(outboxEvery)
			defer tick.Stop()
			for {
				if _, err := s.drainOutbox(context.Background()); err != nil {
					s.log.Error("transfer notices not queued", "err", err)
				}
				select {
				case <-s.stop:
					return
				case <-tick.C:
				}
			}
		}()
	}
	s.wg.Add(1)
	go func() { // exits when stop is closed
		defer s.wg.Done()
		tick := time.NewTicker(s.o.Lease)
		defer tick.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-tick.C:
				if err := s.adoptExpired(context.Background()); err != nil {
					s.log.Error("transfer claims not checked", "err", err)
				}
			}
		}
	}()
	s.wg.Add(1)
	if s.o.Elector != nil {
		lctx, cancel := context.WithCancel(context.Background())
		go func() { // exits when stop is closed
			defer s.wg.Done()
			go func() { <-s.stop; cancel() }()
			quarantine.Periodic(lctx, s.o.Elector, taskTransfer, s.o.PurgeEvery, s.leaderWork, s.log)
		}()
		return nil
	}
	go func() { // exits when stop is closed
		defer s.wg.Done()
		tick := time.NewTicker(s.o.PurgeEvery)
		defer tick.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-tick.C:
				if _, err := s.Purge(context.Background(), s.now()); err != nil {
					s.log.Error("transfer purge failed", "err", err)
				}
			}
		}
	}()
	return nil
}

// leaderWork is the periodic work of the node leading the transfer task on a shared store.
func (s *Service) leaderWork(ctx context.Context) {
	if err := s.recover(ctx, s.now().Add(-s.orphanAfter())); err != nil && ctx.Err() == nil {
		s.log.Error("transfer recovery failed", "err", err)
	}
	if _, err := s.Purge(ctx, s.now()); err != nil && ctx.Err() == nil {
		s.log.Error("transfer purge failed", "err", err)
	}
}

// orphanAfter is how long a file may wait for the engine, or an upload stay idle, before
// the leader of a shared store takes it for a node that stopped or died: more than a file
// can spend being sanitized. A file still waiting in a live node's queue after that is
// queued on both; the claim in the store (lease.go) lets one of them sanitize it. A file
// whose node died while sanitizing it is taken over sooner, once its claim runs out.
func (s *Service) orphanAfter() time.Duration { return max(2*s.o.SanitizeTimeout, s.o.PurgeEvery) }

// recover fixes uploads' offsets, queues the files waiting for the engine and completes
// transfers whose files are done; with a non-zero before, only files last changed before it.
func (s *Service) recover(ctx context.Context, before time.Time) error {
	old := func(f File) bool { return before.IsZero() || f.Updated.Before(before) }
	up, err := s.st.filesInState(ctx, Uploading)
	if err != nil {
		return err
	}
	for _, f := range up {
		if !old(f) {
			continue
		}
		size, err := s.blobs.StagedSize(f.ID)
		if err != nil {
			return err
		}
		if f.Length >= 0 && size > f.Length {
			size = f.Length
		}
		if size != f.Offset {
			s.st.setOffset(ctx, f.ID, size, s.now().UTC())
		}
	}
	waiting, err := s.st.filesInState(ctx, Uploaded)
	if err != nil {
		return err
	}
	for _, f := range waiting {
		if old(f) {
			s.enqueue(f.ID)
		}
	}
	proc, err := s.st.list(ctx, Query{States: []State{Processing}, Limit: 1000})
	if err != nil {
		return err
	}
	for _, t := range proc {
		s.checkComplete(ctx, t.ID)
	}
	return nil
}

// enqueue queues a file for the workers, once: a file already queued on this node is not
// queued again.
func (s *Service) enqueue(id string) {
	s.mu.Lock()
	if s.queued[id] {
		s.mu.Unlock()
		return
	}
	s.queued[id] = true
	s.mu.Unlock()
	select {
	case s.jobs <- id:
	default:
		s.mu.Lock()
		delete(s.queued, id)
		s.mu.Unlock()
		// The queue holds 65,536 files; beyond that they wait in the database for the
		// next start (state uploaded), or the leader's recovery on a shared store.
		s.takeLive(id).drop()
		s.log.Error("transfer sanitize queue full; the file waits for a restart", "file", id)
	}
}

func (s *Service) worker() {
	defer s.wg.Done()
	for {
		select {
		case <-s.stop:
			return
		case id := <-s.jobs:
			s.process(id)
			s.mu.Lock()
			delete(s.queued, id)
			s.mu.Unlock()
		}
	}
}

// process runs one uploaded file through its direction's engine: the output is stored
// by its hash, a refused original goes to the quarantine, and the staged upload is
// removed either way.
func (s *Service) process(id string) {
	lv := s.takeLive(id)
	defer lv.drop()
	l := s.takeLease(context.Background(), id)
	if l == nil {
		return // done, or another node is sanitizing it
	}
	defer l.cancel()
	defer l.release()
	ctx := l.ctx
	f, err := s.st.file(ctx, id)
	if err != nil || f.State != Uploaded {
		return
	}
	t, err := s.st.transfer(ctx, f.TransferID)
	if err != nil {
		s.log.Error("transfer of a file is gone", "file", id, "err", err)
		return
	}
	log := s.log.With("transfer", t.ID, "file", f.ID)
	start := time.Now()
	res, sum, size, err, live := lv.result(ctx, s, f.SHA256)
	if !live {
		res, sum, size, err = s.sanitize(ctx, t, f)
	}
	// The result counts only from the node that still holds the claim: one that was
	// taken for dead drops what it made.
	ctx = context.WithoutCancel(ctx)
	if !l.held() {
		if err == nil && sum != "" {
			s.dropBlob(ctx, sum)
		}
		log.Warn("transfer file result dropped: another node took the file over")
		return
	}
	// Just renewed: the claim outlasts recording the result, which ends it.
	l.release()
	now := s.now().UTC()
	f.Updated = now
	switch {
	case err != nil:
		f.State, f.Reason = Failed, err.Error()
		if errors.Is(err, ErrStorage) {
			f.Reason = "insufficient storage while writing the sanitized file"
		}
		log.Error("transfer file not processed", "err", err)
	case res.Verdict.HasOutput():
		f.State, f.OutBlob, f.OutSize = Available, sum, size
		f.OutName = f.Name
		if res.OutName != "" {
			f.OutName = SafeName(res.OutName)
		}
		f.OutType = res.OutType
		if f.OutType == "" {
			f.OutType = res.Detected.MIME
		}
	case res.Verdict == sanitize.Quarantined:
		qid, herr := s.hold(ctx, t, f, res)
		if herr != nil {
			f.State, f.Reason = Failed, "could not be kept in the quarantine: "+herr.Error()
			log.Error("transfer file not quarantined", "err", herr)
			break
		}
		f.State, f.QuarantineID = Held, qid
	default:
		f.State = Refused
	}
	if err == nil {
		f.Detected, f.Verdict, f.Actions, f.Notes = res.Detected.Name, res.Verdict, res.Actions, res.Notes
		if f.Reason == "" {
			f.Reason = res.Reason
		}
	}
	if uerr := s.st.updateFile(ctx, f, Uploaded); uerr != nil {
		log.Error("transfer file result not recorded", "err", uerr)
		if f.OutBlob != "" {
			s.dropBlob(ctx, f.OutBlob)
		}
		return
	}
	s.blobs.RemoveStaged(f.ID)
	log.Info("transfer file processed", "direction", string(t.Direction), "verdict", string(f.Verdict), "state", string(f.State),
		"bytes", f.Length, "out_bytes", f.OutSize, "duration", time.Since(start).String())
	detail := fmt.Sprintf("transfer=%s; name=%q; verdict=%s; state=%s; bytes=%d; out_bytes=%d", t.ID, f.Name, f.Verdict, f.State, f.Length, f.OutSize)
	if f.Reason != "" {
		detail += "; reason=" + oneLine(f.Reason)
	}
	if f.QuarantineID != "" {
		detail += "; quarantine=" + f.QuarantineID
	}
	if err := s.audit(ctx, "transfer-sanitize", f.ID, string(quarantine.System), "", detail); err != nil {
		log.Error("transfer sanitize result not audited", "err", err)
	}
	s.checkComplete(ctx, t.ID)
	s.announceProcessed()
}

// processedSignal returns a channel closed the next time this node records a file's
// result: a request waiting for its transfer's results answers at once instead of at its
// next look. Take it before reading the state, so a result recorded in between is not
// missed.
func (s *Service) processedSignal() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.processed == nil {
		s.processed = make(chan struct{})
	}
	return s.processed
}

func (s *Service) announceProcessed() {
	s.mu.Lock()
	if s.processed != nil {
		close(s.processed)
		s.processed = nil
	}
	s.mu.Unlock()
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// sanitize runs the engine on the staged upload, writing the output to a new blob.
func (s *Service) sanitize(ctx context.Context, t Transfer, f File) (sanitize.Result, string, int64, error) {
	in, err := s.blobs.ReadStaged(f.ID)
	if err != nil {
		return sanitize.Result{}, "", 0, err
	}
	defer in.Close()
	eng := s.engine(t)
	w, err := s.output(f, in)
	if err != nil {
		if isNoSpace(err) {
			err = ErrStorage
		}
		return sanitize.Result{}, "", 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, s.o.SanitizeTimeout)
	defer cancel()
	res, err := eng.Sanitize(ctx, s.item(t, f, in), w, s.budget(in))
	return s.store(res, w, err)
}

// engine is the engine for t's direction.
func (s *Service) engine(t Transfer) sanitize.Sanitizer {
	if t.Direction == Outbound {
		return s.o.Outbound
	}
	return s.o.Inbound
}

func (s *Service) item(t Transfer, f File, in sanitize.Blob) *sanitize.Item {
	return &sanitize.Item{Body: in, Path: f.Name, Name: f.RawName,
		DeclaredType: f.DeclaredType, Origin: &sanitize.Origin{Ref: t.ID, From: t.Sender}}
}

// output is where the engine writes f's output: compared with the staged upload when the
// store can keep that as the output (sameOutput), else a new blob.
func (s *Service) output(f File, in sanitize.Blob) (BlobWriter, error) {
	if k, ok := s.blobs.(stagedKeeper); ok {
		o := newSameOutput(s.blobs, k, f.ID, in)
		o.sum = f.SHA256
		return o, nil
	}
	return s.blobs.Create()
}

// store commits the output of an engine run that gave res and err, or drops it.
func (s *Service) store(res sanitize.Result, w BlobWriter, err error) (sanitize.Result, string, int64, error) {
	if err != nil || !res.Verdict.HasOutput() {
		w.Abort()
		if isNoSpace(err) {
			err = ErrStorage
		}
		return res, "", 0, err
	}
	sum, n, err := w.Commit()
	if isNoSpace(err) {
		err = ErrStorage
	}
	return res, sum, n, err
}

// budget is the engine's budget for one file. The text family counts its own decoding of
// the file against the expansion limit (limits.max_total_size in mail, where a text item
// is at most limits.max_file_size): a text file's decoded bytes (at most twice its size,
// Latin-1 to UTF-8) are allowed on top, so a multi-gigabyte text transfer is not refused
// while what archives and nested items may expand to stays the configured limit.
func (s *Service) budget(in sanitize.Blob) *sanitize.Budget {
	lim := s.o.NewBudget().Limits()
	if sanitize.Detect(in).Class == sanitize.ClassText {
		lim.MaxTotalSize += 2 * in.Size()
	}
	return sanitize.NewBudget(lim)
}

// hold keeps a refused original in the quarantine. The record has no recipients, so an
// operator's release makes it downloadable on the transfer (by its owner), never mailed.
func (s *Service) hold(ctx context.Context, t Transfer, f File, res sanitize.Result) (string, error) {
	in, err := s.blobs.ReadStaged(f.ID)
	if err != nil {
		return "", err
	}
	defer in.Close()
	dir := quarantine.Inbound
	if t.Direction == Outbound {
		dir = quarantine.Outbound
	}
	from := t.Sender
	if t.SenderInfo != "" {
		from += " (" + t.SenderInfo + ")"
	}
	subject := "transfer " + t.ID
	if t.Subject != "" {
		subject += ": " + t.Subject
	}
	reason := res.Reason
	if reason == "" {
		reason = string(res.Verdict)
	}
	rec, err := s.o.Quarantine.Put(ctx, quarantine.Record{Kind: quarantine.KindFile, Direction: dir, QueueID: t.ID,
		MailFrom: truncate(from, 300), Subject: truncate(subject, 300), FileName: f.Name, DeclaredType: f.DeclaredType,
		DetectedType: res.Detected.MIME, Reason: reason}, in, quarantine.System)
	if err != nil {
		return "", err
	}
	return rec.ID, nil
}

// checkComplete completes a processing transfer whose files are all done: an inbound
// one is ready and its recipient told; an outbound one goes to approval.
func (s *Service) checkComplete(ctx context.Context, id string) {
	t, fs, err := s.Transfer(ctx, id)
	if err != nil || t.State != Processing {
		return
	}
	var ready int
	for _, f := range fs {
		if !f.State.Final() {
			return
		}
		if f.State == Available {
			ready++
		}
	}
	if err := s.completeTransfer(ctx, t, fs, ready); err != nil && !errors.Is(err, ErrState) {
		s.log.Error("transfer not completed", "transfer", id, "err", err)
	}
}

func (s *Service) completeTransfer(ctx context.Context, t Transfer, fs []File, ready int) error {
	t.Updated = s.now().UTC()
	if t.Direction == Inbound {
		t.State = Ready
		if err := s.st.updateTransfer(ctx, t, Processing); err != nil {
			return err
		}
		s.notifyInbound(ctx, t, fs)
		return nil
	}
	if ready == 0 {
		t.State, t.DecisionReason = Withdrawn, "no file could be made safe to send"
		if err := s.st.updateTransfer(ctx, t, Processing); err != nil {
			return err
		}
		s.notifyOwner(ctx, t, fs)
		return s.audit(ctx, "transfer-withdraw", t.ID, string(quarantine.System), "", "reason="+t.DecisionReason)
	}
	return s.submit(ctx, t, fs)
}

// removeFiles deletes a transfer's staged uploads and the blobs no other file uses.
func (s *Service) removeFiles(ctx context.Context, id string) {
	fs, err := s.st.files(ctx, id)
	if err != nil {
		return
	}
	for _, f := range fs {
		s.takeFollowing(f.ID).stop()
		s.blobs.RemoveStaged(f.ID)
		if f.State == Uploading || f.State == Uploaded || f.State == Available {
			blob := f.OutBlob
			f.State, f.Updated = Gone, s.now().UTC()
			if err := s.st.updateFile(ctx, f); err != nil {
				continue
			}
			if blob != "" {
				s.dropBlob(ctx, blob)
			}
		}
	}
}

func (s *Service) dropBlob(ctx context.Context, sum string) {
	if used, err := s.st.blobUsed(ctx, sum); err == nil && !used {
		s.blobs.Remove(sum)
	}
}

// Purge expires transfers whose retention has passed (files removed, records kept),
// removes the files of withdrawn and rejected ones, and finishes open transfers that have
// been idle for a day. It returns the number of transfers expired.
func (s *Service) Purge(ctx context.Context, now time.Time) (int, error) {
	rows, err := s.o.DB.QueryContext(ctx, `SELECT id FROM transfer_transfers WHERE state != $1 AND expires <= $2`, Expired, ns(now))
	if err != nil {
		return 0, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if rows.Scan(&id) == nil {
			ids = append(ids, id)
		}
	}
	rows.Close()
	n := 0
	for _, id := range ids {
		t, err := s.st.transfer(ctx, id)
		if err != nil {
			continue
		}
		prev := t.State
		t.State, t.Updated = Expired, now.UTC()
		if err := s.st.updateTransfer(ctx, t, prev); err != nil {
			continue
		}
		s.revokeLinks(ctx, id)
		s.removeFiles(ctx, id)
		s.audit(ctx, "transfer-expire", id, string(quarantine.Retention), "", "")
		n++
	}
	// Withdrawn and rejected transfers keep no files either.
	for _, st := range []State{Withdrawn, Rejected} {
		ts, err := s.st.list(ctx, Query{States: []State{st}, Limit: 1000, Since: now.Add(-s.o.Retention - time.Hour)})
		if err != nil {
			return n, err
		}
		for _, t := range ts {
			s.removeFiles(ctx, t.ID)
		}
	}
	idle, err := s.st.list(ctx, Query{States: []State{Open}, Limit: 1000, Before: now.Add(-idleFinish)})
	if err != nil {
		return n, err
	}
	for _, t := range idle {
		if t.Updated.After(now.Add(-idleFinish)) {
			continue
		}
		s.Finish(ctx, t, string(quarantine.System), "")
	}
	return n, nil
}
