package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"
)

// installExample puts an examples/ file where it is meant to live, under a scratch root:
// <root>/etc/sekisho/sekisho.yaml with its relative files (a certificate pair, the
// quarantine key) next to it, and /var/lib/sekisho moved under the root. It returns the
// configuration's path.
func installExample(t *testing.T, name string) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "..", "examples", name))
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	etc := filepath.Join(root, "etc", "sekisho")
	text := strings.ReplaceAll(string(src), "/var/lib/sekisho", filepath.Join(root, "var", "lib", "sekisho"))
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mx1.city.example.lg.jp"},
		DNSNames: []string{"mx1.city.example.lg.jp"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalPKCS8PrivateKey(key)
	writeFiles(t, etc, map[string][]byte{
		"sekisho.yaml":      []byte(text),
		"tls/fullchain.pem": pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		"tls/privkey.pem":   pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}),
		"quarantine.key":    []byte(strings.Repeat("5a", 32) + "\n"),
	})
	return filepath.Join(etc, "sekisho.yaml")
}

// TestExamplesPassConfigCheck: every example deployment passes `config check` as
// installed, and is commented in Japanese and in English.
func TestExamplesPassConfigCheck(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "examples", "*.yaml"))
	if len(files) < 3 {
		t.Fatalf("examples/ has %d configurations, want at least the three deployments", len(files))
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			cfg := installExample(t, name)
			r := sekisho(t, t.TempDir(), nil, "config", "check", cfg)
			if r.code != 0 || r.stdout != "ok\n" {
				t.Fatalf("config check %s: exit %d\n%s%s", name, r.code, r.stdout, r.stderr)
			}
			b, _ := os.ReadFile(f)
			var ja, en int
			for _, line := range strings.Split(string(b), "\n") {
				c, ok := strings.CutPrefix(strings.TrimSpace(line), "#")
				if !ok || strings.TrimSpace(c) == "" {
					continue
				}
				if strings.IndexFunc(c, func(r rune) bool { return unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) }) >= 0 {
					ja++
				} else {
					en++
				}
			}
			if ja < 3 || en < 3 {
				t.Errorf("%s has %d Japanese and %d English comment lines; want both languages", name, ja, en)
			}
		})
	}
}

// TestStrictExampleQuarantinesArchives: the strict profile does what it says: an ordinary
// zip, which the defaults rebuild, is refused and held.
func TestStrictExampleQuarantinesArchives(t *testing.T) {
	cfg := installExample(t, "strict-archives.yaml")
	zip, _ := filepath.Abs(filepath.Join("..", "..", "testdata", "archive", "infozip-nested.zip"))
	dir := t.TempDir()
	if r := sekisho(t, dir, nil, "sanitize-file", zip, "-o", filepath.Join(dir, "out.zip")); r.code != exitOK {
		t.Fatalf("under the defaults the zip gives exit %d, want 0: %s", r.code, r.stderr)
	}
	r := sekisho(t, dir, nil, "sanitize-file", zip, "-o", filepath.Join(dir, "strict.zip"), "--config", cfg)
	if r.code != exitRefused || !strings.Contains(r.stderr, "policy quarantines") {
		t.Fatalf("under strict-archives.yaml: exit %d, want %d (quarantined): %s", r.code, exitRefused, r.stderr)
	}
}
