// Command transferload drives the file-transfer benchmark (benchmarks/transfer.sh):
// uploads through an upload link on sekisho's Internet side, waits for the engine, logs in
// on the portal and downloads every sanitized file; and the same bytes uploaded to a
// minimal fasthttp handler that only writes the body to disk (the raw rate).
//
//	transferload gen-text -size 2GiB -o FILE
//	transferload raw-server -dir DIR [-block]     (prints its address, serves until killed)
//	transferload raw -url https://ADDR FILE...
//	transferload sekisho -link URL -portal URL -user U -password P [-multipart] [-out DIR] FILE...
//
// Each run prints one line of key=value figures. A download is read and its SHA-256
// checked against the ETag (the output's hash) as a staff terminal would receive it, not
// written to this machine's disk unless -out names a directory.
package main

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: transferload gen-text|raw-server|raw|sekisho ...")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "gen-text":
		err = genText(os.Args[2:])
	case "raw-server":
		err = rawServer(os.Args[2:])
	case "raw":
		err = raw(os.Args[2:])
	case "sekisho":
		err = sekisho(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "transferload:", err)
		os.Exit(1)
	}
}

func parseSize(s string) (int64, error) {
	mult := int64(1)
	for _, u := range []struct {
		suf string
		m   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n, ok := strings.CutSuffix(s, u.suf); ok {
			s, mult = n, u.m
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n * mult, err
}

// genText writes a UTF-8 text of Japanese lines, distinct (numbered), of about -size bytes.
func genText(args []string) error {
	fs := flag.NewFlagSet("gen-text", flag.ExitOnError)
	size := fs.String("size", "2GiB", "bytes")
	out := fs.String("o", "", "output file")
	fs.Parse(args)
	n, err := parseSize(*size)
	if err != nil {
		return err
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var written int64
	for i := 0; written < n; i++ {
		line := fmt.Sprintf("%09d 令和8年度の業務委託契約について、東京都千代田区霞が関の庁舎で数量 %d、単価 %d 円として記録する。\n", i, i%97, i%10007)
		if written+int64(len(line)) > n {
			line = strings.Repeat("x", int(n-written-1)) + "\n"
		}
		k, err := w.WriteString(line)
		if err != nil {
			return err
		}
		written += int64(k)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

func selfSigned() (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

// rawServer is the baseline: a fasthttp handler, with TLS like sekisho's Internet side,
// that streams each PUT body to a new file and answers 201.
func rawServer(args []string) error {
	fs := flag.NewFlagSet("raw-server", flag.ExitOnError)
	dir := fs.String("dir", "", "where bodies are written")
	block := fs.Bool("block", false, "fill 256 KiB blocks before each write, as sekisho writes its staged upload (default: one write per read, a TLS record)")
	fs.Parse(args)
	cert, err := selfSigned()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	var seq atomic.Int64
	srv := &fasthttp.Server{StreamRequestBody: true, MaxRequestBodySize: 1 << 20, Handler: func(ctx *fasthttp.RequestCtx) {
		f, err := os.Create(filepath.Join(*dir, fmt.Sprintf("body-%d", seq.Add(1))))
		if err != nil {
			ctx.Error(err.Error(), 500)
			return
		}
		buf := make([]byte, 256<<10)
		if *block {
			err = copyBlocks(f, ctx.RequestBodyStream(), buf)
		} else {
			_, err = io.CopyBuffer(f, ctx.RequestBodyStream(), buf)
		}
		if err == nil {
			err = f.Sync()
		}
		f.Close()
		if err != nil {
			ctx.Error(err.Error(), 500)
			return
		}
		ctx.SetStatusCode(201)
	}}
	fmt.Println(ln.Addr().String())
	return srv.Serve(tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}}))
}

// copyBlocks copies src to dst in writes of len(buf) bytes (the last one shorter).
func copyBlocks(dst io.Writer, src io.Reader, buf []byte) error {
	for {
		n, err := io.ReadFull(src, buf)
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return werr
			}
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true},
		MaxIdleConnsPerHost: 8, DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func put(c *http.Client, u, file string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, _ := f.Stat()
	req, _ := http.NewRequest("PUT", u, f)
	req.ContentLength = fi.Size()
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("PUT %s: %s", u, resp.Status)
	}
	return nil
}

func total(files []string) int64 {
	var n int64
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil {
			n += fi.Size()
		}
	}
	return n
}

func mibs(bytes int64, d time.Duration) float64 { return float64(bytes) / (1 << 20) / d.Seconds() }

func raw(args []string) error {
	fs := flag.NewFlagSet("raw", flag.ExitOnError)
	base := fs.String("url", "", "the raw server")
	fs.Parse(args)
	files := fs.Args()
	c := client()
	start := time.Now()
	for i, f := range files {
		if err := put(c, fmt.Sprintf("%s/%d", *base, i), f); err != nil {
			return err
		}
	}
	d := time.Since(start)
	n := total(files)
	fmt.Printf("mode=raw files=%d bytes=%d seconds=%.2f MiB/s=%.1f\n", len(files), n, d.Seconds(), mibs(n, d))
	return nil
}

type fileJSON struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	State   string `json:"state"`
	Verdict string `json:"verdict"`
	Reason  string `json:"reason"`
	OutSize int64  `json:"output_size"`
}

