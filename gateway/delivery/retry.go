package delivery

import (
	"errors"
	"io"
	"math/rand/v2"
	"time"

	"github.com/sekisho/sekisho/gateway/queue"
)

// deliverJob delivers one message to every remaining recipient and records the outcome:
// delivered recipients are done, temporary failures are retried later, permanent ones
// bounce. The source file is removed only after the successor state is durable.
func (d *Delivery) deliver(j *job) {
	defer d.inflight.Delete(j.env.ID)
	if j.out != nil {
		defer j.out.Remove()
	}
	log := d.log.With("queue_id", j.env.ID)
	start := time.Now()
	now := d.o.Now()
	env := j.env
	var temp []string
	var lastErr, lastReply string
	failed := env.Failed
	expired := !env.Received.IsZero() && now.Sub(env.Received) > d.o.Lifetime

	groups := map[string][]string{}
	routes := map[string]Route{}
	for _, rc := range env.Rcpts {
		r, ok := d.router.Lookup(rc)
		if !ok {
			failed = append(failed, queue.RcptError{Rcpt: rc, Code: 550, Status: "5.4.4", Msg: "no route to recipient domain"})
			continue
		}
		groups[r.Key()] = append(groups[r.Key()], rc)
		routes[r.Key()] = r
	}
	if !expired {
		for k, rcpts := range groups {
			hop := routes[k].Transport + ":" + routes[k].Addr
			for _, res := range d.hops.deliver(d.ctx, routes[k], env.ID, env.From, rcpts, j.body) {
				switch {
				case res.OK:
					d.m.delivered.Inc("")
					d.m.hops.Result(hop, "delivered", 1, nil)
					log.Info("delivered", "rcpt_domain", domainOf(res.Rcpt), "relay", routes[k].Addr, "reply", res.Code)
				case res.Permanent:
					failed = append(failed, queue.RcptError{Rcpt: res.Rcpt, Code: res.Code, Msg: res.Msg, Status: res.Status, Reply: res.Reply})
					d.m.hops.Result(hop, "bounced", 1, nil)
					log.Info("rejected by next hop", "rcpt_domain", domainOf(res.Rcpt), "reply", res.Code, "err", res.Msg)
				default:
					temp = append(temp, res.Rcpt)
					lastErr, lastReply = res.Msg, res.Reply
					d.m.deferred.Inc("")
					d.m.hops.Result(hop, "deferred", 1, errors.New(res.Msg))
				}
			}
		}
	} else {
		for _, rcpts := range groups {
			for _, rc := range rcpts {
				failed = append(failed, queue.RcptError{Rcpt: rc, Code: 451, Status: "4.4.7",
					Msg: "delivery time expired; last error: " + env.LastError, Reply: env.LastReply})
			}
		}
	}
	d.m.deliveryLatency.Observe(time.Since(start).Seconds())
	if d.ctx.Err() != nil && len(temp) > 0 && j.fromIncoming {
		// Interrupted by shutdown before anything durable changed: the original in
		// incoming/ is processed again at the next start.
		return
	}

	var unbounced []queue.RcptError
	if len(failed) > 0 {
		if err := d.bounce(env, failed, j.body); err != nil {
			// Keep only what is left to do: the refused recipients wait in the envelope
			// for another try of the bounce, and those already delivered are not tried
			// again (they were, every retry, before).
			log.Error("bounce not queued; it is tried again with the message", "err", err)
			unbounced = failed
		}
	}
	if len(temp) > 0 || len(unbounced) > 0 {
		next := env
		next.Rcpts, next.Failed = temp, unbounced
		next.Attempts++
		if len(temp) > 0 {
			next.LastError, next.LastReply = lastErr, lastReply
		}
		next.NextTry = now.Add(d.backoff(next.Attempts))
		var err error
		if j.fromIncoming {
			err = d.q.Enqueue(queue.Message{Env: next, Body: io.NewSectionReader(j.out, 0, j.out.Size())})
		} else {
			err = d.q.Update(next)
		}
		if err != nil {
			log.Error("could not record deferral; will retry from the old state", "err", err)
			return
		}
		log.Info("deferred", "rcpts", len(temp), "unbounced", len(unbounced), "attempt", next.Attempts, "next_try", next.NextTry, "err", lastErr)
		if j.fromIncoming {
			d.q.RemoveIncoming(env.ID)
		}
		return
	}
	if j.fromIncoming {
		d.q.RemoveIncoming(env.ID)
	} else {
		d.q.Remove(env.ID)
	}
}

// backoff is exponential with ±20% jitter, capped at RetryMax.
func (d *Delivery) backoff(attempt int) time.Duration {
	b := d.o.RetryBase
	for i := 1; i < attempt && b < d.o.RetryMax; i++ {
		b *= 2
	}
	b = min(b, d.o.RetryMax)
	return time.Duration(float64(b) * (0.8 + 0.4*rand.Float64()))
}

// bounce queues a DSN to the envelope sender. The null sender and DSNs themselves never
// get one (RFC 5321 §4.5.5), which rules out bounce loops.
func (d *Delivery) bounce(env queue.Envelope, failed []queue.RcptError, body func() (io.ReadCloser, error)) error {
	if env.From == "" || env.Kind == "dsn" {
		d.m.bounced.Add("", float64(len(failed)))
		d.log.Info("not bouncing to the null sender", "queue_id", env.ID, "rcpts", len(failed))
		return nil
	}
	var headers []byte
	if rc, err := body(); err == nil {
		headers = readHeaders(rc)
		rc.Close()
	}
	now := d.o.Now()
	dsn := queue.Envelope{ID: queue.NewID(now), From: "", Rcpts: []string{env.From}, Received: now, Kind: "dsn"}
	pr, pw := io.Pipe()
	go func() { // ends when buildDSN returns; the pipe is drained by Enqueue
		pw.CloseWithError(buildDSN(pw, d.o.Hostname, dsn.ID, env, failed, headers, now))
	}()
	if err := d.q.Enqueue(queue.Message{Env: dsn, Body: pr}); err != nil {
		pr.CloseWithError(err)
		return err
	}
	d.m.bounced.Add("", float64(len(failed))) // counted once, when the DSN is queued
	d.log.Info("bounce queued", "queue_id", env.ID, "dsn_id", dsn.ID, "rcpts", len(failed))
	return nil
}
