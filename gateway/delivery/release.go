package delivery

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/sekisho/sekisho/gateway/queue"
	"github.com/sekisho/sekisho/quarantine"
	"github.com/sekisho/sekisho/sanitize"
)

// AttachmentHolder quarantines single parts on behalf of the mail sanitizer (it satisfies
// mail.Holder) and records the message's envelope with them.
type AttachmentHolder struct {
	Store interface {
		Put(ctx context.Context, rec quarantine.Record, body io.Reader, actor quarantine.Actor) (quarantine.Record, error)
	}
}

// Hold stores the part's original bytes and returns the quarantine ID.
func (h AttachmentHolder) Hold(ctx context.Context, part *sanitize.Item, res sanitize.Result) (string, error) {
	rec := quarantine.Record{Kind: quarantine.KindAttachment, Direction: quarantine.Inbound, FileName: part.Name,
		DeclaredType: part.DeclaredType, DetectedType: res.Detected.MIME, Reason: res.Reason}
	if o := part.Origin; o != nil {
		rec.QueueID, rec.MailFrom, rec.Rcpts, rec.Subject = o.Ref, o.From, o.Rcpts, o.Subject
	}
	if rec.Reason == "" {
		rec.Reason = string(res.Verdict)
	}
	r, err := h.Store.Put(ctx, rec, part.Reader(), quarantine.System)
	if err != nil {
		return "", err
	}
	return r.ID, nil
}

// handoffLease is how long a claimed release may take to reach the queue before another
// relay (or this one, after a restart) takes it over.
const handoffLease = 5 * time.Minute

// handoffOwner names this process in the outbox, so an operator can tell who holds a lease.
func handoffOwner(hostname string) string {
	return fmt.Sprintf("%s/%d/%s", hostname, os.Getpid(), queue.NewID(time.Now())[16:])
}

// takeReleases claims the release hand-offs the quarantine recorded (from this process, the
// CLI or the portal, on any node), queues each durably and only then marks it done: a
// crash in between delivers the item twice, never loses it.
func (d *Delivery) takeReleases() {
	hs, err := d.store.ClaimHandoffs(d.ctx, d.owner, handoffLease, 64)
	if err != nil {
		if d.ctx.Err() == nil {
			d.log.Error("cannot read released items", "err", err)
		}
		return
	}
	for _, h := range hs {
		log := d.log.With("quarantine_id", h.ItemID)
		env, err := d.queueRelease(h)
		switch {
		case errors.Is(err, quarantine.ErrNotFound), errors.Is(err, quarantine.ErrState):
			// Deleted or expired since the release: there is nothing left to deliver.
			log.Error("released item is gone, not delivered", "err", err)
		case err != nil:
			log.Error("released item not queued; retried after the lease", "err", err, "lease", handoffLease.String())
			continue
		default:
			log.Info("release queued", "queue_id", env.ID, "rcpts", len(env.Rcpts), "actor", string(h.Actor))
		}
		if err := d.store.FinishHandoff(d.ctx, h); err != nil {
			log.Error("release queued but not marked done; it may be delivered twice", "err", err)
		}
	}
}

// queueRelease queues what one hand-off delivers. A whole message goes out as it arrived,
// with only sekisho's own X-Sekisho-* fields, after a short notice that tells the
// recipients an operator released it and when; a held attachment goes out in a new message
// that says the same.
func (d *Delivery) queueRelease(h quarantine.Handoff) (queue.Envelope, error) {
	rec, err := d.store.Get(d.ctx, h.ItemID)
	if err != nil {
		return queue.Envelope{}, err
	}
	body, err := d.store.Open(d.ctx, h.ItemID)
	if err != nil {
		return queue.Envelope{}, err
	}
	defer body.Close()
	now := d.o.Now()
	rel := release{hostname: d.o.Hostname, rec: rec, h: h, when: now}
	if rec.Kind != quarantine.KindMessage {
		// Notices use the null sender: nothing bounces back to the Internet sender.
		env := queue.Envelope{ID: queue.NewID(now), Rcpts: h.Rcpts, Received: now, Kind: "release"}
		return env, d.enqueueFrom(env, func(w io.Writer) error { return rel.writeAttachment(w, body) })
	}
	notice := queue.Envelope{ID: queue.NewID(now), Rcpts: h.Rcpts, Received: now, Kind: "release"}
	if err := d.enqueueFrom(notice, rel.writeNotice); err != nil {
		return notice, err
	}
	env := queue.Envelope{ID: queue.NewID(now), From: rec.MailFrom, Rcpts: h.Rcpts, Received: now, Kind: "release"}
	return env, d.enqueueFrom(env, func(w io.Writer) error { return rel.writeMessage(w, body) })
}

// enqueueFrom queues the message write produces, streaming it into the spool.
func (d *Delivery) enqueueFrom(env queue.Envelope, write func(io.Writer) error) error {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(write(pw)) }() // ends when write returns; Enqueue drains the pipe
	if err := d.q.Enqueue(queue.Message{Env: env, Body: pr}); err != nil {
		pr.CloseWithError(err)
		return err
	}
	return nil
}
