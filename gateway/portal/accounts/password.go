package accounts

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// HashParams are argon2id's cost parameters (RFC 9106).
type HashParams struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
}

// DefaultHashParams follow RFC 9106's second recommended option (64 MiB, 3 passes).
var DefaultHashParams = HashParams{Memory: 64 << 10, Time: 3, Threads: 2}

const (
	saltLen = 16
	keyLen  = 32
)

// HashPassword returns the password's argon2id hash in the PHC string format
// ($argon2id$v=19$m=...,t=...,p=...$salt$hash), which records its own parameters.
func HashPassword(password string, p HashParams) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, keyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var errHashFormat = errors.New("accounts: not an argon2id hash")

// maxHashMemory refuses hashes that would make a verification allocate more than 1 GiB
// (a stored hash is data, and data can be edited).
const maxHashMemory = 1 << 20

// VerifyPassword reports whether password matches the PHC-format hash, in constant time.
func VerifyPassword(password, hash string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errHashFormat
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false, errHashFormat
	}
	var p HashParams
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return false, errHashFormat
	}
	if p.Memory == 0 || p.Memory > maxHashMemory || p.Time == 0 || p.Time > 100 || p.Threads == 0 {
		return false, errHashFormat
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, errHashFormat
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) < 16 || len(want) > 64 {
		return false, errHashFormat
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// MinPassword is the shortest local password accepted: length is what resists guessing,
// and the portal limits tries anyway. MaxPassword bounds the hashing work one try costs.
const (
	MinPassword = 10
	MaxPassword = 1024
)

// ErrPasswordShort and ErrPasswordLong are CheckPassword's answers.
var (
	ErrPasswordShort = fmt.Errorf("password too short: at least %d characters", MinPassword)
	ErrPasswordLong  = fmt.Errorf("password too long: at most %d bytes", MaxPassword)
)

// CheckPassword applies the length rules every way of setting a password shares (the
// CLI, the account page, the admin page).
func CheckPassword(pw string) error {
	if len(pw) > MaxPassword {
		return ErrPasswordLong
	}
	if len([]rune(pw)) < MinPassword {
		return ErrPasswordShort
	}
	return nil
}
