package accounts

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"hash"
	"net/url"
	"strings"
	"time"
)

// TOTP is an RFC 6238 time-based one-time password generator: HOTP (RFC 4226) over the
// number of Step periods since the Unix epoch. The zero Algorithm is SHA-1, which every
// authenticator app supports.
type TOTP struct {
	Secret    []byte
	Digits    int           // default 6
	Step      time.Duration // default 30s
	Algorithm string        // SHA1 (default), SHA256 or SHA512
}

func (t TOTP) digits() int {
	if t.Digits == 0 {
		return 6
	}
	return t.Digits
}

func (t TOTP) step() time.Duration {
	if t.Step == 0 {
		return 30 * time.Second
	}
	return t.Step
}

func (t TOTP) hash() func() hash.Hash {
	switch t.Algorithm {
	case "SHA256":
		return sha256.New
	case "SHA512":
		return sha512.New
	}
	return sha1.New
}

// Counter is the time step number of t.
func (t TOTP) Counter(at time.Time) int64 { return at.Unix() / int64(t.step()/time.Second) }

// At returns the code for time step counter.
func (t TOTP) At(counter int64) string {
	m := hmac.New(t.hash(), t.Secret)
	var c [8]byte
	binary.BigEndian.PutUint64(c[:], uint64(counter))
	m.Write(c[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:]) & 0x7fffffff
	mod := uint32(1)
	for range t.digits() {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", t.digits(), bin%mod)
}

// Verify checks code against the steps around now (one step either side, for clock skew)
// and returns the step it matched. Steps at or before last are refused, so a code cannot
// be used twice.
func (t TOTP) Verify(code string, now time.Time, last int64) (int64, bool) {
	code = strings.TrimSpace(code)
	if len(code) != t.digits() {
		return 0, false
	}
	c := t.Counter(now)
	for _, s := range []int64{c, c - 1, c + 1} {
		if s > last && hmac.Equal([]byte(t.At(s)), []byte(code)) {
			return s, true
		}
	}
	return 0, false
}

// NewTOTPSecret returns 20 random bytes (160 bits, RFC 4226's recommendation).
func NewTOTPSecret() ([]byte, error) {
	b := make([]byte, 20)
	_, err := rand.Read(b)
	return b, err
}

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// EncodeSecret is the base32 form authenticator apps take.
func EncodeSecret(b []byte) string { return b32.EncodeToString(b) }

// DecodeSecret reads a base32 secret, ignoring spaces, case and padding.
func DecodeSecret(s string) ([]byte, error) {
	s = strings.ToUpper(strings.NewReplacer(" ", "", "-", "", "=", "").Replace(s))
	return b32.DecodeString(s)
}

// ProvisioningURI is the otpauth:// URI (Google Authenticator's key URI format) that an
// authenticator app imports.
func ProvisioningURI(issuer, account string, secret []byte) string {
	v := url.Values{}
	v.Set("secret", EncodeSecret(secret))
	v.Set("issuer", issuer)
	v.Set("algorithm", "SHA1")
	v.Set("digits", "6")
	v.Set("period", "30")
	return "otpauth://totp/" + url.PathEscape(issuer+":"+account) + "?" + v.Encode()
}
