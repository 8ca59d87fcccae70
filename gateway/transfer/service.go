package transfer

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/sekisho/sekisho/gateway/portal/accounts"
	"github.com/sekisho/sekisho/gateway/portal/web"
	"github.com/sekisho/sekisho/quarantine"
	"github.com/sekisho/sekisho/sanitize"
)

// Quarantine is what transfers need of the quarantine: it keeps the files the engine
// refuses, and its audit log records every transfer event.
type Quarantine interface {
	Put(ctx context.Context, rec quarantine.Record, body io.Reader, actor quarantine.Actor) (quarantine.Record, error)
	Get(ctx context.Context, id string) (quarantine.Record, error)
	Open(ctx context.Context, id string) (io.ReadCloser, error)
	Audit(ctx context.Context, e quarantine.AuditEntry) error
}

// Outbox queues a message for delivery by the relay (the portal's outbox); it returns the
// queue ID. A service without one keeps its notices in the store for a running one.
type Outbox interface {
	Send(ctx context.Context, rcpts []string, msg []byte) (string, error)
}

// Department is one department's approval rules (see config.Department).
type Department struct {
	Name      string
	Members   []string
	Mode      string // pre or post
	Approvers []string
	Deputies  []string
	Quota     int64
	Rules     []Rule
}

// Rule approves an outbound transfer without a person when every condition it sets holds.
type Rule struct {
	MaxSize int64
	Types   []string
	Domains []string
}

// Limits bound uploads.
type Limits struct {
	MaxFileSize          int64
	MaxTransferSize      int64
	MaxFiles             int
	MaxConcurrentUploads int           // per user or upload link
	IdleTimeout          time.Duration // each read of an upload, each write of a download
	MinRate              int64         // bytes a second, averaged, after IdleTimeout
	QuotaPerUser         int64         // 0: none
}

// Options configure New.
type Options struct {
	DB         *sql.DB // the quarantine's database, with Schema applied as "transfer"
	Dir        string  // data_dir/transfer: staging and blobs, unless Blobs is set
	Blobs      Blobs   // nil: FileBlobs in Dir
	TempDir    string  // where the engines spill
	Quarantine Quarantine
	Accounts   *accounts.Store
	Outbox     Outbox
	// Inbound sanitizes what arrives from the Internet side, Outbound what leaves the
	// LGWAN side (each an engine with its direction's policy and metadata setting).
	Inbound, Outbound sanitize.Sanitizer
	// NewBudget returns the budget for one file (the transfer limits, not the mail ones);
	// a text file's own decoding is allowed on top of its expansion limit.
	NewBudget       func() *sanitize.Budget
	SanitizeWorkers int
	SanitizeTimeout time.Duration
	Limits          Limits
	Retention       time.Duration // how long a transfer's files are kept
	LinkExpiry      time.Duration // default for new links
	MaxLinkExpiry   time.Duration
	MaxDownloads    int    // default per outbound link and file
	AccessCode      string // required, optional or off
	Mode            string // approval for users in no department: pre or post
	Rules           []Rule // auto-approval for users in no department
	Departments     []Department
	// InternetURL is the Internet-side listener's address for links in mail; PortalURL the
	// portal's, for notices to staff.
	InternetURL string
	PortalURL   string
	Hostname    string // names the gateway in the mail it writes
	Logger      *slog.Logger
	Now         func() time.Time
	// Elector, set for a store several nodes share, makes the purge and the recovery of
	// files a stopped node left run on one node at a time.
	Elector    quarantine.Elector
	PurgeEvery time.Duration // default 10 minutes
	// Node names this node in the claims it takes on files it sanitizes (distinct per
	// node sharing the store; default a random ID). Lease is how long a claim lasts
	// unrenewed (default one minute): another node takes the file of a node that died
	// that long after; the node itself, restarted, at once.
	Node  string
	Lease time.Duration
}

// Service is the transfer state machine over its store, the engines and the quarantine.
// The HTTP sides (the Internet-side listener, the portal pages) call it. It is safe for
// concurrent use.
type Service struct {
	o     Options
	st    store
	blobs Blobs
	log   *slog.Logger
	now   func() time.Time

	jobs    chan string // file IDs to sanitize
	stop    chan struct{}
	wg      sync.WaitGroup
	started bool

	mu        sync.Mutex
	queued    map[string]bool // file IDs queued for or in the workers
	uploading map[string]bool // file IDs with a request writing to them
	perOwner  map[string]int  // uploads in progress per user or link
	hashes    map[string]*runningHash
	live      map[string]*liveRun  // uploads complete, their live run waiting for the worker
	following map[string]*followed // uploads in chunks, their live run waiting for the next
	liveSlots chan struct{}        // live runs at once: transfer.sanitize_workers
	liveRuns  liveCounts
	processed chan struct{} // closed when this node records a file's result (then replaced)
}

