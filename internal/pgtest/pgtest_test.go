package pgtest

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { Main(m) }

func TestSharedClusterGivesFreshDatabases(t *testing.T) {
	c := Shared(t)
	ctx := context.Background()
	a, b := c.NewDB(t), c.NewDB(t)
	if a == b {
		t.Fatalf("NewDB returned %s twice", a)
	}
	for _, u := range []string{a, c.SocketURL("postgres")} {
		conn, err := pgx.Connect(ctx, u)
		if err != nil {
			t.Fatalf("connect %s: %v", u, err)
		}
		var n int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public'`).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s: %d tables, %v; want an empty database", u, n, err)
		}
		conn.Close(ctx)
	}
}

func TestStopRemovesEverything(t *testing.T) {
	c := New(t, Options{})
	dir := c.Dir
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("%s still exists after Stop: %v", dir, err)
	}
	ctx := context.Background()
	if conn, err := pgx.Connect(ctx, c.URL("postgres")); err == nil {
		conn.Close(ctx)
		t.Error("the server still accepts connections after Stop")
	}
}
