package accounts

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/sekisho/sekisho/internal/pgtest"
	"github.com/sekisho/sekisho/quarantine/postgres"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// openOther, when set, replaces the SQLite database of openTest.
var openOther func(t *testing.T) (*Store, *clock, *sql.DB)

// TestOnPostgres runs the store's tests again on PostgreSQL, the shared store several
// nodes use: the same SQL, the Postgres half of Schema.
func TestOnPostgres(t *testing.T) {
	url := ""
	openOther = func(t *testing.T) (*Store, *clock, *sql.DB) {
		t.Helper()
		if url == "" {
			url = pgtest.Shared(t).NewDB(t)
		}
		ctx := context.Background()
		b, err := postgres.Open(ctx, postgres.Options{URL: url, Node: "test"})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close() })
		// Each test starts empty, as with a new SQLite file.
		if _, err := b.DB().ExecContext(ctx, `DROP TABLE IF EXISTS portal_meta, portal_users, portal_sessions;
			DELETE FROM schema_versions WHERE component = 'accounts'`); err != nil {
			t.Fatal(err)
		}
		if err := b.MigrateSchema(ctx, "accounts", Schema); err != nil {
			t.Fatal(err)
		}
		c := &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
		return New(b.DB(), c.now), c, b.DB()
	}
	t.Cleanup(func() { openOther = nil })
	for _, tc := range []struct {
		name string
		f    func(*testing.T)
	}{
		{"StoreUsers", TestStoreUsers},
		{"Sessions", TestSessions},
		{"Lockout", TestLockout},
		{"RateLimit", TestRateLimit},
		{"PrivilegedLogin", TestPrivilegedLogin},
		{"DirectorySlapd", TestDirectorySlapd},
	} {
		t.Run(tc.name, tc.f)
	}
}
