package assemble

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/sekisho/sekisho/config"
	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/mail"
)

// LoadConfig loads the configuration at path ("" for the built-in defaults, whose relative
// paths stay relative to the current directory) and runs every start-up check: decoding,
// Validate and Check. serve, sanitize-*, quarantine and config check all start here, so
// `config check` says ok exactly when the others would start. The error lists every
// problem in the file, ordered by line, each a *config.KeyError where a key is to blame;
// a command exits 2 on it.
func LoadConfig(path string) (*config.Config, error) {
	cfg, loadErr := config.Default(), error(nil)
	if path != "" {
		if cfg, loadErr = config.LoadFile(path); cfg == nil {
			return nil, loadErr
		}
	}
	if err := byLine(loadErr, Check(cfg)); err != nil {
		return nil, err
	}
	return cfg, nil
}

// Check is the start-up validation of a loaded configuration: config.Validate, then what
// needs more than the config package knows: policy keys are types the engine detects,
// pass only for inert types, delivery routes parse as the relay reads them, configured
// TLS files exist and match, the quarantine key is 32 bytes, directories that must exist
// do. It reads files but writes nothing. Every problem is reported, each as a
// *config.KeyError; the builders in this package assume a configuration that passed.
func Check(cfg *config.Config) error {
	verr := cfg.Validate()
	errs := []error{verr, cfg.CheckPolicyKeys(sanitize.IsPolicyKey), checkPass(cfg)}
	if _, err := Routes(cfg); err != nil {
		// Validate reads routes more strictly than the relay; report the relay's view only
		// of an entry Validate let through, so that no entry is reported twice.
		errs = append(errs, notAlreadyReported(err, verr))
	}
	errs = append(errs, checkTLS(cfg), checkKeyFile(cfg), checkDirs(cfg), checkPortalFiles(cfg), checkStore(cfg), notAlreadyReported(checkNotice(cfg), verr))
	return errors.Join(errs...)
}

