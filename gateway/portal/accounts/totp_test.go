package accounts

import (
	"strings"
	"testing"
	"time"
)

// TestTOTPRFC6238 checks the test vectors of RFC 6238 appendix B (8 digits, 30 s steps,
// the ASCII seeds of the errata for SHA-256 and SHA-512).
func TestTOTPRFC6238(t *testing.T) {
	seeds := map[string]string{
		"SHA1":   "12345678901234567890",
		"SHA256": "12345678901234567890123456789012",
		"SHA512": "1234567890123456789012345678901234567890123456789012345678901234",
	}
	for _, v := range []struct {
		unix int64
		alg  string
		code string
	}{
		{59, "SHA1", "94287082"}, {59, "SHA256", "46119246"}, {59, "SHA512", "90693936"},
		{1111111109, "SHA1", "07081804"}, {1111111109, "SHA256", "68084774"}, {1111111109, "SHA512", "25091201"},
		{1111111111, "SHA1", "14050471"}, {1111111111, "SHA256", "67062674"}, {1111111111, "SHA512", "99943326"},
		{1234567890, "SHA1", "89005924"}, {1234567890, "SHA256", "91819424"}, {1234567890, "SHA512", "93441116"},
		{2000000000, "SHA1", "69279037"}, {2000000000, "SHA256", "90698825"}, {2000000000, "SHA512", "38618901"},
		{20000000000, "SHA1", "65353130"}, {20000000000, "SHA256", "77737706"}, {20000000000, "SHA512", "47863826"},
	} {
		tt := TOTP{Secret: []byte(seeds[v.alg]), Digits: 8, Algorithm: v.alg}
		if got := tt.At(tt.Counter(time.Unix(v.unix, 0))); got != v.code {
			t.Errorf("%s at %d: %s, want %s", v.alg, v.unix, got, v.code)
		}
	}
}

func TestTOTPVerify(t *testing.T) {
	tt := TOTP{Secret: []byte("12345678901234567890")}
	now := time.Unix(1111111111, 0)
	c := tt.Counter(now)
	for _, tc := range []struct {
		code string
		last int64
		ok   bool
	}{
		{tt.At(c), 0, true},
		{tt.At(c - 1), 0, true}, // clock skew, one step back
		{tt.At(c + 1), 0, true},
		{tt.At(c - 2), 0, false},
		{tt.At(c + 2), 0, false},
		{tt.At(c), c, false},     // replay of the step already used
		{tt.At(c - 1), c, false}, // older than the last used
		{tt.At(c + 1), c, true},
		{"", 0, false},
		{"12345", 0, false},
		{" " + tt.At(c) + " ", 0, true},
	} {
		if _, ok := tt.Verify(tc.code, now, tc.last); ok != tc.ok {
			t.Errorf("code %q last %d: %v, want %v", tc.code, tc.last, ok, tc.ok)
		}
	}
}

func TestSecretEncoding(t *testing.T) {
	sec, _ := NewTOTPSecret()
	enc := EncodeSecret(sec)
	spaced := strings.ToLower(enc[:4] + " " + enc[4:])
	dec, err := DecodeSecret(spaced)
	if err != nil || string(dec) != string(sec) {
		t.Fatalf("round trip: %v", err)
	}
	uri := ProvisioningURI("sekisho", "op@city.lg.jp", sec)
	if !strings.HasPrefix(uri, "otpauth://totp/sekisho:op@city.lg.jp?") || !strings.Contains(uri, "secret="+enc) {
		t.Fatalf("uri %s", uri)
	}
}
