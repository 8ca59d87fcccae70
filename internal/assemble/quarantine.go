package assemble

import (
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/sekisho/sekisho/config"
	"github.com/sekisho/sekisho/quarantine"
	"github.com/sekisho/sekisho/quarantine/sqlite"
)

// QuarantineDir is where the embedded quarantine lives: data_dir/quarantine.
func QuarantineDir(cfg *config.Config) string { return filepath.Join(cfg.DataDir, "quarantine") }

// SpoolDir is where the mail queue lives: data_dir/spool.
func SpoolDir(cfg *config.Config) string { return filepath.Join(cfg.DataDir, "spool") }

// ReadKeyFile reads the quarantine sealing key: 32 raw bytes, or 64 hex characters with
// optional surrounding white space. Errors name quarantine.key_file.
func ReadKeyFile(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("quarantine.key_file: %w", err)
	}
	if s := strings.TrimSpace(string(raw)); len(s) == 64 {
		key, err := hex.DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("quarantine.key_file: not hex: %w", err)
		}
		return key, nil
	}
	if len(raw) == 32 {
		return raw, nil
	}
	return nil, fmt.Errorf("quarantine.key_file: want 32 bytes or 64 hex characters, got %d bytes", len(raw))
}

// OpenQuarantine opens the quarantine service over the embedded backend under data_dir,
// with the configured sealing key. The caller closes it. Components that keep tables in
// the same store reach the backend with Service.Backend (a *sqlite.Backend: Migrate, DB).
func OpenQuarantine(cfg *config.Config, log *slog.Logger) (*quarantine.Service, error) {
	var key []byte
	if cfg.Quarantine.KeyFile != "" {
		var err error
		if key, err = ReadKeyFile(cfg.Quarantine.KeyFile); err != nil {
			return nil, err
		}
	}
	b, err := sqlite.Open(sqlite.Options{Dir: QuarantineDir(cfg), Logger: log})
	if err != nil {
		return nil, err
	}
	s, err := quarantine.New(b, quarantine.Options{Key: key, Logger: log, RequireApproval: cfg.Portal.TwoPersonRelease})
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("quarantine.key_file: %w", err)
	}
	return s, nil
}
