// Package pgtest starts throw-away PostgreSQL servers for tests: initdb into a temporary
// directory, a free port on 127.0.0.1 and a Unix socket in that directory, never a system
// cluster. initdb and postgres refuse to run as root, so under root they run as the
// `postgres` user (or `nobody`). The binaries are found on PATH or under
// /usr/lib/postgresql/<version>/bin; when they are missing a test fails under CI (CI=true)
// and is skipped elsewhere, as internal/testtool does for other programs.
//
// A package whose tests need PostgreSQL starts one server for the whole test binary and
// gives each test a fresh database:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
//	func TestX(t *testing.T) {
//		url := pgtest.Shared(t).NewDB(t) // postgres://sekisho@127.0.0.1:port/t3?sslmode=disable
//	}
//
// Start (no testing.TB) serves benchmarks and child processes.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Superuser is the name of the cluster's superuser; trust authentication, so no password.
const Superuser = "sekisho"

// Options configure Start.
type Options struct {
	// Durable keeps fsync and synchronous commit on, as a production server has them
	// (benchmarks). Off by default: tests do not survive power loss and run faster.
	Durable bool
	// Settings are extra server settings (name -> value), such as max_connections.
	Settings map[string]string
}

// Cluster is one running PostgreSQL server.
type Cluster struct {
	Dir  string // the temporary directory: data/, the socket, postgres.log
	Port int
	Host string // 127.0.0.1

	cmd    *exec.Cmd
	exited chan struct{}
	dbs    atomic.Int64
}

// ErrNotInstalled is returned by Start when initdb or postgres cannot be found.
var ErrNotInstalled = errors.New("pgtest: PostgreSQL server binaries not found (apt-get install postgresql)")

// BinDir returns the directory holding initdb and postgres.
func BinDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	// Newest major version first: /usr/lib/postgresql/15/bin sorts after .../9.6/bin as a
	// number, not as a string.
	slices.SortFunc(dirs, func(a, b string) int { return version(b) - version(a) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", ErrNotInstalled
}

func version(dir string) int {
	v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(dir)), 64)
	return int(v * 100)
}

// New starts a cluster for one test and stops it when the test ends. Prefer Shared and
// NewDB when several tests of a package need PostgreSQL: a cluster costs seconds.
func New(t testing.TB, o Options) *Cluster {
	t.Helper()
	c, err := Start(o)
	if err != nil {
		Unavailable(t, err)
	}
	t.Cleanup(func() { c.Stop() })
	return c
}

// Unavailable ends a test that cannot start PostgreSQL: a failure under CI or for any
// reason but missing binaries, a skip otherwise.
func Unavailable(t testing.TB, err error) {
	t.Helper()
	if errors.Is(err, ErrNotInstalled) && os.Getenv("CI") == "" {
		t.Skip(err)
	}
	t.Fatal(err)
}

// Start initialises and starts a cluster. The caller calls Stop.
func Start(o Options) (*Cluster, error) {
	bin, err := BinDir()
	if err != nil {
		return nil, err
	}
	run, err := runAs()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "sekisho-pg-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{Dir: dir, Host: "127.0.0.1"}
	ok := false
	defer func() {
		if !ok {
			c.Stop()
		}
	}()
	if run != nil {
		if err := os.Chown(dir, int(run.Uid), int(run.Gid)); err != nil {
			return nil, err
		}
	}
	if err := c.initdb(bin, run); err != nil {
		return nil, err
	}
	// The port is free when chosen; another process may take it before postgres binds it,
	// so a start that fails is tried again on another port.
	for try := 0; ; try++ {
		err = c.start(bin, run, o)
		if err == nil || try == 4 {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	ok = true
	return c, nil
}

// runAs is the account to run the server as: nil to keep the current one (not root).
func runAs() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}, nil
	}
	return nil, errors.New("pgtest: running as root and neither a postgres nor a nobody user exists for initdb")
}

func (c *Cluster) command(run *syscall.Credential, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Dir = c.Dir
	cmd.Env = []string{"PATH=/usr/bin:/bin", "LC_ALL=C.UTF-8", "TZ=UTC"}
	// SIGQUIT is PostgreSQL's immediate shutdown: a test binary that dies leaves no server.
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: run, Pdeathsig: syscall.SIGQUIT}
	return cmd
}

func (c *Cluster) initdb(bin string, run *syscall.Credential) error {
	var out []byte
	var err error
	// C.UTF-8 keeps sorting byte-wise and lets pg_trgm see Japanese letters as word
	// characters; a system without that locale gets the C locale.
	for _, loc := range []string{"--locale=C.UTF-8", "--no-locale"} {
		os.RemoveAll(filepath.Join(c.Dir, "data"))
		args := []string{"-D", filepath.Join(c.Dir, "data"), "-U", Superuser, "-A", "trust", "-E", "UTF8", loc, "--no-sync"}
		cmd := c.command(run, filepath.Join(bin, "initdb"), args...)
		if run != nil && !nullDevice() {
			cmd = c.withNullDevice(run, filepath.Join(bin, "initdb"), args)
		}
		out, err = cmd.CombinedOutput()
		if err == nil {
			return nil
		}
	}
	return fmt.Errorf("pgtest: initdb: %w\n%s", err, out)
}

