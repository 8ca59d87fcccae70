package smtp

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"time"

	"github.com/sekisho/sekisho/gateway/metrics"
	"github.com/sekisho/sekisho/quarantine"
	"github.com/sekisho/sekisho/sanitize"
)

// job is one message ready for delivery: either just sanitized (its original still in
// incoming/) or taken from queue/ for a retry.
type job struct {
	env          Envelope
	body         func() (io.ReadCloser, error)
	fromIncoming bool
	out          *sanitize.Spool // the sanitized message when fromIncoming
}

type serverMetrics struct {
	accepted, rejected, delivered, deferred, bounced, quarantined *metrics.Counter
	acceptLatency, sanitizeLatency, deliveryLatency               *metrics.Histogram
}

func newServerMetrics(r *metrics.Registry, s *Server) *serverMetrics {
	m := &serverMetrics{
		accepted:        r.Counter("sekisho_smtp_accepted_total", "Messages accepted with 250.", ""),
		rejected:        r.Counter("sekisho_smtp_rejected_total", "Transactions or connections refused, by reason.", "reason"),
		delivered:       r.Counter("sekisho_delivered_total", "Recipient deliveries that succeeded.", ""),
		deferred:        r.Counter("sekisho_deferred_total", "Recipient deliveries that failed temporarily.", ""),
		bounced:         r.Counter("sekisho_bounced_total", "Recipients that failed permanently (a DSN was generated unless the sender was null).", ""),
		quarantined:     r.Counter("sekisho_quarantined_total", "Whole messages held in quarantine, by verdict.", "verdict"),
		acceptLatency:   r.Histogram("sekisho_smtp_accept_seconds", "Time from DATA to the 250 reply (spool write and fsync).", metrics.DefBuckets),
		sanitizeLatency: r.Histogram("sekisho_sanitize_seconds", "Time to sanitize one message.", metrics.DefBuckets),
		deliveryLatency: r.Histogram("sekisho_delivery_seconds", "Time to deliver one message to its next hops.", metrics.DefBuckets),
	}
	r.GaugeFunc("sekisho_queue_depth", "Messages in the spool, by state.", "state", func() map[string]float64 {
		in, _ := s.spool.ListIncoming()
		q, _ := s.spool.ListQueue()
		return map[string]float64{"incoming": float64(len(in)), "queue": float64(len(q))}
	})
	return m
}

func (s *Server) startWorkers() {
	for i := 0; i < s.o.SanitizeWorkers; i++ {
		s.wg.Add(1)
		go func() { // exits when the server context ends
			defer s.wg.Done()
			for {
				select {
				case <-s.ctx.Done():
					return
				case id := <-s.incoming:
					s.process(id)
				}
			}
		}()
	}
	for i := 0; i < s.o.DeliveryWorkers; i++ {
		s.wg.Add(1)
		go func() { // exits when the server context ends
			defer s.wg.Done()
			for {
				select {
				case <-s.ctx.Done():
					return
				case j := <-s.deliverC:
					s.deliverJob(j)
				}
			}
		}()
	}
	s.wg.Add(1)
	go func() { // the scanner: recovery at start, then periodic; exits with the context
		defer s.wg.Done()
		s.scan()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		n := 0
		for {
			select {
			case <-s.ctx.Done():
				return
			case <-t.C:
				n++
				s.takeReleases()
				s.scanQueue()
				if n%5 == 0 {
					s.scanIncoming()
				}
			}
		}
	}()
}

func (s *Server) scan() {
	s.scanIncoming()
	s.takeReleases()
	s.scanQueue()
}

// scanIncoming schedules accepted messages that no worker has: after a restart, all of
// them; later, those that did not fit the channel.
func (s *Server) scanIncoming() {
	ids, err := s.spool.ListIncoming()
	if err != nil {
		s.log.Error("spool scan failed", "err", err)
		return
	}
	for _, id := range ids {
		if _, busy := s.inflight.LoadOrStore(id, struct{}{}); busy {
			continue
		}
		select {
		case s.incoming <- id:
		case <-s.ctx.Done():
			s.inflight.Delete(id)
			return
		default:
			s.inflight.Delete(id)
			return
		}
	}
}

