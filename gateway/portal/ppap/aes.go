package ppap

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/binary"
	"hash"
)

// WinZip AES (https://www.winzip.com/en/support/aes-encryption/): per entry a salt, a
// two-byte password verifier, AES in CTR mode with a little-endian counter starting at 1,
// and a 10-byte HMAC-SHA1 over the ciphertext. Keys come from PBKDF2-HMAC-SHA1 with 1000
// iterations.
const (
	aesExtraID    = 0x9901
	aesMethod     = 99
	aesIterations = 1000
	aesMACLen     = 10
	aesPWVLen     = 2
)

// aesKeyLen maps the strength byte of the 0x9901 extra field to the key length.
func aesKeyLen(strength byte) int {
	switch strength {
	case 1:
		return 16
	case 2:
		return 24
	case 3:
		return 32
	}
	return 0
}

// aesKeys derives the encryption key, the MAC key and the password verifier.
func aesKeys(password, salt []byte, keyLen int) (enc, mac, pwv []byte, err error) {
	dk, err := pbkdf2.Key(sha1.New, string(password), salt, aesIterations, 2*keyLen+aesPWVLen)
	if err != nil {
		return nil, nil, nil, err
	}
	return dk[:keyLen], dk[keyLen : 2*keyLen], dk[2*keyLen:], nil
}

// winzipCTR is AES-CTR with WinZip's counter: 16 bytes, little-endian, first block 1.
// crypto/cipher's CTR counts big-endian, so it cannot be used.
type winzipCTR struct {
	block cipher.Block
	ctr   [aes.BlockSize]byte
	ks    [aes.BlockSize]byte
	used  int
}

func newWinzipCTR(key []byte) (*winzipCTR, error) {
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return &winzipCTR{block: b, used: aes.BlockSize}, nil
}

func (c *winzipCTR) XORKeyStream(dst, src []byte) {
	for i := range src {
		if c.used == aes.BlockSize {
			lo := binary.LittleEndian.Uint64(c.ctr[:8]) + 1
			binary.LittleEndian.PutUint64(c.ctr[:8], lo)
			if lo == 0 {
				binary.LittleEndian.PutUint64(c.ctr[8:], binary.LittleEndian.Uint64(c.ctr[8:])+1)
			}
			c.block.Encrypt(c.ks[:], c.ctr[:])
			c.used = 0
		}
		dst[i] = src[i] ^ c.ks[c.used]
		c.used++
	}
}

// aesEntry decrypts one entry's payload (salt, verifier, ciphertext, MAC) in place and
// returns the plaintext slice, or ErrPassword when the verifier or the MAC does not match.
func aesEntry(password, payload []byte, strength byte) ([]byte, error) {
	kl := aesKeyLen(strength)
	if kl == 0 {
		return nil, corrupt("unknown AES strength %d", strength)
	}
	saltLen := kl / 2
	if len(payload) < saltLen+aesPWVLen+aesMACLen {
		return nil, corrupt("AES entry shorter than its header")
	}
	salt := payload[:saltLen]
	enc, macKey, pwv, err := aesKeys(password, salt, kl)
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare(pwv, payload[saltLen:saltLen+aesPWVLen]) != 1 {
		return nil, ErrPassword
	}
	data := payload[saltLen+aesPWVLen : len(payload)-aesMACLen]
	var m hash.Hash = hmac.New(sha1.New, macKey)
	m.Write(data)
	if !hmac.Equal(m.Sum(nil)[:aesMACLen], payload[len(payload)-aesMACLen:]) {
		// The verifier has a 1 in 65,536 chance of accepting a wrong password; the MAC
		// then fails. Both cases read the same to the user: it did not open.
		return nil, ErrPassword
	}
	ctr, err := newWinzipCTR(enc)
	if err != nil {
		return nil, err
	}
	ctr.XORKeyStream(data, data)
	return data, nil
}