// checkPortalFiles: the portal's HTTPS pair and the LDAP bind password file, when set,
// must be there (and the pair must match), like every configured file.
func checkPortalFiles(cfg *config.Config) error {
	var errs []error
	if c, k := cfg.Portal.TLSCert, cfg.Portal.TLSKey; c != "" && k != "" {
		errs = append(errs, checkPair(cfg, "portal.tls_cert", "portal.tls_key", c, k))
	}
	if f := cfg.Portal.LDAP.BindPasswordFile; f != "" {
		_, err := readFileFor(cfg, "portal.ldap.bind_password_file", f)
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// checkStore: the database password file of a shared store is readable.
func checkStore(cfg *config.Config) error {
	if !cfg.SharedStore() {
		return nil
	}
	if f := cfg.Postgres.PasswordFile; f != "" {
		_, err := readFileFor(cfg, "postgres.password_file", f)
		return err
	}
	return nil
}

// checkNotice renders the configured notice templates once: a field that does not exist
// would otherwise fail every message that gets a notice.
func checkNotice(cfg *config.Config) error {
	ja, en := mail.CheckNoticeTemplates(cfg.Mail.NoticeTemplateJA, cfg.Mail.NoticeTemplateEN)
	var errs []error
	for _, e := range []struct {
		key string
		err error
	}{{"mail.notice_template_ja", ja}, {"mail.notice_template_en", en}} {
		if e.err != nil {
			errs = append(errs, &config.KeyError{Key: e.key, Msg: "invalid template: " + strings.TrimPrefix(e.err.Error(), "template: ")})
		}
	}
	return errors.Join(errs...)
}

// notAlreadyReported drops from err every *config.KeyError whose key prior names.
func notAlreadyReported(err, prior error) error {
	named := map[string]bool{}
	for _, e := range flatten(prior) {
		var ke *config.KeyError
		if errors.As(e, &ke) {
			named[ke.Key] = true
		}
	}
	var out []error
	for _, e := range flatten(err) {
		var ke *config.KeyError
		if errors.As(e, &ke) && named[ke.Key] {
			continue
		}
		out = append(out, e)
	}
	return errors.Join(out...)
}

// inertTypes may take the policy action pass, which copies the bytes unchanged. Each
// entry says why that is safe; everything else is active, parsed by software with a
// history of exploits, or unknown, and must be rebuilt, rendered or refused. A type is
// not inert until it is listed here with its reason.
var inertTypes = map[string]string{
	"text":  "plain text without markup: shown as characters, nothing in it is interpreted",
	"empty": "zero bytes",
}

// checkPass refuses pass wherever it reaches a type that is not inert, naming the policy
// entry responsible and the types it would copy unchanged. A class entry reaches every
// type of the class that has no entry of its own.
func checkPass(cfg *config.Config) error {
	overrides := map[string]sanitize.PolicyAction{}
	for k, v := range cfg.Policy {
		if a, err := sanitize.ParsePolicyAction(v); err == nil {
			overrides[k] = a // Validate reports the others
		}
	}
	pol := sanitize.DefaultPolicy().With(overrides)
	reached := map[string][]string{}
	for _, t := range sanitize.KnownTypes() {
		if pol.Lookup(t) != sanitize.Pass || inertTypes[t.Name] != "" {
			continue
		}
		key := string(t.Class)
		if _, ok := pol[t.Name]; ok {
			key = t.Name
		}
		if !slices.Contains(reached[key], t.Name) {
			reached[key] = append(reached[key], t.Name)
		}
	}
	inert := make([]string, 0, len(inertTypes))
	for k := range inertTypes {
		inert = append(inert, k)
	}
	sort.Strings(inert)
	var errs []error
	for _, key := range sortedKeys(reached) {
		errs = append(errs, cfg.KeyError("policy."+key, "pass", fmt.Sprintf(
			"pass would copy %s unchanged, and only inert types (%s) may pass: use sanitize, render, strip, quarantine or block",
			strings.Join(reached[key], ", "), strings.Join(inert, ", "))))
	}
	return errors.Join(errs...)
}

// checkTLS: a configured certificate and key must exist, be readable and belong together;
// a missing configured file is an error, never a reason to make a self-signed pair. With
// nothing configured, serve creates a pair under data_dir/tls on first start, and a pair
// already there must load.
func checkTLS(cfg *config.Config) error {
	certFile, keyFile := cfg.SMTP.TLSCert, cfg.SMTP.TLSKey
	certKey, keyKey := "smtp.tls_cert", "smtp.tls_key"
	if certFile == "" && keyFile == "" {
		certFile, keyFile = selfSignedPaths(cfg)
		_, cerr := os.Stat(certFile)
		_, kerr := os.Stat(keyFile)
		switch {
		case errors.Is(cerr, os.ErrNotExist) && errors.Is(kerr, os.ErrNotExist):
			return nil // made on first start
		case cerr != nil && !errors.Is(cerr, os.ErrNotExist), kerr != nil && !errors.Is(kerr, os.ErrNotExist):
			return nil // data_dir is not a directory: checkDirs says so
		case errors.Is(cerr, os.ErrNotExist) != errors.Is(kerr, os.ErrNotExist):
			return cfg.KeyError(certKey, "", fmt.Sprintf("not set, and only one of %s and %s exists: remove it to have a new self-signed pair made, or set tls_cert and tls_key", certFile, keyFile))
		}
	}
	if certFile == "" || keyFile == "" {
		return nil // Validate: set together
	}
	return checkPair(cfg, certKey, keyKey, certFile, keyFile)
}

// checkPair checks a PEM certificate and its private key named by two keys.
func checkPair(cfg *config.Config, certKey, keyKey, certFile, keyFile string) error {
	var errs []error
	certPEM, err := readFileFor(cfg, certKey, certFile)
	errs = append(errs, err)
	keyPEM, kerr := readFileFor(cfg, keyKey, keyFile)
	errs = append(errs, kerr)
	if err != nil || kerr != nil {
		return errors.Join(errs...)
	}
	if _, err := parseCertificate(certPEM); err != nil {
		return cfg.KeyError(certKey, certFile, err.Error())
	}
	if _, err := tls.X509KeyPair(certPEM, keyPEM); err != nil {
		return cfg.KeyError(keyKey, keyFile, "does not hold the private key of "+certKey+": "+err.Error())
	}
	return nil
}

func selfSignedPaths(cfg *config.Config) (string, string) {
	return filepath.Join(cfg.DataDir, "tls", "cert.pem"), filepath.Join(cfg.DataDir, "tls", "key.pem")
}

// parseCertificate checks that b holds at least one PEM certificate, the first parsing.
func parseCertificate(b []byte) (*x509.Certificate, error) {
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			return nil, errors.New("no PEM certificate in the file")
		}
		if blk.Type == "CERTIFICATE" {
			c, err := x509.ParseCertificate(blk.Bytes)
			if err != nil {
				return nil, fmt.Errorf("certificate does not parse: %w", err)
			}
			return c, nil
		}
	}
}