// scanQueue dispatches queued messages whose retry time has come. New queue entries from
// other processes (quarantine release) are picked up here too.
func (s *Server) scanQueue() {
	ids, err := s.spool.ListQueue()
	if err != nil {
		s.log.Error("queue scan failed", "err", err)
		return
	}
	now := s.o.Now()
	for _, id := range ids {
		if _, busy := s.inflight.Load(id); busy {
			continue
		}
		// A deferred backlog can be large: its retry times are cached so a scan reads
		// only the envelopes that are due or new.
		if t, ok := s.nextTry.Load(id); ok && t.(time.Time).After(now) {
			continue
		}
		env, err := s.spool.ReadEnv(id)
		if err != nil {
			continue
		}
		s.nextTry.Store(id, env.NextTry)
		if env.NextTry.After(now) {
			continue
		}
		if _, busy := s.inflight.LoadOrStore(id, struct{}{}); busy {
			continue
		}
		qid := id
		j := &job{env: env, body: func() (io.ReadCloser, error) { return s.spool.OpenQueued(qid) }}
		select {
		case s.deliverC <- j:
		case <-s.ctx.Done():
			s.inflight.Delete(id)
			return
		default:
			s.inflight.Delete(id)
			return
		}
	}
}

// process sanitizes one accepted message and hands it to delivery, or quarantines it.
func (s *Server) process(id string) {
	handedOff := false
	defer func() {
		if !handedOff {
			s.inflight.Delete(id)
		}
	}()
	in, err := s.spool.OpenIncoming(id)
	if errors.Is(err, os.ErrNotExist) {
		return
	}
	if err != nil {
		s.log.Error("unreadable spool file", "queue_id", id, "err", err)
		return
	}
	log := s.log.With("queue_id", id)
	start := time.Now()
	ctx, cancel := context.WithTimeout(s.ctx, s.o.SanitizeTimeout)
	out := sanitize.NewSpool(sanitize.SpoolOptions{Dir: s.o.TempDir, Max: max(4*s.o.MaxMessageBytes, 64<<20), LimitKey: "smtp.max_message_size"})
	// The envelope travels with the item, so that attachments the mail family holds are
	// recorded with the message's sender, recipients and queue ID.
	item := &sanitize.Item{Body: in.Body, Path: "message", DeclaredType: "message/rfc822",
		Origin: &sanitize.Origin{Ref: in.Env.ID, From: in.Env.From, Rcpts: in.Env.Rcpts}}
	res, serr := s.san.Sanitize(ctx, item, out, sanitize.NewBudget(s.o.Limits))
	cancel()
	s.metrics.sanitizeLatency.Observe(time.Since(start).Seconds())
	if s.ctx.Err() != nil {
		// Shutting down: leave the message in incoming/ for the next start.
		in.File.Close()
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
		q, err := s.hold.Put(s.ctx, rec, io.NewSectionReader(in.Body, 0, in.Body.Size()), quarantine.System)
		in.File.Close()
		if err != nil {
			log.Error("quarantine failed, message stays in the spool", "err", err)
			return
		}
		s.spool.RemoveIncoming(id)
		s.metrics.quarantined.Inc(verdict)
		log.Info("quarantined", "quarantine_id", q.ID, "verdict", verdict, "reason", reason)
		return
	}
	in.File.Close()
	log.Info("sanitized", "verdict", res.Verdict, "actions", len(res.Actions), "bytes", out.Size(), "duration_ms", time.Since(start).Milliseconds())
	j := &job{env: in.Env, fromIncoming: true, out: out, body: func() (io.ReadCloser, error) {
		return io.NopCloser(io.NewSectionReader(out, 0, out.Size())), nil
	}}
	select {
	case s.deliverC <- j:
		handedOff = true
	case <-s.ctx.Done():
		out.Remove()
	}
}

