package transfer

import "context"

// CountDownload exposes the download counter to the store tests, which run without an
// HTTP side.
func (s *Service) CountDownload(ctx context.Context, l Link, fileID string, bytes int64) error {
	return s.countDownload(ctx, l, fileID, bytes)
}