// New opens the blob store under o.Dir. Start runs the workers; Close stops them.
func New(o Options) (*Service, error) {
	if o.DB == nil || o.Quarantine == nil || o.Inbound == nil || o.Outbound == nil || o.Dir == "" && o.Blobs == nil {
		return nil, errors.New("transfer: database, quarantine, engines and directory are required")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.NewBudget == nil {
		o.NewBudget = func() *sanitize.Budget {
			return sanitize.NewBudget(sanitize.Limits{MaxFileSize: o.Limits.MaxFileSize}.WithDefaults())
		}
	}
	if o.SanitizeWorkers <= 0 {
		o.SanitizeWorkers = 2
	}
	if o.SanitizeTimeout <= 0 {
		o.SanitizeTimeout = 30 * time.Minute
	}
	if o.Limits.IdleTimeout <= 0 {
		o.Limits.IdleTimeout = time.Minute
	}
	if o.Limits.MaxConcurrentUploads <= 0 {
		o.Limits.MaxConcurrentUploads = 4
	}
	if o.MaxDownloads <= 0 {
		o.MaxDownloads = 5
	}
	if o.Mode == "" {
		o.Mode = "pre"
	}
	if o.PurgeEvery <= 0 {
		o.PurgeEvery = purgeEvery
	}
	if o.Hostname == "" {
		o.Hostname = "sekisho.local"
	}
	if o.Node == "" {
		o.Node = newID("N")
	}
	if o.Lease <= 0 {
		o.Lease = defaultLease
	}
	b := o.Blobs
	if b == nil {
		fb, err := OpenFileBlobs(o.Dir)
		if err != nil {
			return nil, err
		}
		b = fb
	}
	return &Service{o: o, st: store{o.DB}, blobs: b, log: o.Logger, now: o.Now,
		jobs: make(chan string, 1<<16), stop: make(chan struct{}),
		queued: map[string]bool{}, uploading: map[string]bool{}, perOwner: map[string]int{},
		live: map[string]*liveRun{}, following: map[string]*followed{}, liveSlots: make(chan struct{}, o.SanitizeWorkers)}, nil
}

// Options returns the options the service runs with (after defaults).
func (s *Service) Options() Options {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.o
}

// SetInternetURL sets the Internet-side address used in links, once the listener knows
// its port.
func (s *Service) SetInternetURL(u string) {
	s.mu.Lock()
	s.o.InternetURL = u
	s.mu.Unlock()
}

// WebAuditor writes the Internet-side listener's events (logins, failures) to the
// quarantine's audit log.
func (s *Service) WebAuditor() web.Auditor { return webAuditor{s} }

type webAuditor struct{ s *Service }

func (a webAuditor) Audit(ctx context.Context, e web.Event) error {
	return a.s.audit(ctx, "transfer-"+e.Action, e.Object, e.Actor, e.IP, e.Detail)
}

// Close stops the workers (a file being sanitized finishes first) and the purge loop.
func (s *Service) Close() error {
	select {
	case <-s.stop:
	default:
		close(s.stop)
	}
	s.wg.Wait()
	// Runs whose upload completed but no worker recorded: their output goes; the file is
	// sanitized again at the next start.
	s.mu.Lock()
	live := s.live
	s.live = map[string]*liveRun{}
	for id, f := range s.following {
		live[id] = f.lv
	}
	s.following = map[string]*followed{}
	s.mu.Unlock()
	for _, lv := range live {
		lv.stop()
	}
	return s.blobs.Close()
}

// LimitError is a transfer limit that a request passed; Key is the configuration key.
type LimitError struct {
	Key      string
	Max, Got int64
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("limit exceeded: %s (max %d, got %d)", e.Key, e.Max, e.Got)
}

// newID returns a prefixed 128-bit random ID, e.g. T-5J3K... (26 base32 characters).
func newID(prefix string) string {
	var b [16]byte
	rand.Read(b[:])
	return prefix + strings.ToUpper(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}

// ValidID accepts the IDs newID makes (T…, F…, L…, D…) and nothing resembling a path.
func ValidID(id string) bool {
	if len(id) != 27 {
		return false
	}
	for i, r := range id {
		if i == 0 && !strings.ContainsRune("TFLD", r) {
			return false
		}
		if i > 0 && !(r >= 'A' && r <= 'Z' || r >= '2' && r <= '7') {
			return false
		}
	}
	return true
}

// newToken returns a 256-bit capability (43 URL-safe characters) and its hash.
func newToken() (token, hash string) {
	var b [32]byte
	rand.Read(b[:])
	token = base64.RawURLEncoding.EncodeToString(b[:])
	return token, hashToken(token)
}

func hashToken(token string) string {
	h := sha256.Sum256([]byte("sekisho-transfer\x00" + token))
	return hex.EncodeToString(h[:])
}

// validToken accepts what newToken makes.
func validToken(t string) bool {
	if len(t) != 43 {
		return false
	}
	for _, r := range t {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// audit records one transfer event in the quarantine's audit log. ip may be "".
func (s *Service) audit(ctx context.Context, action, object, actor, ip, detail string) error {
	if ip != "" {
		detail = "ip=" + ip + "; " + detail
	}
	return s.o.Quarantine.Audit(ctx, quarantine.AuditEntry{Action: quarantine.Action(action), ID: object,
		Actor: quarantine.Actor(actor), Detail: strings.TrimSuffix(detail, "; ")})
}

// Transfer returns one transfer and its files.
func (s *Service) Transfer(ctx context.Context, id string) (Transfer, []File, error) {
	if !ValidID(id) {
		return Transfer{}, nil, ErrNotFound
	}
	t, err := s.st.transfer(ctx, id)
	if err != nil {
		return t, nil, err
	}
	fs, err := s.st.files(ctx, id)
	return t, fs, err
}

// File returns one file.
func (s *Service) File(ctx context.Context, id string) (File, error) {
	if !ValidID(id) {
		return File{}, ErrNotFound
	}
	return s.st.file(ctx, id)
}

// List returns transfers matching q, newest first.
func (s *Service) List(ctx context.Context, q Query) ([]Transfer, error) { return s.st.list(ctx, q) }

// Department returns the department of user ("" and the defaults when in none).
func (s *Service) Department(user string) Department {
	u := strings.ToLower(user)
	for _, d := range s.o.Departments {
		for _, m := range d.Members {
			if strings.ToLower(m) == u {
				return d
			}
		}
	}
	return Department{Mode: s.o.Mode, Rules: s.o.Rules}
}