// deliverJob delivers one message to every remaining recipient and records the outcome:
// delivered recipients are done, temporary failures are retried later, permanent ones
// bounce. The source file is removed only after the successor state is durable.
func (s *Server) deliverJob(j *job) {
	defer s.inflight.Delete(j.env.ID)
	if j.out != nil {
		defer j.out.Remove()
	}
	log := s.log.With("queue_id", j.env.ID)
	start := time.Now()
	now := s.o.Now()
	env := j.env
	var temp []string
	var lastErr string
	failed := env.Failed
	expired := !env.Received.IsZero() && now.Sub(env.Received) > s.o.Lifetime

	groups := map[string][]string{}
	routes := map[string]Route{}
	for _, rc := range env.Rcpts {
		r, ok := s.router.Lookup(rc)
		if !ok {
			failed = append(failed, RcptError{Rcpt: rc, Code: 550, Msg: "no route to recipient domain"})
			continue
		}
		groups[r.Key()] = append(groups[r.Key()], rc)
		routes[r.Key()] = r
	}
	if !expired {
		for k, rcpts := range groups {
			hop := routes[k].Transport + ":" + routes[k].Addr
			for _, res := range s.deliv.deliver(s.ctx, routes[k], env.ID, env.From, rcpts, j.body) {
				switch {
				case res.OK:
					s.metrics.delivered.Inc("")
					s.o.Metrics.Hops().Result(hop, "delivered", 1, nil)
					log.Info("delivered", "rcpt_domain", domainOf(res.Rcpt), "relay", routes[k].Addr, "reply", res.Code)
				case res.Permanent:
					failed = append(failed, RcptError{Rcpt: res.Rcpt, Code: res.Code, Msg: res.Msg})
					s.o.Metrics.Hops().Result(hop, "bounced", 1, nil)
					log.Info("rejected by next hop", "rcpt_domain", domainOf(res.Rcpt), "reply", res.Code, "err", res.Msg)
				default:
					temp = append(temp, res.Rcpt)
					lastErr = res.Msg
					s.metrics.deferred.Inc("")
					s.o.Metrics.Hops().Result(hop, "deferred", 1, errors.New(res.Msg))
				}
			}
		}
	} else {
		for _, rcpts := range groups {
			for _, rc := range rcpts {
				failed = append(failed, RcptError{Rcpt: rc, Code: 451, Msg: "delivery time expired; last error: " + env.LastError})
			}
		}
	}
	s.metrics.deliveryLatency.Observe(time.Since(start).Seconds())
	if s.ctx.Err() != nil && len(temp) > 0 && j.fromIncoming {
		// Interrupted by shutdown before anything durable changed: the original in
		// incoming/ is processed again at the next start.
		return
	}

	if len(failed) > 0 {
		if err := s.bounce(env, failed, j.body); err != nil {
			log.Error("bounce not queued; keeping the message for another try", "err", err)
			return
		}
	}
	if len(temp) > 0 {
		next := env
		next.Rcpts, next.Failed = temp, nil
		next.Attempts++
		next.LastError = lastErr
		next.NextTry = now.Add(s.backoff(next.Attempts))
		var err error
		if j.fromIncoming {
			err = s.spool.Enqueue(next, io.NewSectionReader(j.out, 0, j.out.Size()))
		} else {
			err = s.spool.UpdateEnv(next)
		}
		s.nextTry.Store(env.ID, next.NextTry)
		if err != nil {
			log.Error("could not record deferral; will retry from the old state", "err", err)
			return
		}
		log.Info("deferred", "rcpts", len(temp), "attempt", next.Attempts, "next_try", next.NextTry, "err", lastErr)
		if j.fromIncoming {
			s.spool.RemoveIncoming(env.ID)
		}
		return
	}
	if j.fromIncoming {
		s.spool.RemoveIncoming(env.ID)
	} else {
		s.spool.RemoveQueued(env.ID)
		s.nextTry.Delete(env.ID)
	}
}

// backoff is exponential with ±20% jitter, capped at RetryMax.
func (s *Server) backoff(attempt int) time.Duration {
	d := s.o.RetryBase
	for i := 1; i < attempt && d < s.o.RetryMax; i++ {
		d *= 2
	}
	d = min(d, s.o.RetryMax)
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

// bounce queues a DSN to the envelope sender. The null sender and DSNs themselves never
// get one (RFC 5321 §4.5.5), which rules out bounce loops.
func (s *Server) bounce(env Envelope, failed []RcptError, body func() (io.ReadCloser, error)) error {
	for range failed {
		s.metrics.bounced.Inc("")
	}
	if env.From == "" || env.Kind == "dsn" {
		s.log.Info("not bouncing to the null sender", "queue_id", env.ID, "rcpts", len(failed))
		return nil
	}
	var headers []byte
	if rc, err := body(); err == nil {
		headers = readHeaders(rc)
		rc.Close()
	}
	now := s.o.Now()
	dsn := Envelope{ID: NewID(now), From: "", Rcpts: []string{env.From}, Received: now, Kind: "dsn"}
	pr, pw := io.Pipe()
	go func() { // ends when buildDSN returns; the pipe is drained by Enqueue
		pw.CloseWithError(buildDSN(pw, s.o.Hostname, dsn.ID, env, failed, headers, now))
	}()
	if err := s.spool.Enqueue(dsn, pr); err != nil {
		pr.CloseWithError(err)
		return err
	}
	s.log.Info("bounce queued", "queue_id", env.ID, "dsn_id", dsn.ID, "rcpts", len(failed))
	return nil
}
