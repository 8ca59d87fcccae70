package transfer

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/sekisho/sekisho/gateway/portal/accounts"
	"github.com/sekisho/sekisho/gateway/portal/web"
	"github.com/sekisho/sekisho/quarantine"
)

//go:embed templates/*.html
var templates embed.FS

// Internet is the Internet-side listener: staff log in and upload for themselves,
// partners upload through upload links, recipients of outbound transfers download. It is
// a web.Server (sessions, CSRF, security headers) with the upload API mounted as a
// stream route.
type Internet struct {
	*web.Server
	s      *Service
	secret []byte
}

// grantTTL is how long a download link's file list stays valid after the access code.
const grantTTL = time.Hour

// NewInternet builds the Internet-side listener over s. o carries the accounts, TLS,
// trusted proxies and timeouts; pages, messages and navigation are the transfer's.
func NewInternet(ctx context.Context, s *Service, o web.Options) (*Internet, error) {
	pages, err := fs.Sub(templates, "templates")
	if err != nil {
		return nil, err
	}
	o.Name = "sekisho transfer"
	o.Pages = pages
	o.Messages = Messages
	o.Home = func(accounts.Roles) string { return "/send" }
	o.Nav = []web.NavItem{{Path: "/send", Label: "nav.send", Access: web.LoggedIn}}
	o.Logger = s.log.With("listener", "internet")
	secret, err := o.Store.Secret(ctx, "transfer-grant", 32)
	if err != nil {
		return nil, err
	}
	srv, err := web.New(o)
	if err != nil {
		return nil, err
	}
	in := &Internet{Server: srv, s: s, secret: secret}
	s.MountAPI(srv, Inbound)
	srv.GET("/", web.Anyone, in.home)
	srv.GET("/send", web.LoggedIn, in.sendPage)
	srv.POST("/send", web.LoggedIn, in.sendPost)
	srv.GET("/t/{id}", web.LoggedIn, in.ownUpload)
	srv.POST("/t/{id}/key", web.LoggedIn, in.ownKey)
	srv.GET("/u/{token}", web.Anyone, in.linkPage)
	srv.GET("/d/{token}", web.Anyone, in.downloadPage)
	srv.POST("/d/{token}", web.Anyone, in.downloadCode)
	srv.GET("/d/{token}/{file}", web.Anyone, in.download)
	return in, nil
}

func (in *Internet) home(c *web.Ctx) error {
	if c.Session() != nil {
		return c.Redirect("/send")
	}
	return c.Render("home.html", nil)
}

func (in *Internet) sendPage(c *web.Ctx) error {
	return c.Render("send.html", map[string]any{"Max": in.s.o.Limits.MaxFileSize})
}

func (in *Internet) sendPost(c *web.Ctx) error {
	t, _, err := in.s.OpenInbound(c, c.User(), c.Form("note"), c.IP().String())
	if err != nil {
		return err
	}
	return c.Redirect("/t/" + t.ID)
}

// own loads the open inbound transfer of the route that the user started; anything else
// is a 404.
func (in *Internet) own(c *web.Ctx) (Transfer, error) {
	t, _, err := in.s.Transfer(c, c.Param("id"))
	if err != nil || t.Direction != Inbound || t.Sender != c.User() || t.Owner != c.User() {
		return t, web.Error(404, "not found")
	}
	return t, nil
}

// uploadPage is what upload.html shows.
type uploadPage struct {
	Create, Key string // how the page gets its upload URL (one of them)
	Owner       string // whom the files are for
	Label       string
	Expires     time.Time
	Max         int64
	OneTime     bool
	Sender      bool   // ask the partner who they are
	API         string // the link's API address for curl
}

func (in *Internet) ownUpload(c *web.Ctx) error {
	t, err := in.own(c)
	if err != nil {
		return err
	}
	if t.State != Open {
		return c.Redirect("/send")
	}
	return c.Render("upload.html", uploadPage{Key: "/t/" + t.ID + "/key", Owner: in.s.display(c, t.Owner),
		Max: in.s.o.Limits.MaxFileSize, Label: t.Message})
}

// ownKey gives the staff member's page a fresh upload URL (POST with the CSRF header).
func (in *Internet) ownKey(c *web.Ctx) error {
	t, err := in.own(c)
	if err != nil {
		return err
	}
	key, err := in.s.UploadKey(c, t.ID, c.User())
	if err != nil {
		return web.Error(409, "upload.closed")
	}
	return writeKey(c, key)
}

