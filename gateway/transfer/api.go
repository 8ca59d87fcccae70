package transfer

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/sekisho/sekisho/gateway/portal/web"
)

// APIPrefix is where the upload API is mounted on both listeners.
const APIPrefix = "/api/v1/"

// API is the upload API, served under APIPrefix as a stream route (web.MountStream). It
// authenticates every request by a capability in the path, never a cookie, so a page of
// another site cannot drive it with the user's session:
//
//	POST   u/{link}              multipart/form-data: one transfer with every file part,
//	                             finished; otherwise: open a transfer, 201 {"upload": URL}
//	PUT    u/{link}/{name}       one file (curl -T); Content-Range resumes (curl -C N -T)
//	HEAD   u/{link}/{name}       where an interrupted PUT stands (Upload-Offset)
//	GET    t/{key}               the transfer and each file's result (JSON)
//	POST   t/{key}/files         tus 1.0 creation (Upload-Length, Upload-Metadata)
//	HEAD   t/{key}/files/{id}    tus: Upload-Offset
//	PATCH  t/{key}/files/{id}    tus: append at Upload-Offset
//	DELETE t/{key}/files/{id}    tus termination
//	POST   t/{key}/done          no more files: process and notify
//	OPTIONS anything             tus discovery
//
// Each listener serves one direction: the Internet side takes inbound transfers (and the
// u/ routes of upload links), the portal outbound ones; a key of the other direction is
// unknown there.
type API struct {
	s    *Service
	dir  Direction
	ip   func(*fasthttp.RequestCtx) netip.Addr
	wait time.Duration // how long a one-request upload waits for its results
}

// NewAPI returns the API over s for transfers going dir; ip gives a request's client
// address (web.Server.ClientIP).
func NewAPI(s *Service, dir Direction, ip func(*fasthttp.RequestCtx) netip.Addr) *API {
	return &API{s: s, dir: dir, ip: ip, wait: 30 * time.Second}
}

const tusVersion = "1.0.0"

// apiError is an error answer: status and a message for the client.
type apiError struct {
	status int
	msg    string
}

func (e *apiError) Error() string { return e.msg }

func fail(status int, format string, args ...any) *apiError {
	return &apiError{status: status, msg: fmt.Sprintf(format, args...)}
}

// Expect refuses, before the client sends it, a body whose declared length passes what
// any request may carry: a file above transfer.max_file_size, a multipart body above
// transfer.max_transfer_size (413). Finer limits (the upload's declared length, a link's
// cap) are checked by the handler, still before reading.
func (a *API) Expect(ctx *fasthttp.RequestCtx) int {
	n := int64(ctx.Request.Header.ContentLength())
	max := a.s.o.Limits.MaxFileSize
	if string(ctx.Method()) == "POST" {
		max = a.s.o.Limits.MaxTransferSize
	}
	if n > max {
		return fasthttp.StatusRequestEntityTooLarge
	}
	return fasthttp.StatusContinue
}

// Handler is the fasthttp handler for the prefix.
func (a *API) Handler(ctx *fasthttp.RequestCtx) {
	ctx.Response.Header.Set("Cache-Control", "no-store")
	ctx.Response.Header.Set("Tus-Resumable", tusVersion)
	if err := a.route(ctx); err != nil {
		a.writeErr(ctx, err)
	}
}

