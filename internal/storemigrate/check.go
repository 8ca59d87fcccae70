package storemigrate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"

	"github.com/sekisho/sekisho/quarantine/postgres"
	"github.com/sekisho/sekisho/quarantine/sqlite"
)

// check compares the committed copy with the source: rows per table, the audit chain
// (verified in the database, ending at the source's head) and each original's bytes.
func check(ctx context.Context, src *sqlite.Backend, dst *postgres.Backend, rep Report, sums map[string]string) error {
	for t, n := range rep.Tables {
		var s, d int64
		if err := src.DB().QueryRowContext(ctx, `SELECT count(*) FROM "`+t+`"`).Scan(&s); err != nil {
			return err
		}
		if err := dst.Pool().QueryRow(ctx, `SELECT count(*) FROM `+pgx.Identifier{t}.Sanitize()).Scan(&d); err != nil {
			return err
		}
		if s != n || d != n {
			return fmt.Errorf("check: table %s has %d rows in the source and %d in the copy", t, s, d)
		}
	}
	n, err := dst.Verify(ctx)
	if err != nil {
		return fmt.Errorf("check: the copied audit chain: %w", err)
	}
	var head string
	if err := dst.Pool().QueryRow(ctx, `SELECT hash FROM audit_head`).Scan(&head); err != nil {
		return err
	}
	if n != rep.AuditRecords || (n > 0 && head != rep.AuditHead) {
		return fmt.Errorf("check: the copied audit chain ends at record %d (%s), the source's at %d (%s)", n, head, rep.AuditRecords, rep.AuditHead)
	}
	for id, want := range sums {
		rc, err := dst.OpenBlob(ctx, id)
		if err != nil {
			return fmt.Errorf("check: original of %s: %w", id, err)
		}
		h := sha256.New()
		_, err = io.Copy(h, rc)
		rc.Close()
		if err != nil {
			return fmt.Errorf("check: original of %s: %w", id, err)
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != want {
			return fmt.Errorf("check: original of %s differs in the copy", id)
		}
	}
	return nil
}