func writeKey(c *web.Ctx, key string) error {
	b, _ := json.Marshal(map[string]string{"upload": APIPrefix + "t/" + key})
	c.SetContentType("application/json; charset=utf-8")
	c.SetBody(b)
	return nil
}

func (in *Internet) linkPage(c *web.Ctx) error {
	l, err := in.s.UploadLinkByToken(c, c.Param("token"))
	if errors.Is(err, ErrNotFound) {
		return web.Error(404, "not found")
	}
	if err != nil {
		return err
	}
	if !l.Usable(in.s.now()) {
		return c.RenderStatus(410, "gone.html", map[string]any{"OneTime": l.OneTime && l.Uses > 0})
	}
	max := min(in.s.o.Limits.MaxFileSize, l.MaxBytes)
	if max <= 0 {
		max = in.s.o.Limits.MaxFileSize
	}
	return c.Render("upload.html", uploadPage{Create: APIPrefix + "u/" + c.Param("token"), Owner: in.s.display(c, l.Owner),
		Label: l.Label, Expires: l.Expires, Max: max, OneTime: l.OneTime, Sender: true,
		API: in.s.InternetURL() + APIPrefix + "u/" + c.Param("token") + "/"})
}

// downloadList is what download.html shows.
type downloadList struct {
	Token      string
	NeedCode   bool
	Error      string
	Sender     string
	Subject    string
	Message    string
	Expires    time.Time
	Max        int
	Files      []downloadFile
	Recipients string
}

type downloadFile struct {
	URL, Name string
	Size      int64
	Left      int
}

func (in *Internet) linkFromRoute(c *web.Ctx) (Link, Transfer, error) {
	l, t, err := in.s.OpenLink(c, c.Param("token"))
	if errors.Is(err, ErrNotFound) {
		return l, t, web.Error(404, "not found")
	}
	if errors.Is(err, ErrLinkUsed) {
		return l, t, c.RenderStatus(410, "gone.html", map[string]any{"Download": true})
	}
	return l, t, err
}

func (in *Internet) downloadPage(c *web.Ctx) error {
	l, t, err := in.linkFromRoute(c)
	if err != nil || l.ID == "" || t.ID == "" {
		return err
	}
	if l.HasCode {
		return c.Render("download.html", downloadList{Token: c.Param("token"), NeedCode: true, Sender: in.s.display(c, t.Owner)})
	}
	return in.renderList(c, l, t)
}

func (in *Internet) downloadCode(c *web.Ctx) error {
	l, t, err := in.linkFromRoute(c)
	if err != nil || l.ID == "" || t.ID == "" {
		return err
	}
	if err := in.s.CheckCode(c, l, c.Form("code"), c.IP().String()); err != nil {
		if errors.Is(err, ErrCode) {
			return c.RenderStatus(403, "download.html", downloadList{Token: c.Param("token"), NeedCode: true, Error: "download.bad_code",
				Sender: in.s.display(c, t.Owner)})
		}
		return err
	}
	return in.renderList(c, l, t)
}

func (in *Internet) renderList(c *web.Ctx, l Link, t Transfer) error {
	_, fs, err := in.s.Transfer(c, t.ID)
	if err != nil {
		return err
	}
	counts, err := in.s.Downloads(c, t.ID)
	if err != nil {
		return err
	}
	d := downloadList{Token: c.Param("token"), Sender: in.s.display(c, t.Owner), Subject: t.Subject, Message: t.Message,
		Expires: l.Expires, Max: l.MaxDownloads}
	exp := in.s.now().Add(grantTTL).Unix()
	for _, f := range fs {
		if f.State != Available {
			continue
		}
		u := "/d/" + c.Param("token") + "/" + f.ID
		if l.HasCode {
			u += "?g=" + in.grant(l.ID, f.ID, exp)
		}
		d.Files = append(d.Files, downloadFile{URL: u, Name: f.OutName, Size: f.OutSize, Left: max(l.MaxDownloads-counts[l.ID][f.ID], 0)})
	}
	return c.Render("download.html", d)
}