func (a *API) writeErr(ctx *fasthttp.RequestCtx, err error) {
	var ae *apiError
	var le *LimitError
	status, msg := 500, "internal error"
	switch {
	case errors.As(err, &ae):
		status, msg = ae.status, ae.msg
	case errors.As(err, &le):
		status, msg = fasthttp.StatusRequestEntityTooLarge, le.Error()
	case errors.Is(err, ErrNotFound):
		status, msg = 404, "not found"
	case errors.Is(err, ErrLinkUsed):
		status, msg = 410, "this upload link has expired, was revoked or was already used"
	case errors.Is(err, ErrState):
		status, msg = 409, "the transfer or file does not accept this now"
	case errors.Is(err, ErrBusy):
		status, msg = 409, "another request is writing this file"
	case errors.Is(err, ErrOffset):
		status, msg = 409, "Upload-Offset does not match; ask with HEAD"
	case errors.Is(err, ErrTooMany):
		status, msg = 429, "too many uploads at once"
	case errors.Is(err, ErrStorage):
		status, msg = fasthttp.StatusInsufficientStorage, "insufficient storage; nothing of this request was kept"
	case errors.Is(err, errTooSlow):
		status, msg = 408, "upload too slow (transfer.min_rate)"
	case errors.As(err, new(*ClientError)):
		status, msg = 400, "upload interrupted; resume from Upload-Offset"
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			status, msg = 408, "upload stalled (transfer.idle_timeout); resume from Upload-Offset"
		}
	default:
		a.s.log.Error("transfer api failed", "method", string(ctx.Method()), "err", err)
	}
	writeJSON(ctx, status, map[string]string{"error": msg})
	if status >= 400 && ctx.Request.IsBodyStream() {
		// The body was not read to its end: the connection cannot carry another request,
		// and closing it at once while the client still sends (a 1 MiB tus chunk refused
		// with 409 for its offset) resets it before the client has read the answer.
		web.LingerClose(ctx)
	}
}

func writeJSON(ctx *fasthttp.RequestCtx, status int, v any) {
	b, _ := json.Marshal(v)
	ctx.SetStatusCode(status)
	ctx.SetContentType("application/json; charset=utf-8")
	ctx.SetBody(b)
}

// segments splits the path after the prefix, percent-decoding each segment (a name may
// hold an encoded slash; SafeName deals with it).
func segments(ctx *fasthttp.RequestCtx) ([]string, bool) {
	raw := string(ctx.URI().PathOriginal())
	rest, ok := strings.CutPrefix(raw, APIPrefix)
	if !ok {
		return nil, false
	}
	parts := strings.Split(rest, "/")
	for i, p := range parts {
		d, err := url.PathUnescape(p)
		if err != nil || d == "" {
			return nil, false
		}
		parts[i] = d
	}
	return parts, true
}

func (a *API) route(ctx *fasthttp.RequestCtx) error {
	method := string(ctx.Method())
	if method == "OPTIONS" {
		h := &ctx.Response.Header
		h.Set("Tus-Version", tusVersion)
		h.Set("Tus-Extension", "creation,termination")
		h.Set("Tus-Max-Size", fmt.Sprint(a.s.o.Limits.MaxFileSize))
		ctx.SetStatusCode(fasthttp.StatusNoContent)
		return nil
	}
	p, ok := segments(ctx)
	if !ok || len(p) < 2 || len(p) > 4 {
		return fail(404, "not found")
	}
	c := context.Background()
	switch {
	case p[0] == "u" && a.dir == Inbound && len(p) == 2 && method == "POST":
		return a.linkPost(c, ctx, p[1])
	case p[0] == "u" && a.dir == Inbound && len(p) == 3 && (method == "PUT" || method == "HEAD"):
		return a.linkPut(c, ctx, p[1], p[2])
	case p[0] != "t":
		return fail(404, "not found")
	}
	t, err := a.s.ByKey(c, p[1])
	if err != nil {
		return err
	}
	if t.Direction != a.dir {
		return fail(404, "not found")
	}
	switch {
	case len(p) == 2 && (method == "GET" || method == "HEAD"):
		return a.status(c, ctx, t, "")
	case len(p) == 3 && p[2] == "done" && method == "POST":
		if err := a.s.Finish(c, t, t.Sender, a.ip(ctx).String()); err != nil {
			return err
		}
		return a.status(c, ctx, t, "")
	case len(p) == 3 && p[2] == "files" && method == "POST":
		return a.tusCreate(c, ctx, t, p[1])
	case len(p) == 4 && p[2] == "files":
		f, err := a.s.File(c, p[3])
		if err != nil || f.TransferID != t.ID {
			return fail(404, "not found")
		}
		switch method {
		case "HEAD":
			return a.tusHead(ctx, f)
		case "PATCH":
			return a.tusPatch(c, ctx, t, f)
		case "DELETE":
			if err := a.s.Cancel(c, t, f, t.Sender, a.ip(ctx).String()); err != nil {
				return err
			}
			ctx.SetStatusCode(fasthttp.StatusNoContent)
			return nil
		}
	}
	return fail(405, "method not allowed")
}

