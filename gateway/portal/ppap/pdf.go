package ppap

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// DecryptPDF writes to w the PDF in r with its standard-security-handler encryption
// removed, opened with password as user (or owner) password. The output is held in memory
// and written only on success. The result must still go through the engine: decryption
// removes the lock, not what is inside.
func DecryptPDF(r io.ReadSeeker, password []byte, lim Limits, w io.Writer) (err error) {
	lim = lim.withDefaults()
	// pdfcpu recovers only its own panics; a malformed file can raise others.
	defer func() {
		if p := recover(); p != nil {
			err = corrupt("pdf reader panicked: %v", p)
		}
	}()
	conf := pdfConfig(lim)
	conf.UserPW, conf.OwnerPW = string(password), string(password)
	var out bytes.Buffer
	err = api.Decrypt(r, &limitWriter{w: &out, n: lim.MaxFileSize}, conf)
	switch {
	case err == nil:
	case errors.Is(err, pdfcpu.ErrWrongPassword):
		return ErrPassword
	case isLimit(err):
		return err
	case errors.Is(err, pdfcpu.ErrNotEncrypted):
		return ErrNotEncrypted
	default:
		return corrupt("%v", err)
	}
	_, err = out.WriteTo(w)
	return err
}

// pdfConfig is an explicit pdfcpu configuration (never the per-user config directory),
// relaxed like the PDF family's, with resource limits from lim.
func pdfConfig(lim Limits) *model.Configuration {
	rl := model.DefaultResourceLimits()
	rl.MaxStreamBytes = min(rl.MaxStreamBytes, lim.MaxFileSize)
	rl.MaxDecodeBytes = min(rl.MaxDecodeBytes, lim.MaxTotalSize, 64<<20)
	rl.MaxImageBytes = min(rl.MaxImageBytes, lim.MaxTotalSize)
	return &model.Configuration{
		Version:                   model.VersionStr,
		Reader15:                  true,
		ValidationMode:            model.ValidationRelaxed,
		UnsupportedResourcePolicy: model.UnsupportedResourceSkip,
		Eol:                       types.EolLF,
		Offline:                   true,
		Timeout:                   5,
		TimestampFormat:           "2006-01-02 15:04",
		DateFormat:                "2006-01-02",
		Cmd:                       model.DECRYPT,
		Limits:                    rl,
	}
}

// limitWriter fails once more than n bytes are written.
type limitWriter struct {
	w io.Writer
	n int64
	c int64
}

func (l *limitWriter) Write(p []byte) (int, error) {
	l.c += int64(len(p))
	if l.c > l.n {
		return 0, &LimitError{"limits.max_file_size", l.n, l.c}
	}
	n, err := l.w.Write(p)
	if err != nil {
		return n, fmt.Errorf("ppap: write: %w", err)
	}
	return n, nil
}
