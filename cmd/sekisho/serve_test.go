package main

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sekisho/sekisho/internal/testtool"
)

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitPort(t *testing.T, addr string) {
	t.Helper()
	for i := 0; i < 300; i++ {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("nothing listening on %s", addr)
}

// postfixSink runs Postfix's smtp-sink dumping every transaction into dir.
func postfixSink(t *testing.T, dir string) string {
	bin := testtool.Need(t, "smtp-sink")
	os.Chmod(dir, 0o777)
	addr := freeAddr(t)
	args := []string{"-d", dir + "/%H%M%S.", addr, "64"}
	if os.Geteuid() == 0 {
		args = append([]string{"-u", "nobody"}, args...)
	}
	cmd := exec.Command(bin, args...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	waitPort(t, addr)
	return addr
}

// dumps returns the messages smtp-sink has written, parsed with net/mail.
func dumps(t *testing.T, dir string) []*mail.Message {
	ents, _ := os.ReadDir(dir)
	var out []*mail.Message
	for _, e := range ents {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil || !bytes.HasSuffix(data, []byte("\n")) {
			continue
		}
		m, err := mail.ReadMessage(bytes.NewReader(data))
		if err == nil {
			out = append(out, m)
		}
	}
	return out
}

func waitDumps(t *testing.T, dir string, n int) []*mail.Message {
	t.Helper()
	for i := 0; i < 600; i++ {
		if d := dumps(t, dir); len(d) >= n {
			time.Sleep(100 * time.Millisecond)
			return dumps(t, dir)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the sink did not receive %d messages", n)
	return nil
}

// docmFrom turns a real docx into a macro-enabled document with a VBA project.
func docmFrom(t *testing.T, docx string) []byte {
	zr, err := zip.OpenReader(docx)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		rc, _ := f.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		switch f.Name {
		case "[Content_Types].xml":
			s := strings.Replace(string(data), "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", "application/vnd.ms-word.document.macroEnabled.main+xml", 1)
			s = strings.Replace(s, "<Default ", `<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/><Default `, 1)
			data = []byte(s)
		case "word/_rels/document.xml.rels":
			data = []byte(strings.Replace(string(data), "</Relationships>", `<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>`, 1))
		}
		w, _ := zw.Create(f.Name)
		w.Write(data)
	}
	w, _ := zw.Create("word/vbaProject.bin")
	w.Write(bytes.Repeat([]byte("Attribute VB_Name = \"AutoOpen\"\x00"), 40))
	zw.Close()
	return buf.Bytes()
}

func attachment(name, ctype string, data []byte) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Content-Type: %s; name=\"%s\"\r\nContent-Disposition: attachment; filename=\"%s\"\r\nContent-Transfer-Encoding: base64\r\n\r\n", ctype, name, name)
	enc := base64.StdEncoding.EncodeToString(data)
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return b.String()
}

func buildMail(subject, html string, atts ...string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: sender@example.com\r\nTo: staff@city.lg.jp\r\nSubject: %s\r\nDate: Wed, 25 Nov 2026 10:00:00 +0900\r\nMessage-ID: <%d@example.com>\r\nMIME-Version: 1.0\r\n",
		mime.BEncoding.Encode("utf-8", subject), time.Now().UnixNano())
	b.WriteString("Content-Type: multipart/mixed; boundary=\"OUTER\"\r\n\r\n--OUTER\r\n")
	b.WriteString("Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	b.WriteString(base64.StdEncoding.EncodeToString([]byte(html)) + "\r\n")
	for _, a := range atts {
		b.WriteString("--OUTER\r\n" + a)
	}
	b.WriteString("--OUTER--\r\n")
	return []byte(b.String())
}

// parts returns the decoded text and the attachments (name → bytes) of a message.
func parts(t *testing.T, m *mail.Message) (string, map[string][]byte) {
	t.Helper()
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	decode := func(cte string, r io.Reader) []byte {
		if strings.EqualFold(cte, "base64") {
			r = base64.NewDecoder(base64.StdEncoding, r)
		}
		data, _ := io.ReadAll(r)
		return data
	}
	if !strings.HasPrefix(mt, "multipart/") {
		return string(decode(m.Header.Get("Content-Transfer-Encoding"), m.Body)), nil
	}
	atts := map[string][]byte{}
	var text string
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		if strings.HasPrefix(p.Header.Get("Content-Type"), "text/html") {
			t.Fatal("a text/html part reached the LGWAN side")
		}
		data := decode(p.Header.Get("Content-Transfer-Encoding"), p)
		if p.FileName() != "" {
			atts[p.FileName()] = data
		} else if strings.HasPrefix(p.Header.Get("Content-Type"), "text/plain") {
			text += string(data)
		}
	}
	return text, atts
}