// checkTus refuses a tus request without the version this server speaks.
func checkTus(ctx *fasthttp.RequestCtx) error {
	if v := string(ctx.Request.Header.Peek("Tus-Resumable")); v != tusVersion {
		ctx.Response.Header.Set("Tus-Version", tusVersion)
		return fail(fasthttp.StatusPreconditionFailed, "Tus-Resumable %s required", tusVersion)
	}
	return nil
}

// ParseMetadata reads a tus Upload-Metadata header: comma-separated "key base64value"
// pairs (the value may be absent). Keys are unique ASCII without spaces or commas; values
// at most 4 KiB decoded.
func ParseMetadata(h string) (map[string]string, error) {
	out := map[string]string{}
	if strings.TrimSpace(h) == "" {
		return out, nil
	}
	if len(h) > 16<<10 {
		return nil, fmt.Errorf("Upload-Metadata too long")
	}
	for _, pair := range strings.Split(h, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(pair), " ")
		if k == "" || strings.ContainsFunc(k, func(r rune) bool { return r <= ' ' || r > '~' }) {
			return nil, fmt.Errorf("Upload-Metadata: bad key %q", truncate(k, 40))
		}
		if _, dup := out[k]; dup {
			return nil, fmt.Errorf("Upload-Metadata: key %q twice", k)
		}
		dec, err := decodeB64(strings.TrimSpace(v))
		if err != nil || len(dec) > 4096 {
			return nil, fmt.Errorf("Upload-Metadata: value of %q is not base64 of at most 4 KiB", k)
		}
		out[k] = string(dec)
	}
	return out, nil
}

// ParseOffset reads a non-negative decimal header value (Upload-Offset, Upload-Length).
func ParseOffset(v string) (int64, bool) {
	if v == "" || len(v) > 19 || strings.TrimLeft(v, "0123456789") != "" {
		return 0, false
	}
	var n int64
	for _, c := range v {
		n = n*10 + int64(c-'0')
	}
	return n, n >= 0
}

func (a *API) tusCreate(c context.Context, ctx *fasthttp.RequestCtx, t Transfer, key string) error {
	if err := checkTus(ctx); err != nil {
		return err
	}
	n, ok := ParseOffset(string(ctx.Request.Header.Peek("Upload-Length")))
	if !ok {
		return fail(400, "Upload-Length required (deferred length is not supported)")
	}
	md, err := ParseMetadata(string(ctx.Request.Header.Peek("Upload-Metadata")))
	if err != nil {
		return fail(400, "%v", err)
	}
	name := md["filename"]
	if name == "" {
		name = md["name"]
	}
	typ := md["filetype"]
	if typ == "" {
		typ = md["type"]
	}
	f, err := a.s.AddFile(c, t, name, typ, n, a.ip(ctx).String())
	if err != nil {
		return err
	}
	ctx.Response.Header.Set("Location", APIPrefix+"t/"+key+"/files/"+f.ID)
	ctx.Response.Header.Set("Upload-Offset", "0")
	ctx.SetStatusCode(fasthttp.StatusCreated)
	return nil
}

func (a *API) tusHead(ctx *fasthttp.RequestCtx, f File) error {
	if err := checkTus(ctx); err != nil {
		return err
	}
	h := &ctx.Response.Header
	h.Set("Upload-Offset", fmt.Sprint(f.Offset))
	if f.Length >= 0 {
		h.Set("Upload-Length", fmt.Sprint(f.Length))
	}
	if f.State != Uploading {
		// Complete: the whole length is here; a client that asks again is done.
		h.Set("Upload-Offset", fmt.Sprint(max(f.Length, f.Offset)))
	}
	ctx.SetStatusCode(fasthttp.StatusOK)
	return nil
}

