package accounts

import (
	"context"
	"errors"
	"net/netip"
	"sync"
	"time"
)

// Login errors. The portal shows ErrInvalid for every wrong name, password or code, so a
// guesser learns nothing about which part was wrong or whether the account exists.
var (
	ErrInvalid        = errors.New("accounts: invalid credentials")
	ErrLocked         = errors.New("accounts: too many failed attempts; try again later")
	ErrRateLimited    = errors.New("accounts: too many login attempts from this address")
	ErrAddress        = errors.New("accounts: this account may not log in from this address")
	ErrTOTPNotEnabled = errors.New("accounts: operator and admin accounts need TOTP; enrol with `sekisho user totp`")
)

// AuthOptions configure an Authenticator. Zero values take the defaults in the comments.
type AuthOptions struct {
	Hash        HashParams    // for new hashes; default DefaultHashParams
	MaxFailures int           // consecutive failures before a lockout; default 5
	LockFor     time.Duration // default 15m
	// RatePerIP is the number of login attempts (password or code) one source address may
	// make per minute; default 20.
	RatePerIP int
	// AdminNetworks are the source networks from which operator and admin roles are
	// granted. Empty: loopback only. From elsewhere such users get their other roles.
	AdminNetworks []netip.Prefix
	Directory     *Directory // nil: local accounts only
	// Hashers bounds concurrent argon2id verifications (each takes Hash.Memory); default 2.
	Hashers int
}

// Authenticator checks logins against the store (and the directory), with lockout and
// rate limiting.
type Authenticator struct {
	st    *Store
	o     AuthOptions
	sem   chan struct{}
	rate  *rateLimiter
	dummy string // a hash to verify against for unknown users, so timing says nothing
}

// NewAuthenticator returns an authenticator over st.
func NewAuthenticator(st *Store, o AuthOptions) (*Authenticator, error) {
	if o.Hash == (HashParams{}) {
		o.Hash = DefaultHashParams
	}
	if o.MaxFailures <= 0 {
		o.MaxFailures = 5
	}
	if o.LockFor <= 0 {
		o.LockFor = 15 * time.Minute
	}
	if o.RatePerIP <= 0 {
		o.RatePerIP = 20
	}
	if len(o.AdminNetworks) == 0 {
		o.AdminNetworks = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	}
	if o.Hashers <= 0 {
		o.Hashers = 2
	}
	dummy, err := HashPassword("dummy password for timing", o.Hash)
	if err != nil {
		return nil, err
	}
	return &Authenticator{st: st, o: o, sem: make(chan struct{}, o.Hashers), rate: newRateLimiter(o.RatePerIP, time.Minute, st.now), dummy: dummy}, nil
}

// Hash hashes a new password with the configured parameters.
func (a *Authenticator) Hash(password string) (string, error) {
	a.sem <- struct{}{}
	defer func() { <-a.sem }()
	return HashPassword(password, a.o.Hash)
}

func (a *Authenticator) verify(ctx context.Context, password, hash string) (bool, error) {
	select {
	case a.sem <- struct{}{}:
	case <-ctx.Done():
		return false, ctx.Err()
	}
	defer func() { <-a.sem }()
	return VerifyPassword(password, hash)
}

