package accounts

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
)

var testHash = HashParams{Memory: 1 << 10, Time: 1, Threads: 1}

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("正しいパスワード", testHash)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("format %s", h)
	}
	h2, _ := HashPassword("正しいパスワード", testHash)
	if h == h2 {
		t.Fatal("same hash twice: salt not random")
	}
	for _, tc := range []struct {
		pw   string
		hash string
		ok   bool
		err  bool
	}{
		{"正しいパスワード", h, true, false},
		{"正しいパスワード ", h, false, false},
		{"", h, false, false},
		{"x", "", false, true},
		{"x", "$2a$10$abcdefghijklmnopqrstuu", false, true}, // bcrypt: not ours
		{"x", strings.Replace(h, "m=1024", "m=4194304", 1), false, true},
		{"x", strings.Replace(h, "t=1", "t=0", 1), false, true},
		{"x", strings.Replace(h, "v=19", "v=16", 1), false, true},
		{"x", h[:len(h)-30], false, true},
	} {
		ok, err := VerifyPassword(tc.pw, tc.hash)
		if ok != tc.ok || (err != nil) != tc.err {
			t.Errorf("%q vs %q: %v %v", tc.pw, tc.hash, ok, err)
		}
	}
	// A hash made with the defaults verifies (and records its parameters).
	d, _ := HashPassword("pw", DefaultHashParams)
	if ok, err := VerifyPassword("pw", d); !ok || err != nil || !strings.Contains(d, "m=65536,t=3,p=2") {
		t.Fatalf("default params: %v %v %s", ok, err, d)
	}
}

func FuzzVerifyPassword(f *testing.F) {
	h, _ := HashPassword("pw", testHash)
	f.Add("pw", h)
	f.Add("pw", "$argon2id$v=19$m=1,t=1,p=1$$")
	f.Fuzz(func(t *testing.T, pw, hash string) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		if parts := strings.Split(hash, "$"); len(parts) > 3 {
			var p HashParams
			fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads)
			if p.Memory > 1<<12 || p.Time > 2 {
				return // valid but slow parameters; the unit test covers the refusals
			}
		}
		VerifyPassword(pw, hash) // must not panic
	})
}

func TestCheckPassword(t *testing.T) {
	for _, tc := range []struct {
		pw   string
		want error
	}{
		{"", ErrPasswordShort},
		{"123456789", ErrPasswordShort},
		{"1234567890", nil},
		{"パスワードは十文字以上", nil}, // characters, not bytes
		{"パスワード九文字だ", ErrPasswordShort},
		{strings.Repeat("x", 1024), nil},
		{strings.Repeat("x", 1025), ErrPasswordLong},
	} {
		if got := CheckPassword(tc.pw); got != tc.want {
			t.Errorf("%q: %v, want %v", tc.pw, got, tc.want)
		}
	}
}