func (a *API) tusPatch(c context.Context, ctx *fasthttp.RequestCtx, t Transfer, f File) error {
	if err := checkTus(ctx); err != nil {
		return err
	}
	if ct := string(ctx.Request.Header.ContentType()); ct != "application/offset+octet-stream" {
		return fail(fasthttp.StatusUnsupportedMediaType, "Content-Type must be application/offset+octet-stream")
	}
	off, ok := ParseOffset(string(ctx.Request.Header.Peek("Upload-Offset")))
	if !ok {
		return fail(400, "Upload-Offset required")
	}
	if err := a.checkLength(ctx, f, off); err != nil {
		return err
	}
	newOff, err := a.s.Write(c, t, f, off, a.body(ctx), a.ip(ctx).String())
	if err != nil && newOff == off {
		return err
	}
	ctx.Response.Header.Set("Upload-Offset", fmt.Sprint(newOff))
	if err != nil {
		// Part of the body arrived before it stopped: kept, and said in Upload-Offset.
		return err
	}
	ctx.SetStatusCode(fasthttp.StatusNoContent)
	return nil
}

// checkLength refuses at once a body whose declared length passes what the file may
// still take (413 before a byte is read).
func (a *API) checkLength(ctx *fasthttp.RequestCtx, f File, off int64) error {
	cl := int64(ctx.Request.Header.ContentLength())
	room := a.s.o.Limits.MaxFileSize - off
	if f.Length >= 0 {
		room = f.Length - off
	}
	if cl > room {
		key := "transfer.max_file_size"
		if f.Length >= 0 && f.Length < a.s.o.Limits.MaxFileSize {
			key = "Upload-Length"
		}
		return &LimitError{Key: key, Max: room + off, Got: off + cl}
	}
	return nil
}

func (a *API) body(ctx *fasthttp.RequestCtx) io.Reader {
	r := ctx.RequestBodyStream()
	if r == nil {
		r = strings.NewReader("")
	}
	if n := ctx.Request.Header.ContentLength(); n > 0 {
		r = &declaredBody{r: r, left: int64(n)}
	}
	return newPacedReader(r, ctx.Conn(), Pace{Idle: a.s.o.Limits.IdleTimeout, MinRate: a.s.o.Limits.MinRate})
}

// declaredBody is a body with a Content-Length: one that ends short of it was cut (the
// client went away), which fasthttp reports as a plain EOF. A chunk that was cut is kept
// for a resume like one that ended where the client meant, but the engine following the
// upload stops (live.go).
type declaredBody struct {
	r    io.Reader
	left int64
}

func (d *declaredBody) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	d.left -= int64(n)
	if err == io.EOF && d.left > 0 {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

// fileJSON is a file as the uploader sees it.
type fileJSON struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Size     int64    `json:"size"`
	Received int64    `json:"received"`
	State    string   `json:"state"`
	Verdict  string   `json:"verdict,omitempty"`
	Reason   string   `json:"reason,omitempty"`
	Actions  []string `json:"actions,omitempty"`
	Output   string   `json:"output_name,omitempty"`
	OutSize  int64    `json:"output_size,omitempty"`
	Held     string   `json:"quarantine_id,omitempty"`
}

type transferJSON struct {
	ID     string     `json:"id"`
	State  string     `json:"state"`
	Done   bool       `json:"done"`
	Upload string     `json:"upload,omitempty"`
	Files  []fileJSON `json:"files"`
}

