package quarantine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ReleaseRequest says who releases an item, why, and to whom.
type ReleaseRequest struct {
	Actor  Actor
	Reason string   // required: it goes to the audit log and the item's history
	Rcpts  []string // a subset of the item's recipients; empty means all of them
}

// recipients checks r.Rcpts against the record: a release never adds an address, or an
// operator's typo would send a held original outside.
func (r ReleaseRequest) recipients(rec Record) ([]string, error) {
	if strings.TrimSpace(r.Reason) == "" {
		return nil, ErrReason
	}
	if r.Actor == "" {
		return nil, fmt.Errorf("quarantine: a release needs an actor")
	}
	if len(r.Rcpts) == 0 {
		return rec.Rcpts, nil
	}
	var out []string
	for _, a := range r.Rcpts {
		i := slices.IndexFunc(rec.Rcpts, func(b string) bool { return strings.EqualFold(a, b) })
		if i < 0 {
			return nil, fmt.Errorf("quarantine: %s was not a recipient of %s", a, rec.ID)
		}
		out = append(out, rec.Rcpts[i])
	}
	return out, nil
}

// Release hands a held item to its recipients: the status becomes released and, for mail,
// a hand-off to the mail queue is recorded in the same transaction, which a running relay
// picks up (so the CLI and the portal release the same way, with or without a running
// relay). With Options.RequireApproval it fails with ErrApproval: use RequestRelease.
func (s *Service) Release(ctx context.Context, id string, r ReleaseRequest) (Record, error) {
	if s.approval {
		return Record{}, ErrApproval
	}
	rec, err := s.b.Get(ctx, id)
	if err != nil {
		return rec, err
	}
	rcpts, err := r.recipients(rec)
	if err != nil {
		return rec, err
	}
	return s.release(ctx, rec, []Status{Held}, ActRelease, r.Actor, r.Reason, rcpts, "")
}

func (s *Service) release(ctx context.Context, rec Record, from []Status, act Action, actor Actor, reason string, rcpts []string, detail string) (Record, error) {
	now := s.now().UTC()
	c := Change{Record: rec, From: from,
		Event: Event{Time: now, Action: act, Actor: actor, Reason: reason, Rcpts: rcpts, Detail: detail},
		Audit: AuditEntry{Time: now, Action: act, ID: rec.ID, Actor: actor, Reason: reason, Rcpts: rcpts, Detail: detail}}
	c.Record.Status = Released
	if len(rcpts) > 0 {
		c.Handoff = &Handoff{ItemID: rec.ID, Rcpts: rcpts, Actor: actor, Reason: reason, Created: now}
	}
	if err := s.b.Commit(ctx, c); err != nil {
		return rec, err
	}
	return s.b.Get(ctx, rec.ID)
}

// RequestRelease asks for a release that a second person approves (status
// release-requested).
func (s *Service) RequestRelease(ctx context.Context, id string, r ReleaseRequest) (Record, error) {
	rec, err := s.b.Get(ctx, id)
	if err != nil {
		return rec, err
	}
	rcpts, err := r.recipients(rec)
	if err != nil {
		return rec, err
	}
	return s.transition(ctx, rec, []Status{Held}, ReleaseRequested, Event{Action: ActReleaseRequest, Actor: r.Actor, Reason: r.Reason, Rcpts: rcpts})
}

// Approve releases an item whose release was requested, to the recipients and for the
// reason of the request. The approver must not be the person who asked (ErrApproval).
func (s *Service) Approve(ctx context.Context, id string, approver Actor, note string) (Record, error) {
	rec, err := s.b.Get(ctx, id)
	if err != nil {
		return rec, err
	}
	if rec.Status != ReleaseRequested {
		return rec, fmt.Errorf("%w: %s is %s", ErrState, id, rec.Status)
	}
	req := lastEvent(rec, ActReleaseRequest)
	if req == nil {
		return rec, fmt.Errorf("%w: %s has no release request", ErrState, id)
	}
	if req.Actor == approver {
		return rec, fmt.Errorf("%w: %s asked for this release", ErrApproval, approver)
	}
	detail := "requested by " + string(req.Actor)
	if note != "" {
		detail += ": " + note
	}
	return s.release(ctx, rec, []Status{ReleaseRequested}, ActApprove, approver, req.Reason, req.Rcpts, detail)
}

