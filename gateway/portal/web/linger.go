package web

import (
	"io"
	"net"
	"time"

	"github.com/valyala/fasthttp"
)

// Bounds of LingerClose: enough for a client to read the response and stop sending.
const (
	lingerTime  = 2 * time.Second
	lingerBytes = 16 << 20
)

// LingerClose ends a request whose streamed body was not read to its end (a 413 or a
// refusal halfway through an upload) once its response is set: the response goes out
// with Connection: close, then what the client still sends is read and discarded, up to
// lingerBytes or lingerTime, before the connection closes. Closing at once while the
// client sends makes the kernel answer the unread bytes with a reset that can destroy
// the response before the client reads it (curl then reports only its 100 Continue).
func LingerClose(ctx *fasthttp.RequestCtx) {
	ctx.SetConnectionClose()
	// fasthttp writes no response and runs no hijack handler for a connection it
	// closes itself, so the handler writes the response.
	raw := []byte(ctx.Response.String())
	ctx.HijackSetNoResponse(true)
	ctx.Hijack(func(c net.Conn) {
		c.SetDeadline(time.Now().Add(lingerTime))
		if _, err := c.Write(raw); err != nil {
			return
		}
		io.CopyN(io.Discard, c, lingerBytes)
	})
}