func toJSON(t Transfer, fs []File, upload string) transferJSON {
	out := transferJSON{ID: t.ID, State: string(t.State), Done: t.Done, Upload: upload, Files: []fileJSON{}}
	for _, f := range fs {
		j := fileJSON{ID: f.ID, Name: f.Name, Size: f.Length, Received: f.Offset, State: string(f.State),
			Verdict: string(f.Verdict), Reason: f.Reason, Output: f.OutName, OutSize: f.OutSize, Held: f.QuarantineID}
		if f.State == Available && f.OutName == f.Name {
			j.Output = ""
		}
		for _, x := range f.Actions {
			j.Actions = append(j.Actions, string(x.Kind))
		}
		out.Files = append(out.Files, j)
	}
	return out
}

func (a *API) status(c context.Context, ctx *fasthttp.RequestCtx, t Transfer, upload string) error {
	t, fs, err := a.s.Transfer(c, t.ID)
	if err != nil {
		return err
	}
	writeJSON(ctx, 200, toJSON(t, fs, upload))
	return nil
}

// waitDone waits up to a.wait for every file of t to be processed and answers with the
// transfer (201), whatever stage it reached: status says how to follow it.
func (a *API) waitDone(c context.Context, ctx *fasthttp.RequestCtx, t Transfer, key string) error {
	end := time.Now().Add(a.wait)
	for {
		processed := a.s.processedSignal()
		cur, fs, err := a.s.Transfer(c, t.ID)
		if err != nil {
			return err
		}
		done := cur.State != Open && cur.State != Processing
		for _, f := range fs {
			done = done && f.State.Final()
		}
		if done || time.Now().After(end) {
			writeJSON(ctx, fasthttp.StatusCreated, toJSON(cur, fs, APIPrefix+"t/"+key))
			return nil
		}
		// Another node's result (a shared store) is seen at the next look.
		look := time.NewTimer(100 * time.Millisecond)
		select {
		case <-processed:
		case <-look.C:
		}
		look.Stop()
	}
}

// linkPost opens a transfer through an upload link; with a multipart body it also takes
// every file part and finishes it.
func (a *API) linkPost(c context.Context, ctx *fasthttp.RequestCtx, token string) error {
	ip := a.ip(ctx).String()
	mt, params, _ := mime.ParseMediaType(string(ctx.Request.Header.ContentType()))
	if mt != "multipart/form-data" {
		if cl := ctx.Request.Header.ContentLength(); cl > 4<<10 || cl == -1 {
			return fail(413, "only a multipart upload has a body here")
		}
		info := string(ctx.QueryArgs().Peek("sender"))
		t, key, err := a.s.OpenViaLink(c, token, info, ip)
		if err != nil {
			return err
		}
		writeJSON(ctx, fasthttp.StatusCreated, toJSON(t, nil, APIPrefix+"t/"+key))
		return nil
	}
	if params["boundary"] == "" {
		return fail(400, "multipart without a boundary")
	}
	if cl := int64(ctx.Request.Header.ContentLength()); cl > a.s.o.Limits.MaxTransferSize {
		return &LimitError{Key: "transfer.max_transfer_size", Max: a.s.o.Limits.MaxTransferSize, Got: cl}
	}
	t, key, err := a.s.OpenViaLink(c, token, string(ctx.QueryArgs().Peek("sender")), ip)
	if err != nil {
		return err
	}
	if err := a.multipart(c, ctx, t, params["boundary"], ip); err != nil {
		return err
	}
	if err := a.s.Finish(c, t, t.Sender, ip); err != nil {
		return err
	}
	return a.waitDone(c, ctx, t, key)
}

// multipart streams every file part of the body into t, one after the other.
func (a *API) multipart(c context.Context, ctx *fasthttp.RequestCtx, t Transfer, boundary, ip string) error {
	mr := multipart.NewReader(a.body(ctx), boundary)
	files := 0
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fail(400, "multipart: %v", err)
		}
		name := part.FileName()
		if name == "" && part.FormName() != "file" && part.FormName() != "files" {
			io.Copy(io.Discard, io.LimitReader(part, 64<<10))
			continue
		}
		typ := part.Header.Get("Content-Type")
		f, err := a.s.AddFile(c, t, name, typ, -1, ip)
		if err != nil {
			return err
		}
		if _, err := a.s.Write(c, t, f, 0, part, ip); err != nil {
			return err
		}
		files++
	}
	if files == 0 {
		return fail(400, "no file in the multipart body (use -F file=@name)")
	}
	return nil
}

