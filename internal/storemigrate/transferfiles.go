package storemigrate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/jackc/pgx/v5"

	"github.com/sekisho/sekisho/gateway/transfer"
	"github.com/sekisho/sekisho/gateway/transfer/pgblobs"
	"github.com/sekisho/sekisho/quarantine/postgres"
)

// copyTransferFiles moves the file transfer's bytes (transfer.FileBlobs under dir:
// staging/<file ID>, blobs/<ab>/<sha256>) into large objects where pgblobs finds them.
// An output whose bytes do not match its name is refused, not copied.
func copyTransferFiles(ctx context.Context, dir string, tx pgx.Tx, buf []byte) (n, bytes int64, err error) {
	staged, _ := filepath.Glob(filepath.Join(dir, "staging", "*"))
	for _, p := range staged {
		id := filepath.Base(p)
		if !transfer.ValidID(id) {
			return n, bytes, fmt.Errorf("transfer upload %s: not a file ID", p)
		}
		oid, size, _, err := copyFile(ctx, tx, p, buf)
		if err != nil {
			return n, bytes, fmt.Errorf("transfer upload %s: %w", id, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO transfer_staged_lo (id, oid) VALUES ($1, $2)`, id, oid); err != nil {
			return n, bytes, err
		}
		n, bytes = n+1, bytes+size
	}
	outputs, _ := filepath.Glob(filepath.Join(dir, "blobs", "*", "*"))
	for _, p := range outputs {
		sum := filepath.Base(p)
		if !transfer.ValidSum(sum) || filepath.Base(filepath.Dir(p)) != sum[:2] {
			return n, bytes, fmt.Errorf("transfer output %s: not a stored output", p)
		}
		oid, size, got, err := copyFile(ctx, tx, p, buf)
		if err != nil {
			return n, bytes, fmt.Errorf("transfer output %s: %w", sum, err)
		}
		if got != sum {
			return n, bytes, fmt.Errorf("transfer output %s: its bytes hash to %s", sum, got)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO transfer_blob_lo (sum, oid, size) VALUES ($1, $2, $3)`, sum, oid, size); err != nil {
			return n, bytes, err
		}
		n, bytes = n+1, bytes+size
	}
	return n, bytes, nil
}

// copyFile streams a file into a new large object and returns its SHA-256.
func copyFile(ctx context.Context, tx pgx.Tx, path string, buf []byte) (uint32, int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, "", err
	}
	defer f.Close()
	los := tx.LargeObjects()
	oid, err := los.Create(ctx, 0)
	if err != nil {
		return 0, 0, "", err
	}
	lo, err := los.Open(ctx, oid, pgx.LargeObjectModeWrite)
	if err != nil {
		return 0, 0, "", err
	}
	h := sha256.New()
	n, err := io.CopyBuffer(io.MultiWriter(lo, h), f, buf)
	if err == nil {
		err = lo.Close()
	}
	if err != nil {
		return 0, 0, "", err
	}
	return oid, n, hex.EncodeToString(h.Sum(nil)), nil
}

// checkTransferFiles reads every copied output back and compares it with its name, and
// counts the uploads in progress.
func checkTransferFiles(ctx context.Context, dst *postgres.Backend, want int64) error {
	b, err := pgblobs.Open(ctx, dst.Pool(), 0, nil)
	if err != nil {
		return err
	}
	var staged, outputs int64
	if err := dst.Pool().QueryRow(ctx, `SELECT (SELECT count(*) FROM transfer_staged_lo), (SELECT count(*) FROM transfer_blob_lo)`).Scan(&staged, &outputs); err != nil {
		return err
	}
	if staged+outputs != want {
		return fmt.Errorf("check: %d transfer files in the copy, %d in the source", staged+outputs, want)
	}
	rows, err := dst.Pool().Query(ctx, `SELECT sum FROM transfer_blob_lo`)
	if err != nil {
		return err
	}
	sums, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	for _, sum := range sums {
		r, err := b.Open(sum)
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("check: transfer output %s is missing in the copy", sum)
		}
		if err != nil {
			return err
		}
		h := sha256.New()
		_, err = io.Copy(h, r)
		r.Close()
		if err != nil {
			return err
		}
		if hex.EncodeToString(h.Sum(nil)) != sum {
			return fmt.Errorf("check: transfer output %s differs in the copy", sum)
		}
	}
	return nil
}
