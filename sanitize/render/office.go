package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/sekisho/sekisho/sanitize"
	"golang.org/x/sys/unix"
)

var errNoSoffice = errors.New("soffice not found")

// converter runs LibreOffice to turn Office, ODF, RTF and legacy documents into PDF (for
// the render policy) or into OOXML (for the convert policy). Each conversion gets its own
// directory with a private profile, the input under a fixed name, and the output; the
// process runs in its own process group, is killed with the group when the wall clock runs
// out, may write no file larger than limits.max_file_size (RLIMIT_FSIZE, through prlimit),
// and, when running as root with unshare available, runs in a new network namespace with
// no interfaces, so a document cannot fetch anything.
type converter struct {
	soffice string
	unshare string // "" when not used
	prlimit string // "" when not available: the size is then checked after the fact
	tmp     string
	timeout time.Duration
	slots   chan struct{}

	// The first start of LibreOffice on an empty profile creates it (about half a second
	// on two cores); every later conversion copies the profile made once by a throwaway
	// conversion. The copy is private to the conversion and removed with it, so nothing a
	// document does to its profile reaches the next document.
	mu          sync.Mutex
	profileDir  string // where the template is kept across processes; "" = temp folder
	template    string // "" until made
	ownTemplate bool   // template is in the temp folder and close removes it
	noWarm      bool   // the template could not be made: use fresh profiles

	pool *warmPool // nil: every document starts its own LibreOffice
}

// newConverter finds soffice; reuse is how many documents one LibreOffice process
// converts (render.converter_reuse), 1 for a process per document.
func newConverter(soffice, tmp string, timeout time.Duration, n, reuse int) (*converter, error) {
	if soffice == "" {
		p, err := exec.LookPath("soffice")
		if err != nil {
			return nil, errNoSoffice
		}
		soffice = p
	} else if _, err := os.Stat(soffice); err != nil {
		return nil, fmt.Errorf("render: soffice: %w", err)
	}
	// LibreOffice takes its profile as a file: URL and runs in its work folder, so every
	// path it is given must be absolute: a relative data_dir (the default ./sekisho-data)
	// made the URL file://sekisho-data/..., a host name, and soffice waited forever.
	if tmp == "" {
		tmp = os.TempDir()
	}
	tmp, err := filepath.Abs(tmp)
	if err != nil {
		return nil, fmt.Errorf("render: temp folder: %w", err)
	}
	c := &converter{soffice: soffice, tmp: tmp, timeout: timeout, slots: make(chan struct{}, n)}
	c.unshare, c.prlimit = sandboxTools()
	if reuse > 1 {
		c.pool = &warmPool{reuse: reuse}
	}
	return c, nil
}

// targets maps a conversion target to LibreOffice's export filter: naming the filter keeps
// LibreOffice from choosing by extension (a spreadsheet "docx" would fail late and vaguely).
var targets = map[string]string{
	"pdf":  "pdf",
	"docx": `docx:MS Word 2007 XML`,
	"xlsx": `xlsx:Calc MS Excel 2007 XML`,
	"pptx": `pptx:Impress MS PowerPoint 2007 XML`,
}

// extFor names the input file so LibreOffice picks the right import filter; the declared
// name is never used on disk.
func extFor(t sanitize.Type) string {
	if t.Ext != "" {
		return t.Ext
	}
	return ".bin"
}

