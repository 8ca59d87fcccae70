package assemble

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/config"
)

// writePair writes a self-signed certificate and its key as PEM files.
func writePair(t *testing.T, certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "gw.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), DNSNames: []string{"gw.test"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalPKCS8PrivateKey(key)
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600)
}

// TestCheck runs each start-up check on a configuration file with one problem and looks
// for the dotted key, the line and the reason in the one error LoadConfig returns.
func TestCheck(t *testing.T) {
	dir := t.TempDir()
	writePair(t, filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"))
	writePair(t, filepath.Join(dir, "other-cert.pem"), filepath.Join(dir, "other-key.pem"))
	os.WriteFile(filepath.Join(dir, "garbage.pem"), []byte("not pem"), 0o644)
	os.WriteFile(filepath.Join(dir, "short.key"), make([]byte, 31), 0o600)
	os.WriteFile(filepath.Join(dir, "hex.key"), []byte(strings.Repeat("ab", 32)+"\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "a-file"), nil, 0o644)
	os.MkdirAll(filepath.Join(dir, "half", "tls"), 0o755)
	os.WriteFile(filepath.Join(dir, "half", "tls", "cert.pem"), []byte("x"), 0o644)

	tests := []struct {
		name, yaml string
		want       []string // substrings, all required; none means the file passes
	}{
		{"defaults pass", "", nil},
		{"configured pair passes", "smtp:\n  tls_cert: cert.pem\n  tls_key: key.pem\n", nil},
		{"hex key file passes", "quarantine:\n  key_file: hex.key\n", nil},
		{"pass for plain text passes", "policy:\n  text: pass\n  html: sanitize\n  csv: sanitize\n  tsv: sanitize\n  xml: sanitize\n  json: sanitize\n  calendar: sanitize\n  vcard: sanitize\n", nil},
		{"pass for an executable", "policy:\n  exe: pass\n",
			[]string{"sekisho.yaml:2: policy.exe: pass would copy exe unchanged, and only inert types (empty, text) may pass", `got "pass"`}},
		{"pass for a class", "policy:\n  archive: pass\n",
			[]string{"sekisho.yaml:2: policy.archive: pass would copy bzip2, epub, gzip, tar, xz, zip, zstd unchanged"}},
		{"pass for text reaches html", "policy:\n  text: pass\n",
			[]string{"policy.text: pass would copy calendar, csv, html, json, tsv, vcard, xml unchanged"}},
		{"pass for pdf, office and unknown", "policy:\n  pdf: pass\n  ooxml: pass\n  unknown: pass\n",
			[]string{"sekisho.yaml:2: policy.pdf: pass would copy pdf", "sekisho.yaml:3: policy.ooxml: pass would copy", "docm", "sekisho.yaml:4: policy.unknown: pass would copy unknown"}},
		{"unknown policy key", "policy:\n  docz: block\n", []string{"sekisho.yaml:2: policy.docz: unknown type or class"}},
		{"configured certificate missing", "smtp:\n  tls_cert: nope.pem\n  tls_key: key.pem\n",
			[]string{"sekisho.yaml:2: smtp.tls_cert: file does not exist", "nope.pem"}},
		{"configured key missing", "smtp:\n  tls_cert: cert.pem\n  tls_key: nope.pem\n", []string{"sekisho.yaml:3: smtp.tls_key: file does not exist"}},
		{"certificate not PEM", "smtp:\n  tls_cert: garbage.pem\n  tls_key: key.pem\n", []string{"sekisho.yaml:2: smtp.tls_cert: no PEM certificate"}},
		{"key of another certificate", "smtp:\n  tls_cert: cert.pem\n  tls_key: other-key.pem\n",
			[]string{"sekisho.yaml:3: smtp.tls_key: does not hold the private key of smtp.tls_cert"}},
		{"certificate is a directory", "smtp:\n  tls_cert: half\n  tls_key: key.pem\n", []string{"smtp.tls_cert: not a regular file"}},
		{"half a self-signed pair", "data_dir: half\n", []string{"smtp.tls_cert: not set, and only one of"}},
		{"portal pair passes", "portal:\n  tls_cert: cert.pem\n  tls_key: key.pem\n", nil},
		{"portal key of another certificate", "portal:\n  tls_cert: cert.pem\n  tls_key: other-key.pem\n",
			[]string{"sekisho.yaml:3: portal.tls_key: does not hold the private key of portal.tls_cert"}},
		{"ldap password file missing", "portal:\n  ldap:\n    url: ldap://127.0.0.1:389\n    base_dn: dc=example\n    bind_dn: cn=svc\n    bind_password_file: ldap.pw\n",
			[]string{"sekisho.yaml:6: portal.ldap.bind_password_file: file does not exist"}},
		{"key file missing", "quarantine:\n  key_file: none.key\n", []string{"sekisho.yaml:2: quarantine.key_file: file does not exist"}},
		{"key file short", "quarantine:\n  key_file: short.key\n", []string{"sekisho.yaml:2: quarantine.key_file: want 32 bytes or 64 hex characters, got 31 bytes"}},
		{"data_dir is a file", "data_dir: a-file\n", []string{"sekisho.yaml:1: data_dir: not a directory"}},
		{"temp_dir missing", "temp_dir: no-such-dir\n", []string{"sekisho.yaml:1: temp_dir: directory does not exist"}},
		{"font_dir missing", "render:\n  font_dir: no-fonts\n", []string{"sekisho.yaml:2: render.font_dir: directory does not exist"}},
		{"dir route onto a file", "delivery:\n  routes:\n    \"*\": dir:a-file\n", []string{"delivery.routes.*: not a directory"}},
		{"message larger than a file", "limits:\n  max_file_size: 10MiB\nsmtp:\n  max_message_size: 20MiB\n",
			[]string{"sekisho.yaml:4: smtp.max_message_size: must not exceed limits.max_file_size (10MiB)"}},
		{"route tls typo", "delivery:\n  routes:\n    city.lg.jp: smtp://10.0.0.1:25?tls=requried\n",
			[]string{"sekisho.yaml:3: delivery.routes.city.lg.jp: tls must be one of none, opportunistic, required"}},
		{"every problem at once, by line", "policy:\n  exe: pass\nbogus: 1\nlimits:\n  max_depth: deep\nquarantine:\n  key_file: none.key\nlog:\n  level: loud\n",
			[]string{"sekisho.yaml:2: policy.exe", "sekisho.yaml:3: bogus: unknown key", "sekisho.yaml:5: limits.max_depth", "sekisho.yaml:7: quarantine.key_file", "sekisho.yaml:9: log.level"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, "sekisho.yaml")
			os.WriteFile(p, []byte(tc.yaml), 0o644)
			cfg, err := LoadConfig(p)
			if tc.want == nil {
				if err != nil || cfg == nil {
					t.Fatalf("LoadConfig = %v", err)
				}
				return
			}
			if err == nil || cfg != nil {
				t.Fatalf("LoadConfig = %v, %v; want an error", cfg, err)
			}
			rest := err.Error()
			for _, w := range tc.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("LoadConfig error:\n%s\nwant it to contain, in order, %q", err, w)
				}
				rest = rest[i+len(w):]
			}
			var ke *config.KeyError
			if !errors.As(err, &ke) || ke.File != p {
				t.Errorf("error is not a *config.KeyError naming the file: %#v", ke)
			}
		})
	}
}

