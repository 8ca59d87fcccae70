package config

import (
	"fmt"
	"math"
	"math/big"
	"strings"
	"time"
)

// Size is a byte count written with a human unit: "25MiB", "1.5GB", "64KiB" or plain bytes
// ("1048576"). Binary units (KiB, MiB, GiB, TiB) are powers of 1024, decimal units (KB, MB,
// GB, TB) powers of 1000; units are case-insensitive, a space before the unit is allowed.
type Size int64

var sizeUnits = map[string]int64{
	"": 1, "b": 1,
	"kb": 1000, "mb": 1000 * 1000, "gb": 1000 * 1000 * 1000, "tb": 1000 * 1000 * 1000 * 1000,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
}

// unitError is a Size or Duration that does not parse. Its short form leaves out the
// value, which a KeyError prints anyway.
type unitError struct {
	kind, value, msg string
}

func (e *unitError) Error() string { return fmt.Sprintf("invalid %s %q: %s", e.kind, e.value, e.msg) }
func (e *unitError) short() string { return fmt.Sprintf("invalid %s: %s", e.kind, e.msg) }

// ParseSize parses a size such as "25MiB". Fractions are allowed when they name a whole
// number of bytes ("1.5KiB" is 1536; "1.5B" is an error).
func ParseSize(s string) (Size, error) {
	t := strings.TrimSpace(s)
	i := 0
	for i < len(t) && (t[i] >= '0' && t[i] <= '9' || t[i] == '.') {
		i++
	}
	num, unit := t[:i], strings.ToLower(strings.TrimSpace(t[i:]))
	if num == "" {
		return 0, &unitError{"size", s, "want a number with an optional unit (B, KB, MB, GB, KiB, MiB, GiB)"}
	}
	mult, ok := sizeUnits[unit]
	if !ok {
		return 0, &unitError{"size", s, fmt.Sprintf("unknown unit %q (use B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)", strings.TrimSpace(t[i:]))}
	}
	r, ok := new(big.Rat).SetString(num)
	if !ok {
		return 0, &unitError{"size", s, fmt.Sprintf("bad number %q", num)}
	}
	r.Mul(r, new(big.Rat).SetInt64(mult))
	if !r.IsInt() {
		return 0, &unitError{"size", s, "not a whole number of bytes"}
	}
	n := r.Num()
	if !n.IsInt64() || n.Int64() > math.MaxInt64 {
		return 0, &unitError{"size", s, "too large"}
	}
	return Size(n.Int64()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler, which the YAML decoder uses.
func (s *Size) UnmarshalText(b []byte) error {
	v, err := ParseSize(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// MarshalText writes the largest binary unit that represents s exactly.
func (s Size) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// String formats s as "100MiB" when it is a whole number of a binary unit, else as bytes.
func (s Size) String() string {
	if s == 0 {
		return "0"
	}
	for _, u := range []struct {
		n    int64
		name string
	}{{1 << 40, "TiB"}, {1 << 30, "GiB"}, {1 << 20, "MiB"}, {1 << 10, "KiB"}} {
		if int64(s)%u.n == 0 {
			return fmt.Sprintf("%d%s", int64(s)/u.n, u.name)
		}
	}
	return fmt.Sprintf("%d", int64(s))
}

// Int64 returns the size in bytes.
func (s Size) Int64() int64 { return int64(s) }

// Duration is a time span written the Go way: "30s", "2m", "1h30m", "250ms".
type Duration time.Duration

// UnmarshalText implements encoding.TextUnmarshaler. A bare number is refused, since
// "30" could mean seconds or nanoseconds.
func (d *Duration) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "0" {
		*d = 0
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return &unitError{"duration", string(b), "want a number with a unit, e.g. 30s, 2m, 1h"}
	}
	*d = Duration(v)
	return nil
}

// MarshalText writes the duration as time.Duration.String does ("2m0s").
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// String formats d as time.Duration does.
func (d Duration) String() string { return time.Duration(d).String() }

// Std returns d as a time.Duration.
func (d Duration) Std() time.Duration { return time.Duration(d) }
