package transfer

import "context"

// CountDownload exposes the download counter to the store tests, which run without an
// HTTP side.
func (s *Service) CountDownload(ctx context.Context, l Link, fileID string, bytes int64) error {
	return s.countDownload(ctx, l, fileID, bytes)
}

// AdoptExpired runs the periodic check for files whose claim ran out.
func (s *Service) AdoptExpired(ctx context.Context) error { return s.adoptExpired(ctx) }

// Idle reports that no file is queued for or in this node's workers.
func (s *Service) Idle() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queued) == 0
}

// LiveRuns counts the engine runs that followed an upload: started, whose result was
// recorded, dropped (the upload failed or the run did not stand for the file).
func (s *Service) LiveRuns() (started, used, dropped int64) {
	return s.liveRuns.started.Load(), s.liveRuns.used.Load(), s.liveRuns.dropped.Load()
}

// SentByFile counts the download bodies sent by sendfile.
func SentByFile() int64 { return sentByFile.Load() }
