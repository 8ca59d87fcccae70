package delivery_test

import (
	"bufio"
	"bytes"
	"io"
	"math/rand/v2"
	"net"
	"net/textproto"
	"strings"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"
)

// TestClientDataMatchesTextproto sends data through go-smtp's client, whose dot writer
// copies runs of a line at once (a patch of the vendored copy), to a scripted server that
// records the octets after DATA, and compares them with what net/textproto's DotWriter
// writes for the same input in the same chunks: dots at line starts, bare CR and LF,
// CRLF split between writes.
func TestClientDataMatchesTextproto(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 5321))
	alphabet := []byte("ab.\r\n\r\n..x\t")
	for round := range 40 {
		var chunks [][]byte
		for range 1 + rng.IntN(30) {
			c := make([]byte, rng.IntN(200))
			for i := range c {
				if rng.IntN(3) == 0 {
					c[i] = alphabet[rng.IntN(len(alphabet))]
				} else {
					c[i] = 'a' + byte(rng.IntN(26))
				}
			}
			chunks = append(chunks, c)
		}
		var want bytes.Buffer
		tw := textproto.NewWriter(bufio.NewWriter(&want))
		dw := tw.DotWriter()
		for _, c := range chunks {
			dw.Write(c)
		}
		dw.Close()

		got := sendRecorded(t, chunks)
		if !bytes.Equal(got, want.Bytes()) {
			k := 0
			for k < min(len(got), want.Len()) && got[k] == want.Bytes()[k] {
				k++
			}
			t.Fatalf("round %d: client wrote %d octets, textproto %d; first difference at %d: %q vs %q", round,
				len(got), want.Len(), k, got[max(0, k-10):min(len(got), k+10)], want.Bytes()[max(0, k-10):min(want.Len(), k+10)])
		}
	}
}

// sendRecorded sends chunks as one message's data with go-smtp's client and returns the
// octets a scripted server received after its 354 reply, end-of-data line included.
func sendRecorded(t *testing.T, chunks [][]byte) []byte {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	recorded := make(chan []byte, 1)
	go func() { // ends with the connection
		c, err := ln.Accept()
		if err != nil {
			recorded <- nil
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(20 * time.Second))
		br := bufio.NewReader(c)
		io.WriteString(c, "220 rec.test\r\n")
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				recorded <- nil
				return
			}
			switch cmd := strings.ToUpper(strings.TrimSpace(line)); {
			case strings.HasPrefix(cmd, "EHLO"):
				io.WriteString(c, "250 rec.test\r\n")
			case cmd == "DATA":
				io.WriteString(c, "354 go on\r\n")
				var data []byte
				for !bytes.HasSuffix(data, []byte("\r\n.\r\n")) && !bytes.Equal(data, []byte(".\r\n")) {
					b, err := br.ReadByte()
					if err != nil {
						recorded <- data
						return
					}
					data = append(data, b)
				}
				io.WriteString(c, "250 ok\r\n")
				recorded <- data
			case cmd == "QUIT":
				io.WriteString(c, "221 bye\r\n")
				return
			default:
				io.WriteString(c, "250 ok\r\n")
			}
		}
	}()
	cl, err := gosmtp.Dial(ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if err := cl.Hello("client.test"); err != nil {
		t.Fatal(err)
	}
	if err := cl.Mail("a@example.com", nil); err != nil {
		t.Fatal(err)
	}
	if err := cl.Rcpt("b@example.com", nil); err != nil {
		t.Fatal(err)
	}
	w, err := cl.Data()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range chunks {
		if _, err := w.Write(c); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	cl.Quit()
	return <-recorded
}