// AdminAllowed reports whether privileged roles may be used from ip.
func (a *Authenticator) AdminAllowed(ip netip.Addr) bool {
	ip = ip.Unmap()
	for _, p := range a.o.AdminNetworks {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// EffectiveRoles are the user's roles usable from ip.
func (a *Authenticator) EffectiveRoles(u User, ip netip.Addr) Roles {
	if a.AdminAllowed(ip) {
		return u.Roles
	}
	return u.Roles.Unprivileged()
}

// Login is the outcome of a correct password.
type Login struct {
	User     User
	Roles    Roles // effective roles from this address
	NeedTOTP bool  // the session stays PendingTOTP until CheckTOTP succeeds
}

// Password checks name and password from ip. On success the caller starts a session
// with the returned roles, at stage PendingTOTP when NeedTOTP.
func (a *Authenticator) Password(ctx context.Context, name, password string, ip netip.Addr) (Login, error) {
	if !a.rate.allow(ip.Unmap().String()) {
		return Login{}, ErrRateLimited
	}
	name, err := NormalizeName(name)
	if err != nil || password == "" || len(password) > 1024 {
		a.verify(ctx, password, a.dummy)
		return Login{}, ErrInvalid
	}
	u, err := a.st.User(ctx, name)
	if errors.Is(err, ErrNoUser) || (err == nil && u.Source == LDAP) {
		return a.directoryLogin(ctx, name, password, ip)
	}
	if err != nil {
		return Login{}, err
	}
	if u.LockedUntil.After(a.st.now()) {
		a.verify(ctx, password, a.dummy)
		return Login{}, ErrLocked
	}
	ok, err := a.verify(ctx, password, u.hash)
	if err != nil && !errors.Is(err, errHashFormat) {
		return Login{}, err
	}
	if !ok || u.Disabled {
		if locked, err := a.st.recordFailure(ctx, u.Name, a.o.MaxFailures, a.o.LockFor); err != nil {
			return Login{}, err
		} else if locked {
			return Login{}, ErrLocked
		}
		return Login{}, ErrInvalid
	}
	return a.grant(ctx, u, ip)
}

// grant turns a user whose password was right into a Login.
func (a *Authenticator) grant(ctx context.Context, u User, ip netip.Addr) (Login, error) {
	roles := a.EffectiveRoles(u, ip)
	if len(roles) == 0 {
		return Login{}, ErrAddress
	}
	if roles.Privileged() && !u.HasTOTP {
		return Login{}, ErrTOTPNotEnabled
	}
	if err := a.st.resetFailures(ctx, u.Name); err != nil {
		return Login{}, err
	}
	return Login{User: u, Roles: roles, NeedTOTP: u.HasTOTP}, nil
}

func (a *Authenticator) directoryLogin(ctx context.Context, name, password string, ip netip.Addr) (Login, error) {
	if a.o.Directory == nil {
		a.verify(ctx, password, a.dummy)
		return Login{}, ErrInvalid
	}
	if u, err := a.st.User(ctx, name); err == nil && (u.LockedUntil.After(a.st.now()) || u.Disabled) {
		return Login{}, ErrLocked
	}
	id, err := a.o.Directory.Authenticate(ctx, name, password)
	if errors.Is(err, ErrInvalid) {
		if locked, _ := a.st.recordFailure(ctx, name, a.o.MaxFailures, a.o.LockFor); locked {
			return Login{}, ErrLocked
		}
		return Login{}, ErrInvalid
	}
	if err != nil {
		return Login{}, err
	}
	if err := a.st.upsertDirectoryUser(ctx, User{Name: name, Display: id.Display, Email: id.Mail, Roles: id.Roles}); err != nil {
		return Login{}, err
	}
	u, err := a.st.User(ctx, name)
	if err != nil {
		return Login{}, err
	}
	if u.Disabled {
		return Login{}, ErrInvalid
	}
	return a.grant(ctx, u, ip)
}

// CheckTOTP checks the second factor of a PendingTOTP session. A wrong code counts as a
// failed login.
func (a *Authenticator) CheckTOTP(ctx context.Context, name, code string, ip netip.Addr) error {
	if !a.rate.allow(ip.Unmap().String()) {
		return ErrRateLimited
	}
	u, err := a.st.User(ctx, name)
	if err != nil {
		return ErrInvalid
	}
	if u.LockedUntil.After(a.st.now()) || u.Disabled {
		return ErrLocked
	}
	if !u.HasTOTP {
		return ErrInvalid
	}
	step, ok := TOTP{Secret: u.totpSecret}.Verify(code, a.st.now(), u.totpLast)
	if ok {
		if ok, err = a.st.useTOTPStep(ctx, u.Name, step); err != nil {
			return err
		}
	}
	if !ok {
		if locked, err := a.st.recordFailure(ctx, u.Name, a.o.MaxFailures, a.o.LockFor); err != nil {
			return err
		} else if locked {
			return ErrLocked
		}
		return ErrInvalid
	}
	return a.st.resetFailures(ctx, u.Name)
}

// rateLimiter counts events per key in fixed windows. It holds at most maxKeys keys;
// when full, expired windows are dropped first, and if none are, the new key is refused
// (a flood of addresses cannot grow memory, and fails closed).
type rateLimiter struct {
	mu     sync.Mutex
	n      int
	window time.Duration
	now    func() time.Time
	m      map[string]*rateWindow
}

type rateWindow struct {
	start time.Time
	count int
}

const maxKeys = 100000

func newRateLimiter(n int, window time.Duration, now func() time.Time) *rateLimiter {
	return &rateLimiter{n: n, window: window, now: now, m: map[string]*rateWindow{}}
}

func (r *rateLimiter) allow(key string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	w := r.m[key]
	if w == nil || now.Sub(w.start) >= r.window {
		if w == nil && len(r.m) >= maxKeys {
			for k, v := range r.m {
				if now.Sub(v.start) >= r.window {
					delete(r.m, k)
				}
			}
			if len(r.m) >= maxKeys {
				return false
			}
		}
		w = &rateWindow{start: now}
		r.m[key] = w
	}
	w.count++
	return w.count <= r.n
}