// linkPut takes one file through an upload link (curl -T). With Content-Range it resumes
// the interrupted upload of the same name on the same link; HEAD says where it stands.
func (a *API) linkPut(c context.Context, ctx *fasthttp.RequestCtx, token, name string) error {
	ip := a.ip(ctx).String()
	l, err := a.s.UploadLinkByToken(c, token)
	if err != nil {
		return err
	}
	t, f, found, err := a.s.resumable(c, l.ID, name)
	if err != nil {
		return err
	}
	if ctx.IsHead() {
		if !found {
			return fail(404, "no interrupted upload of this name")
		}
		h := &ctx.Response.Header
		h.Set("Upload-Offset", fmt.Sprint(f.Offset))
		h.Set("Upload-Length", fmt.Sprint(f.Length))
		ctx.SetStatusCode(200)
		ctx.Response.SkipBody = true
		return nil
	}
	cr := string(ctx.Request.Header.Peek("Content-Range"))
	var off int64
	var key string
	switch {
	case cr != "":
		first, last, total, ok := parseContentRange(cr)
		if !ok {
			return fail(400, "Content-Range must be bytes first-last/total")
		}
		if !found || total != f.Length {
			return fail(409, "no interrupted upload of this name and length to resume")
		}
		if cl := int64(ctx.Request.Header.ContentLength()); cl >= 0 && cl != last-first+1 {
			return fail(400, "Content-Length does not match Content-Range")
		}
		off = first
		if key, err = a.s.rekey(c, t); err != nil {
			return err
		}
	default:
		if found {
			// A fresh PUT of a name whose upload was interrupted starts that file again.
			if err := a.s.Cancel(c, t, f, t.Sender, ip); err != nil {
				return err
			}
			if key, err = a.s.rekey(c, t); err != nil {
				return err
			}
		} else if t, key, err = a.s.OpenViaLink(c, token, string(ctx.QueryArgs().Peek("sender")), ip); err != nil {
			return err
		}
		n := int64(ctx.Request.Header.ContentLength())
		if n < 0 {
			n = -1 // chunked: the end of the body decides
		}
		if f, err = a.s.AddFile(c, t, name, string(ctx.Request.Header.ContentType()), n, ip); err != nil {
			return err
		}
	}
	if err := a.checkLength(ctx, f, off); err != nil {
		return err
	}
	var newOff int64
	if cr == "" {
		newOff, err = a.s.WriteWhole(c, t, f, a.body(ctx), ip)
	} else {
		newOff, err = a.s.Write(c, t, f, off, a.body(ctx), ip)
	}
	if err != nil {
		ctx.Response.Header.Set("Upload-Offset", fmt.Sprint(newOff))
		return err
	}
	if err := a.s.Finish(c, t, t.Sender, ip); err != nil {
		return err
	}
	return a.waitDone(c, ctx, t, key)
}

// parseContentRange reads "bytes first-last/total".
func parseContentRange(s string) (first, last, total int64, ok bool) {
	spec, found := strings.CutPrefix(strings.TrimSpace(s), "bytes ")
	if !found {
		return 0, 0, 0, false
	}
	rng, tot, found := strings.Cut(spec, "/")
	a, b, found2 := strings.Cut(rng, "-")
	if !found || !found2 {
		return 0, 0, 0, false
	}
	var ok1, ok2, ok3 bool
	first, ok1 = ParseOffset(a)
	last, ok2 = ParseOffset(b)
	total, ok3 = ParseOffset(tot)
	if !ok1 || !ok2 || !ok3 || last < first || last >= total {
		return 0, 0, 0, false
	}
	return first, last, total, true
}

// decodeB64 reads tus metadata values: standard base64, padded or not.
func decodeB64(s string) ([]byte, error) {
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.RawStdEncoding.DecodeString(s)
}
