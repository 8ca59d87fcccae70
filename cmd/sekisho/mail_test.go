package main

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSanitizeMailCorpus runs every message of the mail corpus through sanitize-mail:
// bad-* (not a message) must be refused whole with exit 3 and nothing written; every
// other message must be written (exit 0, also when attachments were removed). The output
// is checked with a second parser (net/mail and mime/multipart, not go-message): it
// parses, carries X-Sekisho-Status equal to the report's verdict, and has no HTML part.
func TestSanitizeMailCorpus(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "mail", "*.eml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 10 {
		t.Fatalf("found %d messages in testdata/mail, want at least 10", len(files))
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			abs, err := filepath.Abs(f)
			if err != nil {
				t.Fatal(err)
			}
			r := sekisho(t, dir, nil, "sanitize-mail", abs, "-o", "out.eml", "--report", "r.json")
			rep := readReport(t, filepath.Join(dir, "r.json"))
			if strings.HasPrefix(name, "bad-") {
				if r.code != exitRefused || rep.Verdict != "quarantined" || rep.Reason == "" {
					t.Fatalf("exit %d verdict %q reason %q, want 3, quarantined and a reason; stderr: %s", r.code, rep.Verdict, rep.Reason, r.stderr)
				}
				if names := listDir(t, dir); len(names) != 1 {
					t.Errorf("directory holds %q, want only r.json", names)
				}
				return
			}
			if r.code != exitOK {
				t.Fatalf("exit %d, want 0; stderr: %s", r.code, r.stderr)
			}
			b, err := os.ReadFile(filepath.Join(dir, "out.eml"))
			if err != nil {
				t.Fatal(err)
			}
			msg, err := mail.ReadMessage(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("net/mail cannot parse the output: %v", err)
			}
			if got := msg.Header.Get("X-Sekisho-Status"); got != rep.Verdict {
				t.Errorf("X-Sekisho-Status = %q, want the report's verdict %q", got, rep.Verdict)
			}
			walkParts(t, msg.Header.Get("Content-Type"), msg.Body, 0)
		})
	}
}

// walkParts fails on any text/html part, at any depth, read with the standard library.
func walkParts(t *testing.T, ctype string, body io.Reader, depth int) {
	t.Helper()
	if depth > 16 {
		t.Fatal("output nests deeper than 16 levels")
	}
	if ctype == "" {
		ctype = "text/plain"
	}
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		t.Fatalf("bad Content-Type %q in output: %v", ctype, err)
	}
	switch {
	case mt == "text/html":
		t.Errorf("output has a text/html part")
	case strings.HasPrefix(mt, "multipart/"):
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return
			}
			if err != nil {
				t.Fatalf("mime/multipart cannot read the output: %v", err)
			}
			walkParts(t, p.Header.Get("Content-Type"), p, depth+1)
		}
	case mt == "message/rfc822":
		inner, err := mail.ReadMessage(body)
		if err != nil {
			t.Fatalf("attached message does not parse: %v", err)
		}
		walkParts(t, inner.Header.Get("Content-Type"), inner.Body, depth+1)
	}
}

func TestSanitizeMailRefusesNonMessages(t *testing.T) {
	tests := []struct {
		name, file string
		content    []byte
		wantCode   int
		wantStderr string
	}{
		{"pdf is not a message", "a.eml", []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"), exitRefused, "not a mail message"},
		{"executable name", "mail.exe", []byte("From: a@example.jp\r\n\r\nhi\r\n"), exitRefused, "extension .exe"},
		{"elf bytes", "a.eml", elfBytes, exitRefused, "blocked"},
		{"empty", "a.eml", nil, exitRefused, "empty file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string][]byte{tc.file: tc.content})
			r := sekisho(t, dir, nil, "sanitize-mail", tc.file, "-o", "out.eml")
			if r.code != tc.wantCode || !strings.Contains(r.stderr, tc.wantStderr) {
				t.Errorf("exit %d stderr %q, want %d and %q", r.code, r.stderr, tc.wantCode, tc.wantStderr)
			}
			if _, err := os.Stat(filepath.Join(dir, "out.eml")); err == nil {
				t.Errorf("out.eml was written for a refused input")
			}
		})
	}
}