// convert runs one conversion to target (pdf, docx, xlsx, pptx) and returns the output, at
// most limits.max_file_size bytes.
func (c *converter) convert(ctx context.Context, in *sanitize.Item, b *sanitize.Budget, target string) ([]byte, error) {
	filter, ok := targets[target]
	if !ok {
		return nil, fmt.Errorf("render: no LibreOffice filter for %q", target)
	}
	select {
	case c.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-c.slots }()

	dir, err := os.MkdirTemp(c.tmp, "sekisho-lo-")
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	defer os.RemoveAll(dir)
	if err := os.Mkdir(filepath.Join(dir, "out"), 0o700); err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	src := filepath.Join(dir, "input"+extFor(in.Detected))
	if err := writeFile(src, in); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	dst := filepath.Join(dir, "out", "input."+target)
	var out []byte
	err = errWarmUnavailable
	if c.pool != nil {
		_, flt, _ := strings.Cut(filter, ":")
		if flt == "" {
			flt = filter
		}
		err = c.pool.convert(ctx, c, b, src, dst, flt)
	}
	if errors.Is(err, errWarmUnavailable) {
		// A one-shot LibreOffice in a private profile: no python3-uno, a worker that would
		// not start, or a document a warm worker could not write, which the one-shot run
		// converts again so its error (the file-size limit above all) is the same.
		os.Remove(dst)
		if err := c.profile(ctx, filepath.Join(dir, "profile"), b); err != nil {
			return nil, err
		}
		out, err = c.run(ctx, dir, b.Limits().MaxFileSize, "--convert-to", filter, "--outdir", filepath.Join(dir, "out"), src)
	}
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && b.Deadline().After(time.Now()) {
			return nil, fmt.Errorf("%w: libreoffice conversion exceeded %s (render.convert_timeout)", sanitize.ErrTimeout, c.timeout)
		}
		return nil, err
	}
	f, err := os.Open(dst)
	if err != nil {
		if bytes.Contains(out, []byte("Class:Write")) {
			// The file-size limit stopped the export: say which knob it was.
			return nil, &sanitize.LimitError{Limit: "limits.max_file_size", Max: b.Limits().MaxFileSize, Got: b.Limits().MaxFileSize + 1}
		}
		return nil, fmt.Errorf("%w: libreoffice wrote no %s: %s", sanitize.ErrMalformed, target, bytes.TrimSpace(out))
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	if err := b.CheckFileSize(st.Size()); err != nil {
		return nil, err
	}
	data := make([]byte, st.Size())
	if _, err := io.ReadFull(f, data); err != nil {
		return nil, fmt.Errorf("render: read converted %s: %w", target, err)
	}
	return data, nil
}

// profile puts a private LibreOffice profile at dst: a copy of the template when one can
// be made, else a fresh one seeded with the security settings.
func (c *converter) profile(ctx context.Context, dst string, b *sanitize.Budget) error {
	if tmpl := c.warm(ctx, b); tmpl != "" {
		if err := os.CopyFS(dst, os.DirFS(tmpl)); err == nil {
			return nil
		}
		os.RemoveAll(dst)
	}
	return seedProfile(dst)
}

// warm returns the template profile, making it on first use. With a profile folder
// configured (data_dir/cache) the template outlives the process, so a one-shot command
// pays for it once; otherwise it lives in the temp folder until close. A failure is
// remembered: conversions then start from fresh profiles, slower but the same.
func (c *converter) warm(ctx context.Context, b *sanitize.Budget) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.template != "" || c.noWarm {
		return c.template
	}
	if c.profileDir != "" && trustedProfile(c.profileDir) {
		c.template = c.profileDir
		return c.template
	}
	parent := c.tmp
	if c.profileDir != "" {
		parent = filepath.Dir(c.profileDir)
		if os.MkdirAll(parent, 0o700) != nil {
			parent = c.tmp
		}
	}
	dir, err := os.MkdirTemp(parent, "sekisho-lo-profile-")
	if err != nil {
		c.noWarm = true
		return ""
	}
	keep := false
	defer func() {
		if !keep {
			os.RemoveAll(dir)
		}
	}()
	for _, d := range []string{"out", "work"} {
		if os.Mkdir(filepath.Join(dir, d), 0o700) != nil {
			c.noWarm = true
			return ""
		}
	}
	prof := filepath.Join(dir, "profile")
	src := filepath.Join(dir, "work", "warm.txt")
	if seedProfile(prof) != nil || os.WriteFile(src, []byte("sekisho\n"), 0o600) != nil {
		c.noWarm = true
		return ""
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	// The input is our own line of text, so the document's file-size limit is not the one
	// that matters: a first start writes profile files of up to 100 KB, which a small
	// limits.max_file_size would refuse.
	_, err = c.run(ctx, dir, max(b.Limits().MaxFileSize, templateFileLimit), "--convert-to", "pdf", "--outdir", filepath.Join(dir, "out"), src)
	if err != nil || ctx.Err() != nil {
		// Whatever stopped LibreOffice on a one-line text will stop it again: convert
		// from fresh profiles rather than make every document wait for another try.
		c.noWarm = true
		return ""
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "warm.pdf")); err != nil || !trustedProfile(prof) {
		c.noWarm = true
		return ""
	}
	if c.profileDir != "" {
		// Another process may have won the race; either template is as good.
		if err := os.Rename(prof, c.profileDir); err == nil || trustedProfile(c.profileDir) {
			c.template = c.profileDir
			return c.template
		}
	}
	// The profile is the template; the throwaway input and output go.
	os.RemoveAll(filepath.Join(dir, "out"))
	os.RemoveAll(filepath.Join(dir, "work"))
	keep = true
	c.template, c.ownTemplate = prof, true
	return prof
}