// maxSmallFile bounds what the checks read: certificates, keys and key files are small.
const maxSmallFile = 1 << 20

// readFileFor reads a configured file, reporting a missing, unreadable or odd one against
// its key.
func readFileFor(cfg *config.Config, key, path string) ([]byte, error) {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, cfg.KeyError(key, path, "file does not exist")
	case err != nil:
		return nil, cfg.KeyError(key, path, err.Error())
	case !st.Mode().IsRegular():
		return nil, cfg.KeyError(key, path, "not a regular file")
	case st.Size() > maxSmallFile:
		return nil, cfg.KeyError(key, path, "larger than 1MiB")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, cfg.KeyError(key, path, "cannot be read: "+strings.TrimPrefix(err.Error(), "open "+path+": "))
	}
	return b, nil
}

// checkKeyFile: the quarantine sealing key must be there and be 32 bytes; a store sealed
// with a key cannot be read without it, and one opened without it stores in clear.
func checkKeyFile(cfg *config.Config) error {
	path := cfg.Quarantine.KeyFile
	if path == "" {
		return nil
	}
	if _, err := readFileFor(cfg, "quarantine.key_file", path); err != nil {
		return err
	}
	if _, err := ReadKeyFile(path); err != nil {
		return cfg.KeyError("quarantine.key_file", path, strings.TrimPrefix(err.Error(), "quarantine.key_file: "))
	}
	return nil
}

// checkDirs: directories that sekisho uses but does not create must exist; data_dir,
// which it creates, must not be something else.
func checkDirs(cfg *config.Config) error {
	var errs []error
	dir := func(key, path string, mustExist bool) {
		st, err := os.Stat(path)
		switch {
		case errors.Is(err, os.ErrNotExist) && !mustExist:
		case errors.Is(err, os.ErrNotExist):
			errs = append(errs, cfg.KeyError(key, path, "directory does not exist"))
		case err != nil:
			errs = append(errs, cfg.KeyError(key, path, err.Error()))
		case !st.IsDir():
			errs = append(errs, cfg.KeyError(key, path, "not a directory"))
		}
	}
	dir("data_dir", cfg.DataDir, false)
	if cfg.TempDir != "" {
		dir("temp_dir", cfg.TempDir, true)
	}
	if fd := cfg.Render.FontDir; fd != "" && fd != "-" {
		dir("render.font_dir", fd, true)
	}
	for k, v := range cfg.EffectiveRoutes() {
		if p, ok := strings.CutPrefix(v, "dir:"); ok && p != "" {
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				errs = append(errs, cfg.KeyError("delivery.routes."+k, v, "not a directory"))
			}
		}
	}
	return errors.Join(errs...)
}

// byLine flattens joined errors and orders them by their line in the file (problems
// without a line last, in the order found), dropping repeats.
func byLine(errs ...error) error {
	flat := flatten(errs...)
	line := func(err error) int {
		var ke *config.KeyError
		if errors.As(err, &ke) && ke.Line > 0 {
			return ke.Line
		}
		return int(^uint(0) >> 1)
	}
	sort.SliceStable(flat, func(i, j int) bool { return line(flat[i]) < line(flat[j]) })
	seen := map[string]bool{}
	out := flat[:0]
	for _, e := range flat {
		if !seen[e.Error()] {
			seen[e.Error()] = true
			out = append(out, e)
		}
	}
	return errors.Join(out...)
}

// flatten returns the leaves of errors built with errors.Join.
func flatten(errs ...error) []error {
	var flat []error
	var walk func(error)
	walk = func(err error) {
		if err == nil {
			return
		}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		flat = append(flat, err)
	}
	for _, e := range errs {
		walk(e)
	}
	return flat
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
