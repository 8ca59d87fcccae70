package accounts

import (
	"context"
	"net"
	"time"
)

// dialer bounds the connection by the operation timeout and by ctx's deadline.
func dialer(ctx context.Context, timeout time.Duration) *net.Dialer {
	d := &net.Dialer{Timeout: timeout}
	if dl, ok := ctx.Deadline(); ok {
		d.Deadline = dl
	}
	return d
}