// TestConfiguredCertificateIsNeverReplaced: serve with a configured, missing pair must
// fail, not create a self-signed one in its place.
func TestConfiguredCertificateIsNeverReplaced(t *testing.T) {
	cfg := testConfig(t)
	cfg.SMTP.TLSCert = filepath.Join(t.TempDir(), "cert.pem")
	cfg.SMTP.TLSKey = filepath.Join(t.TempDir(), "key.pem")
	if _, err := tlsConfig(cfg); err == nil {
		t.Fatal("tlsConfig with missing configured files succeeded")
	}
	if _, err := os.Stat(cfg.SMTP.TLSCert); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a certificate was created at the configured path: %v", err)
	}
}

func TestLoadConfigDefaults(t *testing.T) {
	cfg, err := LoadConfig("")
	if err != nil || cfg.DataDir != "./sekisho-data" {
		t.Fatalf("LoadConfig(\"\") = %+v, %v", cfg, err)
	}
}

// TestCheckNoticeTemplates: a notice template that parses but names a field the notice
// does not have is refused at start, naming its key, instead of failing every message.
func TestCheckNoticeTemplates(t *testing.T) {
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Mail.NoticeTemplateJA = "{{range .Entries}}{{.Nope}}{{end}}"
	cfg.Mail.NoticeTemplateEN = "{{range .Entries}}{{.NameEN}}: {{.ReasonEN}}{{end}}"
	err := checkNotice(cfg)
	var ke *config.KeyError
	if !errors.As(err, &ke) || ke.Key != "mail.notice_template_ja" || !strings.Contains(ke.Msg, "Nope") {
		t.Fatalf("checkNotice = %v, want a mail.notice_template_ja error naming the field", err)
	}
	if strings.Contains(err.Error(), "notice_template_en") {
		t.Errorf("checkNotice refused the valid English template: %v", err)
	}
}