// nullDevice reports whether /dev/null is the null device. initdb runs its checks with
// output sent to /dev/null; on a machine where a root process renamed a regular file over
// it (mode 0644), an unprivileged initdb fails.
func nullDevice() bool {
	fi, err := os.Stat("/dev/null")
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// withNullDevice runs name in a private mount namespace where a real null device is
// bound over /dev/null, then drops to run's account; it needs root, unshare and setpriv
// (util-linux).
func (c *Cluster) withNullDevice(run *syscall.Credential, name string, args []string) *exec.Cmd {
	script := `mknod -m 666 "$NULLDEV" c 1 3 && mount --bind "$NULLDEV" /dev/null && ` +
		`exec setpriv --reuid="$RUNUID" --regid="$RUNGID" --clear-groups "$@"`
	cmd := c.command(nil, "unshare", append([]string{"--mount", "--propagation", "private", "sh", "-c", script, "sh", name}, args...)...)
	cmd.Env = append(cmd.Env, "NULLDEV="+filepath.Join(c.Dir, "null"),
		"RUNUID="+strconv.Itoa(int(run.Uid)), "RUNGID="+strconv.Itoa(int(run.Gid)))
	return cmd
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func (c *Cluster) start(bin string, run *syscall.Credential, o Options) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	set := map[string]string{
		"listen_addresses": c.Host, "unix_socket_directories": c.Dir, "max_connections": "200",
		"shared_buffers": "64MB", "log_min_messages": "warning", "timezone": "UTC",
	}
	if !o.Durable {
		set["fsync"], set["synchronous_commit"], set["full_page_writes"] = "off", "off", "off"
	}
	for k, v := range o.Settings {
		set[k] = v
	}
	args := []string{"-D", filepath.Join(c.Dir, "data"), "-p", strconv.Itoa(port)}
	for k, v := range set {
		args = append(args, "-c", k+"="+v)
	}
	logf, err := os.OpenFile(filepath.Join(c.Dir, "postgres.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := c.command(run, filepath.Join(bin, "postgres"), args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("pgtest: start postgres: %w", err)
	}
	c.cmd, c.Port, c.exited = cmd, port, make(chan struct{})
	go func() { cmd.Wait(); close(c.exited) }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		conn, err := pgx.Connect(ctx, c.URL("postgres"))
		if err == nil {
			err = conn.Ping(ctx)
			conn.Close(ctx)
		}
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-c.exited:
			log, _ := os.ReadFile(filepath.Join(c.Dir, "postgres.log"))
			c.cmd = nil
			return fmt.Errorf("pgtest: postgres exited at start: %s", lastLines(string(log), 5))
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("pgtest: postgres did not accept connections within a minute: %w", err)
		}
	}
}

func lastLines(s string, n int) string {
	l := strings.Split(strings.TrimSpace(s), "\n")
	if len(l) > n {
		l = l[len(l)-n:]
	}
	return strings.Join(l, "\n")
}

// URL is a connection URL for database db over TCP.
func (c *Cluster) URL(db string) string {
	u := url.URL{Scheme: "postgres", User: url.User(Superuser), Host: net.JoinHostPort(c.Host, strconv.Itoa(c.Port)),
		Path: "/" + db, RawQuery: "sslmode=disable"}
	return u.String()
}

// SocketURL is a connection URL for database db over the Unix socket.
func (c *Cluster) SocketURL(db string) string {
	q := url.Values{"host": {c.Dir}, "port": {strconv.Itoa(c.Port)}, "user": {Superuser}, "sslmode": {"disable"}}
	return "postgres:///" + db + "?" + q.Encode()
}

// CreateDB creates an empty database and returns its URL.
func (c *Cluster) CreateDB(ctx context.Context) (string, error) {
	name := fmt.Sprintf("t%d", c.dbs.Add(1))
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name+" TEMPLATE template0"); err != nil {
		return "", fmt.Errorf("pgtest: create database: %w", err)
	}
	return c.URL(name), nil
}

// NewDB creates an empty database for one test and returns its URL.
func (c *Cluster) NewDB(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	u, err := c.CreateDB(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// Stop shuts the server down (fast shutdown, then a kill after ten seconds) and removes
// its directory.
func (c *Cluster) Stop() error {
	var err error
	if c.cmd != nil {
		c.cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-c.exited:
		case <-time.After(10 * time.Second):
			c.cmd.Process.Kill()
			<-c.exited
			err = errors.New("pgtest: postgres did not stop within ten seconds; killed")
		}
		c.cmd = nil
	}
	return errors.Join(err, os.RemoveAll(c.Dir))
}

var shared struct {
	mu      sync.Mutex
	inMain  bool
	cluster *Cluster
	err     error
}

// Main runs the package's tests and stops the cluster Shared started, then exits with
// the tests' status. Call it from TestMain.
func Main(m *testing.M) {
	shared.mu.Lock()
	shared.inMain = true
	shared.mu.Unlock()
	code := m.Run()
	shared.mu.Lock()
	if shared.cluster != nil {
		shared.cluster.Stop()
	}
	shared.mu.Unlock()
	os.Exit(code)
}

// Shared returns the test binary's cluster, started on first use. The package's TestMain
// must call Main, which stops it.
func Shared(t testing.TB) *Cluster {
	t.Helper()
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if !shared.inMain {
		t.Fatal("pgtest.Shared: the package's TestMain must call pgtest.Main(m)")
	}
	if shared.cluster == nil && shared.err == nil {
		shared.cluster, shared.err = Start(Options{})
	}
	if shared.err != nil {
		Unavailable(t, shared.err)
	}
	return shared.cluster
}