type transferJSON struct {
	ID     string     `json:"id"`
	State  string     `json:"state"`
	Upload string     `json:"upload"`
	Files  []fileJSON `json:"files"`
}

func getJSON(c *http.Client, u string, v any) error {
	resp, err := c.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func login(c *http.Client, portal, user, password string) error {
	resp, err := c.Get(portal + "/login")
	if err != nil {
		return err
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	m := csrfRE.FindSubmatch(b)
	if m == nil {
		return errors.New("no CSRF token on the login page")
	}
	resp, err = c.PostForm(portal+"/login", url.Values{"user": {user}, "password": {password}, "csrf": {string(m[1])}})
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != 303 || strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		return fmt.Errorf("login: %s %s", resp.Status, resp.Header.Get("Location"))
	}
	return nil
}

func sekisho(args []string) error {
	fs := flag.NewFlagSet("sekisho", flag.ExitOnError)
	link := fs.String("link", "", "upload link URL (https://HOST/u/TOKEN)")
	portal := fs.String("portal", "", "portal URL")
	user := fs.String("user", "", "portal user the link is for")
	password := fs.String("password", "", "")
	useMultipart := fs.Bool("multipart", false, "all files in one multipart POST (else one PUT each)")
	out := fs.String("out", "", "directory the downloads are also written to (default: read and hashed only)")
	fs.Parse(args)
	files := fs.Args()
	lu, err := url.Parse(*link)
	if err != nil {
		return err
	}
	token := strings.TrimPrefix(lu.Path, "/u/")
	internet := lu.Scheme + "://" + lu.Host
	api := internet + "/api/v1/u/" + token
	c := client()
	// A staff member is logged in before the partner uploads: the login (an Argon2id
	// verification, hundreds of CPU-ms on a loaded machine) is not the transfer's cost.
	loginStart := time.Now()
	if err := login(c, *portal, *user, *password); err != nil {
		return err
	}
	loginTime := time.Since(loginStart)

	start := time.Now()
	var statusURLs []string
	var tail time.Duration // from each PUT body's last byte to its answer (the result)
	if *useMultipart {
		pr, pw := io.Pipe()
		mw := multipart.NewWriter(pw)
		go func() {
			for _, f := range files {
				part, err := mw.CreateFormFile("file", filepath.Base(f))
				if err == nil {
					var in *os.File
					if in, err = os.Open(f); err == nil {
						_, err = io.Copy(part, in)
						in.Close()
					}
				}
				if err != nil {
					pw.CloseWithError(err)
					return
				}
			}
			pw.CloseWithError(mw.Close())
		}()
		resp, err := c.Post(api, mw.FormDataContentType(), pr)
		if err != nil {
			return err
		}
		var t transferJSON
		err = json.NewDecoder(resp.Body).Decode(&t)
		resp.Body.Close()
		if err != nil || resp.StatusCode/100 != 2 {
			return fmt.Errorf("multipart POST: %s %v", resp.Status, err)
		}
		statusURLs = append(statusURLs, internet+t.Upload)
	} else {
		for _, f := range files {
			fh, err := os.Open(f)
			if err != nil {
				return err
			}
			fi, _ := fh.Stat()
			body := &lastByte{r: fh}
			req, _ := http.NewRequest("PUT", api+"/"+url.PathEscape(filepath.Base(f)), body)
			req.ContentLength = fi.Size()
			resp, err := c.Do(req)
			fh.Close()
			if err != nil {
				return err
			}
			if !body.at.IsZero() {
				tail += time.Since(body.at)
			}
			var t transferJSON
			err = json.NewDecoder(resp.Body).Decode(&t)
			resp.Body.Close()
			if err != nil || resp.StatusCode/100 != 2 {
				return fmt.Errorf("PUT: %s %v", resp.Status, err)
			}
			statusURLs = append(statusURLs, internet+t.Upload)
		}
	}
	uploaded := time.Since(start)
	// Wait for the engine.
	var transfers []transferJSON
	for _, su := range statusURLs {
		for {
			var t transferJSON
			if err := getJSON(c, su, &t); err != nil {
				return err
			}
			if t.State != "open" && t.State != "processing" {
				transfers = append(transfers, t)
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	sanitized := time.Since(start)
	dlStart := time.Now()
	var got int64
	verdicts := map[string]int{}
	for _, t := range transfers {
		for _, f := range t.Files {
			verdicts[f.State+"/"+f.Verdict]++
			if f.State != "ready" {
				continue
			}
			resp, err := c.Get(*portal + "/transfers/" + t.ID + "/files/" + f.ID)
			if err != nil {
				return err
			}
			h := sha256.New()
			var dst io.Writer = h
			var file *os.File
			if *out != "" {
				if file, err = os.Create(filepath.Join(*out, f.ID)); err != nil {
					resp.Body.Close()
					return err
				}
				dst = io.MultiWriter(file, h)
			}
			n, err := copyHashing(dst, resp.Body)
			resp.Body.Close()
			if file != nil {
				if cerr := file.Close(); err == nil {
					err = cerr
				}
			}
			if err != nil || resp.StatusCode != 200 || n != f.OutSize {
				return fmt.Errorf("download %s: %s, %d of %d bytes: %v", f.Name, resp.Status, n, f.OutSize, err)
			}
			if sum := hex.EncodeToString(h.Sum(nil)); resp.Header.Get("ETag") != `"`+sum+`"` {
				return fmt.Errorf("download %s: SHA-256 %s, ETag %s", f.Name, sum, resp.Header.Get("ETag"))
			}
			got += n
		}
	}
	d := time.Since(start)
	downloaded := time.Since(dlStart)
	n := total(files)
	var vs []string
	for k, v := range verdicts {
		vs = append(vs, fmt.Sprintf("%s:%d", k, v))
	}
	mode := "sekisho"
	if *out != "" {
		mode = "sekisho-write"
	}
	tailS := ""
	if !*useMultipart {
		tailS = fmt.Sprintf(" put_tail_s=%.2f", tail.Seconds())
	}
	fmt.Printf("mode=%s login_s=%.2f files=%d bytes=%d downloaded=%d upload_s=%.2f%s sanitized_s=%.2f download_s=%.2f seconds=%.2f MiB/s=%.1f results=%s\n",
		mode, loginTime.Seconds(), len(files), n, got, uploaded.Seconds(), tailS, sanitized.Seconds(), downloaded.Seconds(), d.Seconds(), mibs(n, d), strings.Join(vs, ","))
	return nil
}

// lastByte is an upload body that notes when its last byte was handed to the connection.
type lastByte struct {
	r  io.Reader
	at time.Time
}

func (l *lastByte) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	if err == io.EOF && l.at.IsZero() {
		l.at = time.Now()
	}
	return n, err
}

// copyHashing copies src to dst (the hash, or the file and the hash) on a goroutine of its
// own, a 256 KiB block at a time, so that reading the connection and hashing overlap as a
// browser's reading and writing to disk do.
func copyHashing(dst io.Writer, src io.Reader) (int64, error) {
	const depth = 4
	free := make(chan []byte, depth)
	full := make(chan []byte, depth)
	for range depth {
		free <- make([]byte, 256<<10)
	}
	werr := make(chan error, 1)
	go func() { // ends when full is closed, below
		var err error
		for b := range full {
			if err == nil {
				_, err = dst.Write(b)
			}
			free <- b[:cap(b)]
		}
		werr <- err
	}()
	var n int64
	var err error
	for {
		b := <-free
		k, rerr := io.ReadFull(src, b)
		n += int64(k)
		full <- b[:k]
		if rerr != nil {
			if rerr != io.EOF && rerr != io.ErrUnexpectedEOF {
				err = rerr
			}
			break
		}
	}
	close(full)
	if e := <-werr; err == nil {
		err = e
	}
	return n, err
}
