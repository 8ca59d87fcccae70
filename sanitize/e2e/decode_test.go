package e2e

import (
	"encoding/base64"
	"io"
	"mime/quotedprintable"
)

func newBase64(r io.Reader) io.Reader { return base64.NewDecoder(base64.StdEncoding, &skipSpace{r: r}) }
func newQP(r io.Reader) io.Reader     { return quotedprintable.NewReader(r) }

// skipSpace drops line breaks and blanks, which MIME base64 bodies carry.
type skipSpace struct{ r io.Reader }

func (s *skipSpace) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	j := 0
	for _, c := range p[:n] {
		if c != '\r' && c != '\n' && c != ' ' && c != '\t' {
			p[j] = c
			j++
		}
	}
	return j, err
}
