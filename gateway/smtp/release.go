package smtp

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/textproto"
	"os"
	"strings"
	"time"

	"github.com/sekisho/sekisho/quarantine"
	"github.com/sekisho/sekisho/sanitize"
)

// holdInfo travels in the context of a sanitize job so the attachment holder can fill the
// quarantine record with the envelope and subject.
type holdInfo struct {
	Env     Envelope
	Subject string
}

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
	if hi, ok := ctx.Value(envKey{}).(holdInfo); ok {
		rec.QueueID, rec.MailFrom, rec.Rcpts, rec.Subject = hi.Env.ID, hi.Env.From, hi.Env.Rcpts, hi.Subject
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
	return fmt.Sprintf("%s/%d/%s", hostname, os.Getpid(), NewID(time.Now())[16:])
}

// takeReleases claims the release hand-offs the quarantine recorded (from this process, the
// CLI or the portal, on any node), queues each durably and only then marks it done: a
// crash in between delivers the item twice, never loses it.
func (s *Server) takeReleases() {
	hs, err := s.hold.ClaimHandoffs(s.ctx, s.owner, handoffLease, 64)
	if err != nil {
		if s.ctx.Err() == nil {
			s.log.Error("cannot read released items", "err", err)
		}
		return
	}
	for _, h := range hs {
		log := s.log.With("quarantine_id", h.ItemID)
		env, err := s.queueRelease(h)
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
		if err := s.hold.FinishHandoff(s.ctx, h); err != nil {
			log.Error("release queued but not marked done; it may be delivered twice", "err", err)
		}
	}
}

// queueRelease builds the message for one hand-off and enqueues it. A whole message goes
// out as it arrived, marked with an X-Sekisho-Released header; a held attachment goes out
// in a new message that says an operator released it.
func (s *Server) queueRelease(h quarantine.Handoff) (Envelope, error) {
	rec, err := s.hold.Get(s.ctx, h.ItemID)
	if err != nil {
		return Envelope{}, err
	}
	body, err := s.hold.Open(s.ctx, h.ItemID)
	if err != nil {
		return Envelope{}, err
	}
	defer body.Close()
	now := s.o.Now()
	env := Envelope{ID: NewID(now), Rcpts: h.Rcpts, Received: now, Kind: "release"}
	if rec.Kind == quarantine.KindMessage {
		env.From = rec.MailFrom // a whole message keeps its sender; notices use the null sender
	}
	pr, pw := io.Pipe()
	go func() { // ends when the message is written; Enqueue drains the pipe
		var err error
		if rec.Kind == quarantine.KindMessage {
			_, err = fmt.Fprintf(pw, "X-Sekisho-Released: %s by operator %s; %s\r\n", rec.ID, headerSafe(string(h.Actor)), now.Format(time.RFC1123Z))
			if err == nil {
				_, err = io.Copy(pw, body)
			}
		} else {
			err = writeReleasedAttachment(pw, s.o.Hostname, rec, body, string(h.Actor), now)
		}
		pw.CloseWithError(err)
	}()
	if err := s.spool.Enqueue(env, pr); err != nil {
		pr.CloseWithError(err)
		return env, err
	}
	return env, nil
}

func headerSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

func writeReleasedAttachment(w io.Writer, hostname string, rec quarantine.Record, body io.Reader, actor string, now time.Time) error {
	mw := multipart.NewWriter(w)
	name := rec.FileName
	if name == "" {
		name = "attachment.bin"
	}
	subj := "隔離解除された添付ファイル / Released attachment: " + name
	fmt.Fprintf(w, "From: sekisho <postmaster@%s>\r\n", hostname)
	fmt.Fprintf(w, "To: %s\r\n", strings.Join(wrapAddrs(rec.Rcpts), ", "))
	fmt.Fprintf(w, "Subject: %s\r\n", mime.BEncoding.Encode("utf-8", subj))
	fmt.Fprintf(w, "Date: %s\r\nMessage-ID: <%s.release@%s>\r\n", now.Format(time.RFC1123Z), rec.ID, hostname)
	fmt.Fprintf(w, "X-Sekisho-Released: %s by operator %s\r\nMIME-Version: 1.0\r\n", rec.ID, headerSafe(actor))
	fmt.Fprintf(w, "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n", mw.Boundary())

	tp, err := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {"text/plain; charset=utf-8"}, "Content-Transfer-Encoding": {"quoted-printable"}})
	if err != nil {
		return err
	}
	qp := quotedprintable.NewWriter(tp)
	fmt.Fprintf(qp, "隔離されていた添付ファイルを、運用担当者 (%s) が確認のうえ解除しました。\r\n", actor)
	fmt.Fprintf(qp, "  隔離ID: %s\r\n  ファイル名: %s\r\n  元の差出人: %s\r\n  元の件名: %s\r\n  隔離理由: %s\r\n\r\n", rec.ID, name, rec.MailFrom, rec.Subject, rec.Reason)
	fmt.Fprintf(qp, "This attachment was held in quarantine and has been released by an operator (%s).\r\n", actor)
	fmt.Fprintf(qp, "  Quarantine ID: %s\r\n  File: %s\r\n  Original sender: %s\r\n  Original subject: %s\r\n  Reason held: %s\r\n", rec.ID, name, rec.MailFrom, rec.Subject, rec.Reason)
	qp.Close()

	ct := rec.DeclaredType
	if _, _, err := mime.ParseMediaType(ct); err != nil || ct == "" {
		ct = "application/octet-stream"
	}
	disp := mime.FormatMediaType("attachment", map[string]string{"filename": name})
	ap, err := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {ct}, "Content-Disposition": {disp}, "Content-Transfer-Encoding": {"base64"}})
	if err != nil {
		return err
	}
	enc := base64.NewEncoder(base64.StdEncoding, &lineWrapper{w: ap})
	if _, err := io.Copy(enc, body); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	return mw.Close()
}

func wrapAddrs(as []string) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = "<" + a + ">"
	}
	return out
}

// lineWrapper breaks base64 output into 76-column lines (RFC 2045).
type lineWrapper struct {
	w   io.Writer
	col int
}

func (l *lineWrapper) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		k := min(76-l.col, len(p))
		if _, err := l.w.Write(p[:k]); err != nil {
			return n, err
		}
		n += k
		l.col += k
		p = p[k:]
		if l.col == 76 {
			if _, err := l.w.Write([]byte("\r\n")); err != nil {
				return n, err
			}
			l.col = 0
		}
	}
	return n, nil
}