// TestServeEndToEnd runs `sekisho serve` between swaks and Postfix's smtp-sink: a
// Japanese HTML mail with a macro document and a PDF with JavaScript arrives as plain text
// with a clean .docx, a clean PDF and a Japanese notice; an encrypted zip is quarantined,
// released by an operator and delivered; the audit log verifies, and stops verifying once
// a line is edited.
func TestServeEndToEnd(t *testing.T) {
	swaks := testtool.Need(t, "swaks")
	dir := t.TempDir()
	// smtp-sink drops privileges to nobody, who cannot enter t.TempDir (mode 0700).
	sinkDir, err := os.MkdirTemp("", "sekisho-sink-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(sinkDir) })
	sink := postfixSink(t, sinkDir)
	smtpAddr, httpAddr := freeAddr(t), freeAddr(t)
	cfg := fmt.Sprintf(`data_dir: %s
smtp:
  listen: %s
  hostname: gw.city.lg.jp
  domains: [city.lg.jp]
delivery:
  retry_base: 1s
  routes:
    city.lg.jp: smtp://%s?tls=none
    "*": smtp://%s?tls=none
http:
  listen: %s
`, filepath.Join(dir, "data"), smtpAddr, sink, sink, httpAddr)
	cfgPath := filepath.Join(dir, "sekisho.yaml")
	os.WriteFile(cfgPath, []byte(cfg), 0o644)

	srv := exec.Command(binary, "serve", "--config", cfgPath)
	logs := &syncBuffer{}
	srv.Stdout, srv.Stderr = logs, logs
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer srv.Process.Kill()
	waitPort(t, smtpAddr)
	if resp, err := http.Get("http://" + httpAddr + "/healthz"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v", err)
	}

	root := filepath.Join("..", "..", "testdata")
	pdfJS, err := os.ReadFile(filepath.Join(root, "pdf", "hostile-js-openaction.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	zipEnc, err := os.ReadFile(filepath.Join(root, "archive", "bad-zipcrypto.zip"))
	if err != nil {
		t.Fatal(err)
	}
	html := `<html><body><p>いつもお世話になっております。請求書を添付いたします。</p><script>alert(1)</script><p>よろしくお願いいたします。</p></body></html>`
	send := func(msg []byte) {
		t.Helper()
		f := filepath.Join(dir, fmt.Sprintf("msg-%d.eml", time.Now().UnixNano()))
		os.WriteFile(f, msg, 0o644)
		host, port, _ := net.SplitHostPort(smtpAddr)
		out, err := exec.Command(swaks, "--server", host, "--port", port, "--from", "sender@example.com",
			"--to", "staff@city.lg.jp", "--data", f, "--timeout", "30").CombinedOutput()
		if err != nil || !strings.Contains(string(out), "250 2.0.0 OK queued as") {
			t.Fatalf("swaks: %v\n%s\nserver log:\n%s", err, out, logs.String())
		}
	}
	send(buildMail("請求書送付のお知らせ", html,
		attachment("請求書.docm", "application/vnd.ms-word.document.macroEnabled.12", docmFrom(t, filepath.Join(root, "ooxml", "report.docx"))),
		attachment("見積書.pdf", "application/pdf", pdfJS)))
	got := waitDumps(t, sinkDir, 1)
	subj, _ := new(mime.WordDecoder).DecodeHeader(got[0].Header.Get("Subject"))
	if subj != "請求書送付のお知らせ" {
		t.Errorf("subject = %q", subj)
	}
	text, atts := parts(t, got[0])
	for _, want := range []string{"請求書を添付いたします。", "よろしくお願いいたします。", "マクロ", "を取り除きました", "請求書.docx"} {
		if !strings.Contains(text, want) {
			t.Errorf("delivered text lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "alert(1)") {
		t.Error("script content reached the text")
	}
	docx, ok := atts["請求書.docx"]
	if !ok {
		t.Fatalf("no 請求書.docx attachment; have %v\n%s", keys(atts), text)
	}
	zr, err := zip.NewReader(bytes.NewReader(docx), int64(len(docx)))
	if err != nil {
		t.Fatalf("delivered docx is not a zip: %v", err)
	}
	for _, f := range zr.File {
		if strings.Contains(strings.ToLower(f.Name), "vbaproject") {
			t.Errorf("delivered docx still has %s", f.Name)
		}
	}
	pdf, ok := atts["見積書.pdf"]
	if !ok {
		t.Fatalf("no 見積書.pdf attachment; have %v", keys(atts))
	}
	qpdf := testtool.Need(t, "qpdf")
	in, out := filepath.Join(dir, "in.pdf"), filepath.Join(dir, "qdf.pdf")
	os.WriteFile(in, pdf, 0o644)
	exec.Command(qpdf, "--qdf", "--object-streams=disable", in, out).Run()
	expanded, _ := os.ReadFile(out)
	if len(expanded) == 0 || regexp.MustCompile(`/(JavaScript|JS|OpenAction)\b`).Match(expanded) {
		t.Errorf("delivered PDF still has JavaScript or OpenAction (or qpdf failed)")
	}

	// An encrypted zip cannot be inspected: it is held, the rest is delivered with a notice.
	send(buildMail("パスワード付きファイル", "<p>パスワードは別送します。</p>", attachment("資料.zip", "application/zip", zipEnc)))
	got = waitDumps(t, sinkDir, 2)
	var notice string
	for _, m := range got {
		if s, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject")); s == "パスワード付きファイル" {
			notice, _ = parts(t, m)
		}
	}
	qid := regexp.MustCompile(`Q\d{8}-[0-9A-F]{12}`).FindString(notice)
	if !strings.Contains(notice, "保管しました") || !strings.Contains(notice, "保管番号 "+qid) || qid == "" {
		t.Fatalf("notice lacks the quarantine line and ID:\n%s", notice)
	}
	r := sekisho(t, dir, nil, "quarantine", "list", "--config", cfgPath)
	if r.code != 0 || !strings.Contains(r.stdout, qid) || !strings.Contains(r.stdout, "資料.zip") {
		t.Fatalf("quarantine list: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := sekisho(t, dir, nil, "quarantine", "release", qid, "--config", cfgPath, "--actor", "operator1"); r.code != exitUsage {
		t.Errorf("release without --reason: exit %d, want %d", r.code, exitUsage)
	}
	r = sekisho(t, dir, nil, "quarantine", "release", qid, "--config", cfgPath, "--actor", "operator1", "--reason", "送信者に電話で確認済み")
	if r.code != 0 {
		t.Fatalf("release: %d %s", r.code, r.stderr)
	}
	got = waitDumps(t, sinkDir, 3)
	released := false
	for _, m := range got {
		if strings.Contains(m.Header.Get("X-Sekisho-Released"), qid) {
			_, a := parts(t, m)
			released = bytes.Equal(a["資料.zip"], zipEnc)
		}
	}
	if !released {
		t.Fatal("the released zip did not arrive intact")
	}
	if r := sekisho(t, dir, nil, "quarantine", "verify-audit", "--config", cfgPath); r.code != 0 {
		t.Fatalf("verify-audit on an intact log: %d %s", r.code, r.stderr)
	}

	srv.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- srv.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve exited with %v after SIGTERM\n%s", err, logs.String())
		}
	case <-time.After(40 * time.Second):
		t.Fatal("serve did not stop after SIGTERM")
	}
	auditPath := filepath.Join(dir, "data", "quarantine", "audit.log")
	data, _ := os.ReadFile(auditPath)
	if !regexp.MustCompile(`"action":"release","id":"` + qid + `","actor":"operator1","reason":"送信者に電話で確認済み","rcpts":\["[^"]+@`).Match(data) {
		t.Errorf("the audit log does not record the release with actor, reason and recipients:\n%s", data)
	}
	os.WriteFile(auditPath, bytes.Replace(data, []byte(`"actor":"operator1"`), []byte(`"actor":"someone"`), 1), 0o600)
	if r := sekisho(t, dir, nil, "quarantine", "verify-audit", "--config", cfgPath); r.code == 0 {
		t.Fatal("verify-audit passed an edited audit log")
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
