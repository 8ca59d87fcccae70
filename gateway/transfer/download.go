package transfer

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
)

// errTooSlow: a client kept an upload or download below transfer.min_rate.
var errTooSlow = errors.New("transfer: client too slow")

// Pace bounds a body in either direction: each read or write must complete within Idle;
// after Idle has passed the average rate must stay at MinRate or above. A client that
// trickles is cut, so it cannot hold a connection for days (a deadline per read alone
// would let one byte a minute keep it open).
type Pace struct {
	Idle    time.Duration
	MinRate int64
}

// pacedReader reads a request body with Pace: the read deadline of the connection moves
// with each read.
type pacedReader struct {
	r     io.Reader
	conn  net.Conn
	p     Pace
	start time.Time
	n     int64
	last  time.Time
}

func newPacedReader(r io.Reader, conn net.Conn, p Pace) *pacedReader {
	return &pacedReader{r: r, conn: conn, p: p, start: time.Now()}
}

func (pr *pacedReader) check(now time.Time) error {
	if el := now.Sub(pr.start); pr.p.MinRate > 0 && el > pr.p.Idle && float64(pr.n) < el.Seconds()*float64(pr.p.MinRate) {
		return errTooSlow
	}
	return nil
}

func (pr *pacedReader) Read(b []byte) (int, error) {
	now := time.Now()
	if err := pr.check(now); err != nil {
		return 0, err
	}
	// Moving the deadline on every 32 KiB read costs more than it buys: every 100 ms is
	// exact enough for a deadline of seconds.
	if pr.conn != nil && now.Sub(pr.last) > 100*time.Millisecond {
		pr.conn.SetReadDeadline(now.Add(pr.p.Idle))
		pr.last = now
	}
	n, err := pr.r.Read(b)
	pr.n += int64(n)
	return n, err
}

// pacedBody feeds a response body to fasthttp with Pace on the connection's writes; it
// runs after the handler returned, while fasthttp writes the response, and closes the
// file when done.
type pacedBody struct {
	pacedReader
	c io.Closer
	// file is the body's file when it is a plain file positioned at the body's first
	// byte, with left bytes to send: on a connection without TLS it goes out by sendfile.
	file *os.File
	left int64
}

// sendChunk is how much one sendfile call may send before the pace is checked and the
// write deadline moved: the size of the copy path's writes, so a slow client is cut at
// the same point on either path.
const sendChunk = 256 << 10

// sentByFile counts bodies sent by sendfile (for the tests).
var sentByFile atomic.Int64

func (pb *pacedBody) Read(b []byte) (int, error) {
	now := time.Now()
	if err := pb.check(now); err != nil {
		return 0, err
	}
	if pb.conn != nil && now.Sub(pb.last) > 100*time.Millisecond {
		pb.conn.SetWriteDeadline(now.Add(pb.p.Idle))
		pb.last = now
	}
	n, err := pb.r.Read(b)
	pb.n += int64(n)
	return n, err
}

// WriteTo sends the body in large writes. Without it fasthttp copies a stream through its
// 4 KiB response buffer: a system call per 4 KiB of a multi-gigabyte download.
func (pb *pacedBody) WriteTo(w io.Writer) (int64, error) {
	if rf, ok := w.(io.ReaderFrom); ok && pb.file != nil {
		if _, plain := pb.conn.(*net.TCPConn); plain {
			return pb.sendFile(rf)
		}
	}
	// Neither side's own ReadFrom or WriteTo: they would lead back to the small buffer.
	return io.CopyBuffer(struct{ io.Writer }{w}, struct{ io.Reader }{pb}, make([]byte, 256<<10))
}

// sendFile hands the file to fasthttp's writer a chunk at a time as an io.LimitedReader
// over the *os.File: the writer flushes the header and passes it to the TCP connection's
// ReadFrom, which sends it with sendfile(2), the bytes never copied through user space.
// Between chunks the pace is checked and the write deadline moved as on the copy path.
// Over TLS (the Internet side, a portal with tls_cert) the bytes must be encrypted here
// and the copy path runs.
func (pb *pacedBody) sendFile(rf io.ReaderFrom) (int64, error) {
	sentByFile.Add(1)
	var total int64
	for pb.left > 0 {
		now := time.Now()
		if err := pb.check(now); err != nil {
			return total, err
		}
		if now.Sub(pb.last) > 100*time.Millisecond {
			pb.conn.SetWriteDeadline(now.Add(pb.p.Idle))
			pb.last = now
		}
		k, err := rf.ReadFrom(&io.LimitedReader{R: pb.file, N: min(pb.left, sendChunk)})
		total, pb.n, pb.left = total+k, pb.n+k, pb.left-k
		if err != nil {
			return total, err
		}
		if k == 0 {
			return total, io.ErrUnexpectedEOF // the file is shorter than its recorded size
		}
	}
	return total, nil
}

