package main

import (
	"bytes"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestTransferCrashResume kills serve with SIGKILL in the middle of a tus PATCH and starts
// it again: the bytes acknowledged before (and those the dead process had written) are
// still there, HEAD says where to go on, and the finished file is the original.
func TestTransferCrashResume(t *testing.T) {
	dir := t.TempDir()
	httpAddr, inet := freeAddr(t), freeAddr(t)
	cfg := fmt.Sprintf(`data_dir: %s
smtp: {listen: %s}
http: {listen: %s}
transfer:
  enabled: true
  internet_listen: %s
`, filepath.Join(dir, "data"), freeAddr(t), httpAddr, inet)
	cfgPath := filepath.Join(dir, "sekisho.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := sekisho(t, dir, []byte("correct horse battery\n"), "user", "add", "tanaka", "--role", "staff", "--config", cfgPath); r.code != 0 {
		t.Fatalf("user add: %s", r.stderr)
	}
	r := sekisho(t, dir, nil, "transfer", "link", "--owner", "tanaka", "--config", cfgPath)
	token, ok := strings.CutPrefix(strings.TrimSpace(r.stdout), "https://"+inet+"/u/")
	if r.code != 0 || !ok {
		t.Fatalf("transfer link: %d %q %q", r.code, r.stdout, r.stderr)
	}
	serve := func() *exec.Cmd {
		t.Helper()
		srv := exec.Command(binary, "serve", "--config", cfgPath)
		logs := &syncBuffer{}
		srv.Stdout, srv.Stderr = logs, logs
		if err := srv.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { srv.Process.Kill(); srv.Wait() })
		waitPort(t, inet)
		return srv
	}
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	do := func(method, url string, h map[string]string, body io.Reader) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(method, url, body)
		req.Header.Set("Tus-Resumable", "1.0.0")
		for k, v := range h {
			req.Header.Set(k, v)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, url, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(b)
	}
	base := "https://" + inet
	var data bytes.Buffer
	for i := 0; data.Len() < 6<<20; i++ {
		fmt.Fprintf(&data, "%08d 無害化 crash line\n", i)
	}
	srv := serve()
	resp, body := do("POST", base+"/api/v1/u/"+token, nil, nil)
	var tr struct {
		ID     string `json:"id"`
		Upload string `json:"upload"`
		State  string `json:"state"`
		Files  []struct {
			State, Verdict string
		} `json:"files"`
	}
	if err := json.Unmarshal([]byte(body), &tr); resp.StatusCode != 201 || err != nil || tr.Upload == "" {
		t.Fatalf("open = %d %s", resp.StatusCode, body)
	}
	resp, _ = do("POST", base+tr.Upload+"/files", map[string]string{"Upload-Length": fmt.Sprint(data.Len()),
		"Upload-Metadata": "filename bG9nLnR4dA=="}, nil)
	file := resp.Header.Get("Location")
	if resp.StatusCode != 201 || file == "" {
		t.Fatalf("create = %d", resp.StatusCode)
	}
	patch := map[string]string{"Content-Type": "application/offset+octet-stream"}
	patch["Upload-Offset"] = "0"
	acked := int64(2 << 20)
	if resp, body := do("PATCH", base+file, patch, bytes.NewReader(data.Bytes()[:acked])); resp.StatusCode != 204 {
		t.Fatalf("first PATCH = %d %s", resp.StatusCode, body)
	}
	// The second PATCH sends 1 MiB more and stalls; serve dies under it.
	pr, pw := io.Pipe()
	go func() {
		pw.Write(data.Bytes()[acked : acked+1<<20])
		time.Sleep(2 * time.Second)
		srv.Process.Signal(syscall.SIGKILL)
		time.Sleep(500 * time.Millisecond)
		pw.CloseWithError(io.ErrUnexpectedEOF)
	}()
	patch["Upload-Offset"] = fmt.Sprint(acked)
	req, _ := http.NewRequest("PATCH", base+file, pr)
	req.ContentLength = int64(data.Len()) - acked
	req.Header.Set("Tus-Resumable", "1.0.0")
	for k, v := range patch {
		req.Header.Set(k, v)
	}
	if resp, err := c.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("the PATCH under a killed serve answered %d", resp.StatusCode)
	}
	srv.Wait()
	c.CloseIdleConnections()

	serve()
	resp, _ = do("HEAD", base+file, nil, nil)
	var off int64
	fmt.Sscan(resp.Header.Get("Upload-Offset"), &off)
	if resp.StatusCode != 200 || off < acked || off > acked+1<<20 {
		t.Fatalf("after the crash HEAD = %d, offset %d; acknowledged %d", resp.StatusCode, off, acked)
	}
	patch["Upload-Offset"] = fmt.Sprint(off)
	if resp, body := do("PATCH", base+file, patch, bytes.NewReader(data.Bytes()[off:])); resp.StatusCode != 204 {
		t.Fatalf("resumed PATCH = %d %s", resp.StatusCode, body)
	}
	if resp, body := do("POST", base+tr.Upload+"/done", nil, nil); resp.StatusCode != 200 {
		t.Fatalf("done = %d %s", resp.StatusCode, body)
	}
	for i := 0; ; i++ {
		_, body := do("GET", base+tr.Upload, nil, nil)
		json.Unmarshal([]byte(body), &tr)
		if tr.State == "ready" {
			break
		}
		if i > 300 {
			t.Fatalf("transfer after resume: %s", body)
		}
		time.Sleep(200 * time.Millisecond)
	}
	sum := sha256.Sum256(data.Bytes())
	show := sekisho(t, dir, nil, "transfer", "show", tr.ID, "--json", "--config", cfgPath)
	if !strings.Contains(show.stdout, `"SHA256": "`+hex.EncodeToString(sum[:])+`"`) || !strings.Contains(show.stdout, `"State": "ready"`) {
		t.Fatalf("the stored file is not the original: %s %s", show.stdout, show.stderr)
	}
}
