package metrics

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestHealth(t *testing.T) {
	tests := []struct {
		name     string
		checks   map[string]error
		wantCode int
		wantBody string
	}{
		{"no checks", nil, 200, "ok\n"},
		{"all pass", map[string]error{"audit_log": nil}, 200, "ok\n"},
		{"one degraded", map[string]error{"audit_log": errors.New("audit log: line 3: edited")}, 503,
			"degraded\naudit_log: audit log: line 3: edited\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := NewHealth()
			for name, err := range tc.checks {
				h.Add(name, func() error { return err })
			}
			srv := httptest.NewServer(h)
			defer srv.Close()
			resp, err := http.Get(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var b [1024]byte
			n, _ := resp.Body.Read(b[:])
			if resp.StatusCode != tc.wantCode || string(b[:n]) != tc.wantBody {
				t.Errorf("GET /healthz = %d %q, want %d %q", resp.StatusCode, b[:n], tc.wantCode, tc.wantBody)
			}
		})
	}
}
