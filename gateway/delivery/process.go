package delivery

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/sekisho/sekisho/gateway/queue"
	"github.com/sekisho/sekisho/quarantine"
	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/mail"
)

// job is one message ready for delivery: either just sanitized (its original still
// incoming) or a queued one, due for a first try or a retry.
type job struct {
	env          queue.Envelope
	body         func() (io.ReadCloser, error)
	fromIncoming bool
	out          *sanitize.Spool // the sanitized message when fromIncoming
}

// process sanitizes one accepted message and hands it to a delivery worker, or
// quarantines it.
func (d *Delivery) process(id string) {
	handedOff := false
	defer func() {
		if !handedOff {
			d.inflight.Delete(id)
		}
	}()
	in, err := d.q.OpenIncoming(id)
	if errors.Is(err, os.ErrNotExist) {
		return
	}
	if err != nil {
		d.log.Error("unreadable queued message", "queue_id", id, "err", err)
		return
	}
	log := d.log.With("queue_id", id)
	start := time.Now()
	ctx, cancel := context.WithTimeout(d.ctx, d.o.SanitizeTimeout)
	out := sanitize.NewSpool(sanitize.SpoolOptions{Dir: d.o.TempDir, Max: max(4*d.o.MaxMessageBytes, 64<<20), LimitKey: "smtp.max_message_size"})
	// The envelope travels with the item, so that attachments the mail family holds are
	// recorded with the message's sender, recipients and queue ID.
	item := &sanitize.Item{Body: in.Body, Path: "message", DeclaredType: "message/rfc822",
		Origin: &sanitize.Origin{Ref: in.Env.ID, From: in.Env.From, Rcpts: in.Env.Rcpts}}
	res, serr := d.san.Sanitize(ctx, item, sanitize.ItemSpool{Spool: out}, sanitize.NewBudget(d.o.Limits))
	cancel()
	d.m.sanitizeLatency.Observe(time.Since(start).Seconds())
	if d.ctx.Err() != nil {
		// Shutting down: leave the message incoming for the next start.
		in.Close()
		out.Remove()
		return
	}
	if serr != nil || !res.Verdict.HasOutput() {
		out.Remove()
		reason := res.Reason
		if serr != nil {
			reason = serr.Error()
		}
		verdict := string(res.Verdict)
		if verdict == "" {
			verdict = string(sanitize.Quarantined)
		}
		rec := quarantine.Record{Kind: quarantine.KindMessage, Direction: quarantine.Inbound, QueueID: id, MailFrom: in.Env.From,
			Rcpts: in.Env.Rcpts, Subject: res.Subject, DeclaredType: "message/rfc822", DetectedType: "message/rfc822", Reason: reason}
		q, err := d.store.Put(d.ctx, rec, io.NewSectionReader(in.Body, 0, in.Body.Size()), quarantine.System)
		in.Close()
		if err != nil {
			log.Error("quarantine failed, message stays in the spool", "err", err)
			return
		}
		if d.o.NotifyQuarantined {
			d.notifyQuarantined(in.Env, q, res.Verdict, log)
		}
		d.q.RemoveIncoming(id)
		d.m.quarantined.Inc(verdict)
		log.Info("quarantined", "quarantine_id", q.ID, "verdict", verdict, "reason", reason)
		return
	}
	in.Close()
	log.Info("sanitized", "verdict", res.Verdict, "actions", len(res.Actions), "bytes", out.Size(), "duration_ms", time.Since(start).Milliseconds())
	j := &job{env: in.Env, fromIncoming: true, out: out, body: func() (io.ReadCloser, error) {
		return io.NopCloser(io.NewSectionReader(out, 0, out.Size())), nil
	}}
	select {
	case d.ready <- j:
		handedOff = true
	case <-d.ctx.Done():
		out.Remove()
	}
}

// notifyQuarantined queues the notice to the recipients of a message quarantined whole. It
// is sent from the null sender (RFC 5321 §4.5.5), so it is never bounced, and delivered as
// it is: sekisho wrote it. A failure is logged; the message stays held either way.
func (d *Delivery) notifyQuarantined(env queue.Envelope, rec quarantine.Record, v sanitize.Verdict, log *slog.Logger) {
	if len(env.Rcpts) == 0 {
		return
	}
	now := d.o.Now()
	n := queue.Envelope{ID: queue.NewID(now), From: "", Rcpts: env.Rcpts, Received: now, Kind: "notice"}
	if v == "" {
		v = sanitize.Quarantined
	}
	url := ""
	if d.o.ReleaseURL != nil {
		url = d.o.ReleaseURL(rec.ID)
	}
	pr, pw := io.Pipe()
	go func() { // ends when the notice is written; the pipe is drained by Enqueue
		pw.CloseWithError(mail.WriteQuarantineNotice(pw, mail.QuarantinedMessage{ID: rec.ID, From: env.From, Subject: rec.Subject,
			Reason: rec.Reason, Verdict: v, Received: env.Received, Rcpts: env.Rcpts, Hostname: d.o.Hostname,
			ReleaseContact: d.o.ReleaseContact, ReleaseURL: url, Now: now}))
	}()
	if err := d.q.Enqueue(queue.Message{Env: n, Body: pr}); err != nil {
		pr.CloseWithError(err)
		log.Error("quarantine notice not queued", "quarantine_id", rec.ID, "err", err)
		return
	}
	log.Info("quarantine notice queued", "quarantine_id", rec.ID, "notice_id", n.ID, "rcpts", len(n.Rcpts))
}
