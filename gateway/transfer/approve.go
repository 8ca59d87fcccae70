package transfer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/sekisho/sekisho/gateway/portal/accounts"
	"github.com/sekisho/sekisho/quarantine"
	"github.com/sekisho/sekisho/sanitize"
)

// ErrSelfApproval: nobody decides on their own transfer.
var ErrSelfApproval = errors.New("transfer: the sender cannot approve their own transfer")

// autoActor is the approver recorded when a rule approved.
const autoActor = "auto-rule"

// submit routes a processed outbound transfer: an auto-approval rule sends it at once;
// post (事後確認) sends it and leaves a review for the approvers; pre (事前承認) waits.
func (s *Service) submit(ctx context.Context, t Transfer, fs []File) error {
	d := s.Department(t.Owner)
	now := s.now().UTC()
	switch rule, ok := matchRules(d.Rules, t, fs); {
	case ok:
		t.State, t.Approval, t.Approver, t.Decided = Sent, ApprovalAuto, autoActor, now
		t.DecisionReason = "auto-approval rule " + rule
	case t.Mode == "post":
		t.State, t.Approval = Sent, ApprovalPending
	default:
		t.State, t.Approval = Pending, ApprovalPending
	}
	t.Updated = now
	if err := s.st.updateTransfer(ctx, t, Processing); err != nil {
		return err
	}
	detail := fmt.Sprintf("mode=%s; approval=%s", t.Mode, t.Approval)
	if t.Approval == ApprovalAuto {
		detail += "; " + t.DecisionReason
	}
	if err := s.audit(ctx, "transfer-submit", t.ID, t.Owner, "", detail); err != nil {
		s.log.Error("transfer submit not audited", "transfer", t.ID, "err", err)
	}
	if t.State == Sent {
		if err := s.sendLinks(ctx, t, fs); err != nil {
			return err
		}
	}
	if t.Approval == ApprovalPending {
		s.notifyApprovers(ctx, t, fs)
	}
	return nil
}

// matchRules returns the first rule whose every set condition holds for every file that
// will be sent and every recipient.
func matchRules(rules []Rule, t Transfer, fs []File) (string, bool) {
	for i, r := range rules {
		if r.MaxSize == 0 && len(r.Types) == 0 && len(r.Domains) == 0 {
			continue // a rule without a condition approves nothing
		}
		ok := true
		for _, f := range fs {
			if f.State != Available {
				continue
			}
			if r.MaxSize > 0 && f.OutSize > r.MaxSize {
				ok = false
			}
			if len(r.Types) > 0 && !typeListed(r.Types, f) {
				ok = false
			}
		}
		for _, a := range t.Recipients {
			if len(r.Domains) > 0 && !domainListed(r.Domains, a) {
				ok = false
			}
		}
		if ok {
			return fmt.Sprint(i + 1), true
		}
	}
	return "", false
}

func typeListed(types []string, f File) bool {
	class := classOf(f.Detected)
	for _, t := range types {
		t = strings.ToLower(t)
		if t == f.Detected || t != "" && t == class {
			return true
		}
	}
	return false
}

func domainListed(domains []string, addr string) bool {
	i := strings.LastIndexByte(addr, '@')
	if i < 0 {
		return false
	}
	dom := strings.ToLower(addr[i+1:])
	for _, d := range domains {
		d = strings.ToLower(d)
		if strings.HasPrefix(d, ".") && strings.HasSuffix(dom, d) || dom == d {
			return true
		}
	}
	return false
}

// CanApprove reports whether user (with roles) may decide on t: never the sender; the
// department's approvers and deputies when it lists them, else anyone with the approver
// role. It says whether the user acts as a deputy.
func (s *Service) CanApprove(t Transfer, user string, roles accounts.Roles) (ok, deputy bool) {
	if t.Direction != Outbound || strings.EqualFold(t.Owner, user) {
		return false, false
	}
	d := s.Department(t.Owner)
	if len(d.Approvers) == 0 && len(d.Deputies) == 0 {
		return roles.Has(accounts.Approver), false
	}
	if containsFold(d.Approvers, user) {
		return true, false
	}
	if containsFold(d.Deputies, user) {
		return true, true
	}
	return false, false
}

// ApproverNames lists who may approve transfers of owner (for notices): the department's
// approvers and deputies, or every enabled approver.
func (s *Service) approverNames(ctx context.Context, owner string) []string {
	d := s.Department(owner)
	if len(d.Approvers) > 0 || len(d.Deputies) > 0 {
		return slices.Concat(d.Approvers, d.Deputies)
	}
	if s.o.Accounts == nil {
		return nil
	}
	us, err := s.o.Accounts.Users(ctx)
	if err != nil {
		return nil
	}
	var out []string
	for _, u := range us {
		if !u.Disabled && u.Roles.Has(accounts.Approver) && !strings.EqualFold(u.Name, owner) {
			out = append(out, u.Name)
		}
	}
	return out
}

// Decide records an approver's decision on an outbound transfer waiting for approval
// (pre) or review (post). Approving a pre transfer sends its links; rejecting a post one
// revokes them.
func (s *Service) Decide(ctx context.Context, id, user string, roles accounts.Roles, approve bool, reason, ip string) (Transfer, error) {
	t, fs, err := s.Transfer(ctx, id)
	if err != nil {
		return t, err
	}
	if strings.EqualFold(t.Owner, user) {
		return t, ErrSelfApproval
	}
	ok, deputy := s.CanApprove(t, user, roles)
	if !ok {
		return t, ErrNotFound
	}
	if t.Approval != ApprovalPending || (t.State != Pending && t.State != Sent) {
		return t, ErrState
	}
	reason = cleanText(reason, 500)
	if !approve && reason == "" {
		return t, quarantine.ErrReason
	}
	prev := t.State
	now := s.now().UTC()
	t.Approver, t.Decided, t.DecisionReason, t.Updated = user, now, reason, now
	if deputy {
		t.DecisionReason = strings.TrimSpace("(deputy) " + reason)
	}
	action := "transfer-approve"
	if approve {
		t.Approval = ApprovalApproved
		t.State = Sent
	} else {
		action = "transfer-reject"
		t.Approval, t.State = ApprovalRejected, Rejected
	}
	if err := s.st.updateTransfer(ctx, t, prev); err != nil {
		return t, err
	}
	if err := s.audit(ctx, action, id, user, ip, fmt.Sprintf("mode=%s; deputy=%v; reason=%s", t.Mode, deputy, oneLine(reason))); err != nil {
		return t, err
	}
	switch {
	case approve && prev == Pending:
		if err := s.sendLinks(ctx, t, fs); err != nil {
			return t, err
		}
	case !approve:
		if err := s.revokeLinks(ctx, id); err != nil {
			return t, err
		}
		s.removeFiles(ctx, id)
	}
	s.notifyOwner(ctx, t, fs)
	return t, nil
}

// classOf is the class of a detected type name ("" when unknown).
func classOf(name string) string {
	for _, t := range sanitize.KnownTypes() {
		if t.Name == name {
			return string(t.Class)
		}
	}
	return ""
}