// Reject turns a release request down; the item is held again.
func (s *Service) Reject(ctx context.Context, id string, actor Actor, reason string) (Record, error) {
	if strings.TrimSpace(reason) == "" {
		return Record{}, ErrReason
	}
	rec, err := s.b.Get(ctx, id)
	if err != nil {
		return rec, err
	}
	return s.transition(ctx, rec, []Status{ReleaseRequested}, Held, Event{Action: ActReject, Actor: actor, Reason: reason})
}

func lastEvent(rec Record, a Action) *Event {
	for i := len(rec.History) - 1; i >= 0; i-- {
		if rec.History[i].Action == a {
			return &rec.History[i]
		}
	}
	return nil
}

// Delete removes an item's original; the record and its history stay for the audit.
func (s *Service) Delete(ctx context.Context, id string, actor Actor, reason string) (Record, error) {
	rec, err := s.b.Get(ctx, id)
	if err != nil {
		return rec, err
	}
	return s.transition(ctx, rec, []Status{Held, ReleaseRequested, Released}, Deleted, Event{Action: ActDelete, Actor: actor, Reason: reason})
}

// Purge expires every item older than age that still has its original, removing the
// originals, and returns how many it expired.
func (s *Service) Purge(ctx context.Context, age time.Duration, actor Actor) (int, error) {
	q := Query{Until: s.now().Add(-age), Status: []Status{Held, ReleaseRequested, Released}, Sort: SortTime, Asc: true, Limit: 500}
	n := 0
	for {
		page, err := s.b.Search(ctx, q)
		if err != nil || len(page.Records) == 0 {
			return n, err
		}
		for _, r := range page.Records {
			_, err := s.transition(ctx, r, q.Status, Expired, Event{Action: ActPurge, Actor: actor, Detail: "older than " + age.String()})
			switch {
			case errors.Is(err, ErrState):
				// Changed by someone else since the search: no longer ours to expire.
			case err != nil:
				return n, err
			default:
				n++
			}
		}
	}
}

// transition moves rec from one of from to status to, recording e.
func (s *Service) transition(ctx context.Context, rec Record, from []Status, to Status, e Event) (Record, error) {
	if e.Actor == "" {
		return rec, fmt.Errorf("quarantine: %s needs an actor", e.Action)
	}
	e.Time = s.now().UTC()
	c := Change{Record: rec, From: from, Event: e,
		Audit: AuditEntry{Time: e.Time, Action: e.Action, ID: rec.ID, Actor: e.Actor, Reason: e.Reason, Rcpts: e.Rcpts, Detail: e.Detail}}
	c.Record.Status = to
	if err := s.b.Commit(ctx, c); err != nil {
		return rec, err
	}
	if !to.HasOriginal() {
		if err := s.b.RemoveBlob(ctx, rec.ID); err != nil {
			s.log.Error("quarantine original not removed", "id", rec.ID, "err", err)
		}
	}
	rec.Status = to
	rec.History = append(rec.History, e)
	return rec, nil
}

// ClaimHandoffs leases up to max pending hand-offs to owner for lease; the caller queues
// each durably, then calls FinishHandoff. One that is not finished within the lease is
// handed out again.
func (s *Service) ClaimHandoffs(ctx context.Context, owner string, lease time.Duration, max int) ([]Handoff, error) {
	now := s.now()
	return s.b.ClaimHandoffs(ctx, owner, now, now.Add(lease), max)
}

// FinishHandoff marks a hand-off done.
func (s *Service) FinishHandoff(ctx context.Context, h Handoff) error {
	return s.b.FinishHandoff(ctx, h.ID)
}