func (pb *pacedBody) Close() error { return pb.c.Close() }

// Content is one file to serve.
type Content struct {
	Name string // the download's file name
	Type string // the output's MIME type
	Size int64
	ETag string // strong validator: the output's SHA-256
	Open func() (io.ReadSeekCloser, error)
}

// Served says what ServeContent answered.
type Served struct {
	Status int
	Start  int64
	Bytes  int64 // body bytes to be sent
}

// Whole reports whether the response carries the file from its first byte: a download
// that counts (a resumed range does not count again).
func (s Served) Whole() bool { return (s.Status == 200 || s.Status == 206) && s.Start == 0 }

// ServeContent answers a GET or HEAD for c: one byte range (Range, If-Range with the
// ETag), 416 for a range past the end, the name as RFC 6266 / RFC 5987 attachment, and a
// body fed to the connection with p. Several ranges are answered with the whole file
// (RFC 9110 lets a server ignore Range).
func ServeContent(ctx *fasthttp.RequestCtx, c Content, p Pace) (Served, error) {
	h := &ctx.Response.Header
	h.Set("Accept-Ranges", "bytes")
	h.Set("ETag", `"`+c.ETag+`"`)
	h.Set("Content-Disposition", ContentDisposition(c.Name))
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.SetContentType(contentType(c.Type, c.Name))
	start, n := int64(0), c.Size
	status := fasthttp.StatusOK
	if rng := string(ctx.Request.Header.Peek("Range")); rng != "" && ifRange(ctx, c.ETag) {
		a, b, ok, satisfiable := parseRange(rng, c.Size)
		switch {
		case ok && !satisfiable:
			h.Set("Content-Range", fmt.Sprintf("bytes */%d", c.Size))
			ctx.SetStatusCode(fasthttp.StatusRequestedRangeNotSatisfiable)
			return Served{Status: 416}, nil
		case ok:
			start, n, status = a, b-a+1, fasthttp.StatusPartialContent
			h.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", a, b, c.Size))
		}
	}
	ctx.SetStatusCode(status)
	if ctx.IsHead() {
		h.SetContentLength(int(n))
		return Served{Status: status, Start: start}, nil
	}
	f, err := c.Open()
	if err != nil {
		return Served{}, err
	}
	if _, err := f.Seek(start, io.SeekStart); err != nil {
		f.Close()
		return Served{}, err
	}
	body := &pacedBody{pacedReader: pacedReader{r: io.LimitReader(f, n), conn: ctx.Conn(), p: p, start: time.Now()}, c: f,
		file: osFile(f), left: n}
	ctx.SetBodyStream(body, int(n))
	return Served{Status: status, Start: start, Bytes: n}, nil
}

// osFile is the *os.File under a stored blob, nil when it is not a plain file (a blob of
// another store, or sealed).
func osFile(f io.ReadSeekCloser) *os.File {
	switch f := f.(type) {
	case fileBlob:
		return f.File
	case *os.File:
		return f
	}
	return nil
}

// ifRange reports whether a Range applies: no If-Range, or one naming the current ETag.
// A date in If-Range is not trusted (the output's time is not its identity): the whole
// file is sent.
func ifRange(ctx *fasthttp.RequestCtx, etag string) bool {
	v := strings.TrimSpace(string(ctx.Request.Header.Peek("If-Range")))
	return v == "" || v == `"`+etag+`"`
}

// parseRange reads one "bytes=a-b", "bytes=a-" or "bytes=-n" range of a size-byte file.
// ok is false for anything else (several ranges, another unit, bad syntax): the range is
// then ignored. satisfiable is false when the range starts past the end.
func parseRange(s string, size int64) (start, end int64, ok, satisfiable bool) {
	spec, found := strings.CutPrefix(s, "bytes=")
	if !found || strings.Contains(spec, ",") {
		return 0, 0, false, false
	}
	a, b, found := strings.Cut(strings.TrimSpace(spec), "-")
	if !found {
		return 0, 0, false, false
	}
	num := func(x string) (int64, bool) {
		if x == "" || len(x) > 19 || strings.TrimLeft(x, "0123456789") != "" {
			return 0, false
		}
		v, err := strconv.ParseInt(x, 10, 64)
		return v, err == nil
	}
	switch {
	case a == "":
		n, good := num(b)
		if !good {
			return 0, 0, false, false
		}
		if n == 0 || size == 0 {
			return 0, 0, true, false
		}
		return max(size-n, 0), size - 1, true, true
	default:
		first, good := num(a)
		if !good {
			return 0, 0, false, false
		}
		last := size - 1
		if b != "" {
			l, good := num(b)
			if !good || l < first {
				return 0, 0, false, false
			}
			last = min(l, size-1)
		}
		if first >= size {
			return 0, 0, true, false
		}
		return first, last, true, true
	}
}