// templateFileLimit caps each file LibreOffice writes while it makes the template profile.
const templateFileLimit = 16 << 20

// trustedProfile reports whether the profile at dir still carries the settings that keep
// macros from running: LibreOffice rewrites the file on exit and must have kept them.
func trustedProfile(dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, "user", "registrymodifications.xcu"))
	if err != nil {
		return false
	}
	for _, want := range []string{
		`oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value>`,
		`oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value>`,
	} {
		if !bytes.Contains(b, []byte(want)) {
			return false
		}
	}
	return true
}

// close stops the warm workers and removes a template profile that lives in the temp
// folder.
func (c *converter) close() error {
	if c.pool != nil {
		c.pool.close()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.template == "" || !c.ownTemplate {
		return nil
	}
	err := os.RemoveAll(filepath.Dir(c.template))
	c.template, c.ownTemplate = "", false
	return err
}

func seedProfile(dir string) error {
	if err := os.MkdirAll(filepath.Join(dir, "user"), 0o700); err != nil {
		return fmt.Errorf("render: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "user", "registrymodifications.xcu"), []byte(profileXCU), 0o600); err != nil {
		return fmt.Errorf("render: %w", err)
	}
	return nil
}

// run starts soffice in dir with the profile dir/profile and args, and waits for it, for
// the whole process group and for ctx. It returns the first bytes of its output.
func (c *converter) run(ctx context.Context, dir string, maxFile int64, args ...string) ([]byte, error) {
	args = append([]string{
		"-env:UserInstallation=" + (&url.URL{Scheme: "file", Path: filepath.Join(dir, "profile")}).String(),
		"--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
	}, args...)
	cmd := c.command(dir, maxFile, c.soffice, args...)
	out := &capped{max: 8 << 10}
	cmd.Stdout, cmd.Stderr = out, out
	if err := runGroup(ctx, cmd); err != nil {
		switch {
		case errors.Is(err, errStart):
			return nil, fmt.Errorf("render: start soffice: %w", err)
		case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
			return out.bytes(), err
		}
		return out.bytes(), fmt.Errorf("%w: libreoffice failed: %v: %s", sanitize.ErrMalformed, err, out.bytes())
	}
	return out.bytes(), nil
}

// command is name with args in the sandbox every LibreOffice runs in: in dir, with dir as
// its home and temp folder, in its own process group, every file it writes capped at
// maxFile+1 bytes, and in a network namespace of its own when unshare is usable.
func (c *converter) command(dir string, maxFile int64, name string, args ...string) *exec.Cmd {
	return sandboxed(c.unshare, c.prlimit, dir, []string{fmt.Sprintf("--fsize=%d", maxFile+1)}, name, args...)
}

func writeFile(name string, in *sanitize.Item) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("render: %w", err)
	}
	_, err = io.Copy(f, in.Reader())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("render: write input: %w", err)
	}
	return nil
}

// capped keeps the first max bytes of the converter's output for error messages. A warm
// worker writes to it while its reader looks.
type capped struct {
	mu  sync.Mutex
	buf []byte
	max int
}

func (c *capped) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if room := c.max - len(c.buf); room > 0 {
		c.buf = append(c.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (c *capped) bytes() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]byte(nil), c.buf...)
}

// profileXCU seeds the private profile: macros never run (highest macro security and
// macro execution disabled), no update checks, no remote resources loaded for previews.
const profileXCU = `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Jobs/Jobs/org.openoffice.Office.Jobs:Job['UpdateCheck']/Arguments"><prop oor:name="AutoCheckEnabled" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
`

// waitNoReap blocks until process pid has exited, leaving it a zombie (WNOWAIT), so its
// pid and process group id stay reserved until cmd.Wait reaps it.
func waitNoReap(pid int) {
	var info unix.Siginfo
	for {
		if err := unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOWAIT, nil); err != unix.EINTR {
			return
		}
	}
}
