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
// staging/<file ID>, blobs/<ab>/<sha256>) into large objects where pgblobs finds them,
// sealed with key (quarantine.key_file) when there is one, as the nodes then seal what they
// store. An output whose bytes do not match its name is refused, not copied. staged gets
// each upload's SHA-256, for the check.
func copyTransferFiles(ctx context.Context, dir string, key []byte, tx pgx.Tx, buf []byte, staged map[string]string) (n, bytes int64, err error) {
	sealed := key != nil
	uploads, _ := filepath.Glob(filepath.Join(dir, "staging", "*"))
	for _, p := range uploads {
		id := filepath.Base(p)
		if !transfer.ValidID(id) {
			return n, bytes, fmt.Errorf("transfer upload %s: not a file ID", p)
		}
		oid, size, sum, err := copyFile(ctx, tx, p, key, buf)
		if err != nil {
			return n, bytes, fmt.Errorf("transfer upload %s: %w", id, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO transfer_staged_lo (id, oid, sealed) VALUES ($1, $2, $3)`, id, oid, sealed); err != nil {
			return n, bytes, err
		}
		staged[id] = sum
		n, bytes = n+1, bytes+size
	}
	outputs, _ := filepath.Glob(filepath.Join(dir, "blobs", "*", "*"))
	for _, p := range outputs {
		sum := filepath.Base(p)
		if !transfer.ValidSum(sum) || filepath.Base(filepath.Dir(p)) != sum[:2] {
			return n, bytes, fmt.Errorf("transfer output %s: not a stored output", p)
		}
		oid, size, got, err := copyFile(ctx, tx, p, key, buf)
		if err != nil {
			return n, bytes, fmt.Errorf("transfer output %s: %w", sum, err)
		}
		if got != sum {
			return n, bytes, fmt.Errorf("transfer output %s: its bytes hash to %s", sum, got)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO transfer_blob_lo (sum, oid, size, sealed) VALUES ($1, $2, $3, $4)`, sum, oid, size, sealed); err != nil {
			return n, bytes, err
		}
		n, bytes = n+1, bytes+size
	}
	return n, bytes, nil
}

// copyFile streams a file into a new large object, sealed with key if not nil, and
// returns its length and the SHA-256 of its (plain) bytes.
func copyFile(ctx context.Context, tx pgx.Tx, path string, key []byte, buf []byte) (uint32, int64, string, error) {
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
	var w io.Writer = lo
	var sw *pgblobs.SealingWriter
	if key != nil {
		if sw, err = pgblobs.NewSealingWriter(lo, key); err != nil {
			return 0, 0, "", err
		}
		w = sw
	}
	h := sha256.New()
	n, err := io.CopyBuffer(io.MultiWriter(w, h), f, buf)
	if err == nil && sw != nil {
		err = sw.Close()
	}
	if err == nil {
		err = lo.Close()
	}
	if err != nil {
		return 0, 0, "", err
	}
	return oid, n, hex.EncodeToString(h.Sum(nil)), nil
}

// checkTransferFiles reads every copied file back (opening sealed ones with key) and
// compares it with its name or with the upload's hash before the copy.
func checkTransferFiles(ctx context.Context, dst *postgres.Backend, key []byte, want int64, uploads map[string]string) error {
	b, err := pgblobs.Open(ctx, dst.Pool(), 0, key)
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
		if err == nil {
			err = hashIs(r, sum)
		}
		if err != nil {
			return fmt.Errorf("check: transfer output %s: %w", sum, err)
		}
	}
	for id, sum := range uploads {
		r, err := b.ReadStaged(id)
		if err == nil {
			err = hashIs(r, sum)
		}
		if err != nil {
			return fmt.Errorf("check: transfer upload %s: %w", id, err)
		}
	}
	return nil
}

// hashIs reads r to its end and closes it; an error unless its bytes hash to sum.
func hashIs(r transfer.Blob, sum string) error {
	defer r.Close()
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return err
	}
	if hex.EncodeToString(h.Sum(nil)) != sum {
		return errors.New("differs in the copy")
	}
	return nil
}
