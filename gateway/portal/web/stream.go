package web

import (
	"errors"
	"io"
	"net/netip"
	"strings"
	"time"

	"github.com/valyala/fasthttp"
)

// A stream route receives its request body unread, for uploads of any size: fasthttp
// reads at most a few KiB before the handler runs, and the handler reads the rest from
// RequestBodyStream, counting bytes itself (fasthttp does not enforce MaxRequestBodySize
// on a streamed body). Once any stream route is mounted the server streams every body, so
// every other route has its body read here, bounded by MaxBodySize, before it runs: a form
// handler never pulls an unbounded stream into memory through PostArgs.

// Stream is a stream route's handler and settings.
type Stream struct {
	// Handler serves the request; it reads the body from ctx.RequestBodyStream().
	Handler fasthttp.RequestHandler
	// ReadTimeout replaces the server's whole-request read timeout for these paths (the
	// handler should bound each read itself).
	ReadTimeout time.Duration
	// Expect decides a request that asks "Expect: 100-continue" before its body is sent:
	// fasthttp.StatusContinue takes it; another status (413 for a declared length over a
	// limit) refuses it unread and closes the connection. Nil takes every request.
	Expect func(ctx *fasthttp.RequestCtx) int
}

type streamRoute struct {
	prefix string
	Stream
}

// MountStream serves every path under prefix ("/api/v1/") with st.Handler, outside the
// session machinery and CSRF checks: the handler authenticates each request itself (a
// capability in the path, not a cookie). It gets the security headers and the body
// unread (see ClientIP for the client's address). Mount before Serve.
func (s *Server) MountStream(prefix string, st Stream) {
	s.streams = append(s.streams, streamRoute{prefix: prefix, Stream: st})
	s.fh.StreamRequestBody = true
	s.fh.HeaderReceived = s.headerReceived
	s.fh.ExpectHandler = s.expect
}

// expect answers "Expect: 100-continue": a stream route decides; elsewhere a declared
// body over MaxBodySize is refused before the client sends it.
func (s *Server) expect(ctx *fasthttp.RequestCtx) int {
	if rt := s.stream(string(ctx.Path())); rt != nil {
		if rt.Expect == nil {
			return fasthttp.StatusContinue
		}
		return rt.Expect(ctx)
	}
	if ctx.Request.Header.ContentLength() > s.o.MaxBodySize {
		return fasthttp.StatusRequestEntityTooLarge
	}
	return fasthttp.StatusContinue
}

func (s *Server) stream(path string) *streamRoute {
	for i := range s.streams {
		if strings.HasPrefix(path, s.streams[i].prefix) {
			return &s.streams[i]
		}
	}
	return nil
}

// headerReceived gives stream routes their own read deadline; others keep ReadTimeout.
func (s *Server) headerReceived(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
	p := h.RequestURI()
	if i := strings.IndexByte(string(p), '?'); i >= 0 {
		p = p[:i]
	}
	if rt := s.stream(string(p)); rt != nil {
		return fasthttp.RequestConfig{ReadTimeout: rt.ReadTimeout}
	}
	return fasthttp.RequestConfig{}
}

// boundBody reads a streamed body of a non-stream route into memory, up to MaxBodySize;
// a larger one is refused with 413 and the connection closed, unread.
func (s *Server) boundBody(ctx *fasthttp.RequestCtx) bool {
	if !ctx.Request.IsBodyStream() {
		return true
	}
	max := int64(s.o.MaxBodySize)
	if n := ctx.Request.Header.ContentLength(); n > int(max) {
		s.tooLarge(ctx)
		return false
	}
	b, err := io.ReadAll(io.LimitReader(ctx.RequestBodyStream(), max+1))
	if err != nil && !errors.Is(err, fasthttp.ErrBodyTooLarge) {
		ctx.Error("bad request", fasthttp.StatusBadRequest)
		LingerClose(ctx)
		return false
	}
	// fasthttp refuses a chunk that would take the body past MaxRequestBodySize itself.
	if err != nil || int64(len(b)) > max {
		s.tooLarge(ctx)
		return false
	}
	ctx.Request.SetBody(b)
	return true
}

func (s *Server) tooLarge(ctx *fasthttp.RequestCtx) {
	ctx.Error("request body too large", fasthttp.StatusRequestEntityTooLarge)
	LingerClose(ctx)
}

// ClientIP is the request's client address: the connection's, or with a trusted proxy in
// front, the one the proxy saw. Stream handlers use it for audit records and limits.
func (s *Server) ClientIP(ctx *fasthttp.RequestCtx) netip.Addr { return s.clientIP(ctx) }