// grant signs "this link's access code was given" for one file until exp (Unix time), so
// the file URLs work without a cookie and stop working after grantTTL.
func (in *Internet) grant(linkID, fileID string, exp int64) string {
	m := hmac.New(sha256.New, in.secret)
	fmt.Fprintf(m, "%s\x00%s\x00%d", linkID, fileID, exp)
	return strconv.FormatInt(exp, 36) + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (in *Internet) grantOK(linkID, fileID, g string) bool {
	e, _, ok := strings.Cut(g, ".")
	if !ok {
		return false
	}
	exp, err := strconv.ParseInt(e, 36, 64)
	if err != nil || in.s.now().Unix() > exp {
		return false
	}
	return hmac.Equal([]byte(g), []byte(in.grant(linkID, fileID, exp)))
}

func (in *Internet) download(c *web.Ctx) error {
	l, t, err := in.linkFromRoute(c)
	if err != nil || l.ID == "" || t.ID == "" {
		return err
	}
	if l.HasCode && !in.grantOK(l.ID, c.Param("file"), c.Query("g")) {
		return c.Redirect("/d/" + c.Param("token"))
	}
	f, err := in.s.File(c, c.Param("file"))
	if err != nil || f.TransferID != t.ID || f.State != Available {
		return web.Error(404, "not found")
	}
	actor := "recipient:" + l.Recipient
	return in.s.Serve(c, f, actor, c.IP().String(), func(whole bool, bytes int64) error {
		if !whole {
			return nil
		}
		if err := in.s.countDownload(c, l, f.ID, bytes); errors.Is(err, ErrDownloads) {
			return web.Error(410, "download.limit")
		} else {
			return err
		}
	})
}

// MountAPI serves the upload API for transfers going dir on srv: inbound on the
// Internet side, outbound on the portal.
func (s *Service) MountAPI(srv *web.Server, dir Direction) {
	api := NewAPI(s, dir, srv.ClientIP)
	srv.MountStream(APIPrefix, web.Stream{Handler: api.Handler, Expect: api.Expect, ReadTimeout: s.o.Limits.IdleTimeout})
}

// Serve sends a stored output to whoever the caller authorised (Range, RFC 5987 name)
// and records the download in the audit log with who, the address and the bytes. count is
// called before the body is sent, with whether the response starts at the first byte; an
// error from it refuses the download.
func (s *Service) Serve(c *web.Ctx, f File, actor, ip string, count func(whole bool, bytes int64) error) error {
	served, err := ServeContent(c.RequestCtx, Content{Name: f.OutName, Type: f.OutType, Size: f.OutSize, ETag: f.OutBlob,
		Open: func() (io.ReadSeekCloser, error) { return s.blobs.Open(f.OutBlob) }},
		Pace{Idle: s.o.Limits.IdleTimeout, MinRate: s.o.Limits.MinRate})
	if err != nil {
		return err
	}
	if served.Status != 200 && served.Status != 206 || c.IsHead() {
		return nil
	}
	if count != nil {
		if err := count(served.Whole(), served.Bytes); err != nil {
			c.Response.ResetBody()
			return err
		}
	}
	return s.audit(c, "transfer-download", f.ID, actor, ip, fmt.Sprintf("transfer=%s; name=%q; status=%d; start=%d; bytes=%d",
		f.TransferID, f.OutName, served.Status, served.Start, served.Bytes))
}

// ServeReleased sends the original of a held file that an operator released from the
// quarantine, to the transfer's owner (the caller checks that), and records the download
// on the quarantine item. The original is read unsealed as a stream: no ranges.
func (s *Service) ServeReleased(c *web.Ctx, f File, actor, ip string) error {
	rec, err := s.o.Quarantine.Get(c, f.QuarantineID)
	if err != nil || rec.Status != quarantine.Released {
		return web.Error(404, "not found")
	}
	rc, err := s.o.Quarantine.Open(context.WithoutCancel(c), f.QuarantineID)
	if err != nil {
		return err
	}
	if err := s.o.Quarantine.Audit(c, quarantine.AuditEntry{Action: quarantine.ActDownload, ID: rec.ID, Actor: quarantine.Actor(actor),
		Detail: fmt.Sprintf("ip=%s; transfer=%s; file=%s; bytes=%d; released original", ip, f.TransferID, f.ID, rec.Size)}); err != nil {
		rc.Close()
		return err
	}
	h := &c.Response.Header
	h.Set("Content-Disposition", ContentDisposition(f.Name))
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.SetContentType("application/octet-stream")
	body := &pacedBody{pacedReader: pacedReader{r: rc, conn: c.Conn(), p: Pace{Idle: s.o.Limits.IdleTimeout, MinRate: s.o.Limits.MinRate},
		start: time.Now()}, c: rc}
	c.SetBodyStream(body, int(rec.Size))
	return nil
}
