package queue

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"
)

// Formats a queue can be kept in.
const (
	FormatJournal = "journal" // group commit: several messages per disk flush (the default)
	FormatFiles   = "files"   // a file per message and state, renamed between directories
)

// Options choose the queue's format and tune the journal.
type Options struct {
	Format  string // FormatJournal (default) or FormatFiles
	Journal JournalOptions
	Logger  *slog.Logger // told of messages that could not be moved from the other format
}

// Open opens the queue under dir in the configured format. Messages a previous
// configuration left in the other format are moved in first, each made durable in the
// new format before it is removed from the old one (a crash in between delivers it
// twice at worst), so changing the format loses nothing.
func Open(dir string, o Options) (Queue, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	var q Queue
	var err error
	switch o.Format {
	// q is set only from a successful open: a nil *Journal or *Spool in a non-nil
	// Queue would be closed below and panic.
	case "", FormatJournal:
		j, jerr := OpenJournal(dir, o.Journal)
		if err = jerr; err == nil {
			q = j
			err = migrateFiles(dir, q, o.Logger)
		}
	case FormatFiles:
		sp, serr := OpenSpool(dir)
		if err = serr; err == nil {
			q = sp
			err = migrateJournal(dir, q, o.Journal, o.Logger)
		}
	default:
		return nil, fmt.Errorf("queue: unknown format %q", o.Format)
	}
	if err != nil {
		if q != nil {
			q.Close()
		}
		return nil, err
	}
	return q, nil
}

// migrateFiles moves a file spool's messages (dir/incoming, dir/queue) into q and removes
// the directories once empty.
func migrateFiles(dir string, q Queue, log *slog.Logger) error {
	in, qd := filepath.Join(dir, "incoming"), filepath.Join(dir, "queue")
	if !exists(in) && !exists(qd) {
		return nil
	}
	sp, err := OpenSpool(dir)
	if err != nil {
		return err
	}
	err = migrate(sp, q, log)
	sp.Close()
	if err != nil {
		return fmt.Errorf("queue: moving the file spool into the journal: %w", err)
	}
	os.Remove(in) // only when empty: an unreadable message stays where it is
	os.Remove(qd)
	return nil
}

// migrateJournal moves a journal's messages (dir/journal) into q and removes the journal.
func migrateJournal(dir string, q Queue, o JournalOptions, log *slog.Logger) error {
	jd := filepath.Join(dir, "journal")
	if !exists(jd) {
		return nil
	}
	j, err := OpenJournal(dir, o)
	if err != nil {
		return err
	}
	err = migrate(j, q, log)
	left, _ := j.Depth(time.Now())
	j.Close()
	if err != nil {
		return fmt.Errorf("queue: moving the journal into the file spool: %w", err)
	}
	if left.Incoming+left.Ready+left.Deferred > 0 {
		return nil // what could not be moved stays in the journal
	}
	return os.RemoveAll(jd)
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// migrate copies every message of from into to, then removes it from from. A message
// that cannot be read is logged and left where it is.
func migrate(from, to Queue, log *slog.Logger) error {
	ids, err := from.Incoming()
	if err != nil {
		return err
	}
	for _, id := range ids {
		in, err := from.OpenIncoming(id)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			log.Error("unreadable message left in the old queue format", "queue_id", id, "err", err)
			continue
		}
		w, err := to.Accept(in.Env)
		if err == nil {
			if _, err = io.Copy(w, in.Body); err != nil {
				w.Abort()
			} else {
				err = w.Commit()
			}
		}
		in.Close()
		if err != nil {
			return err
		}
		if err := from.RemoveIncoming(id); err != nil {
			return err
		}
	}
	// Every queued message, deferred ones included.
	envs, err := from.Due(time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		return err
	}
	for _, env := range envs {
		body, err := from.OpenQueued(env.ID)
		if err != nil {
			log.Error("unreadable message left in the old queue format", "queue_id", env.ID, "err", err)
			continue
		}
		err = to.Enqueue(Message{Env: env, Body: body})
		body.Close()
		if err != nil {
			return err
		}
		if err := from.Remove(env.ID); err != nil {
			return err
		}
	}
	return nil
}
