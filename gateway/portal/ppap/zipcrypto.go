package ppap

import "hash/crc32"

// zipCrypto is the traditional PKWARE stream cipher (APPNOTE 6.1). It is weak (known
// plaintext breaks it), which matters to the sender, not to us: we only decrypt.
type zipCrypto struct{ k0, k1, k2 uint32 }

func newZipCrypto(password []byte) *zipCrypto {
	z := &zipCrypto{0x12345678, 0x23456789, 0x34567890}
	for _, c := range password {
		z.update(c)
	}
	return z
}

func crc32Byte(crc uint32, b byte) uint32 {
	return crc32.IEEETable[byte(crc)^b] ^ (crc >> 8)
}

func (z *zipCrypto) update(c byte) {
	z.k0 = crc32Byte(z.k0, c)
	z.k1 = (z.k1+(z.k0&0xff))*134775813 + 1
	z.k2 = crc32Byte(z.k2, byte(z.k1>>24))
}

func (z *zipCrypto) stream() byte {
	t := uint16(z.k2 | 2)
	return byte((uint32(t) * uint32(t^1)) >> 8)
}

// decrypt decrypts p in place.
func (z *zipCrypto) decrypt(p []byte) {
	for i, c := range p {
		c ^= z.stream()
		z.update(c)
		p[i] = c
	}
}

// encrypt encrypts p in place; tests use it to build inputs no tool writes (a check byte
// that matches a wrong password).
func (z *zipCrypto) encrypt(p []byte) {
	for i, c := range p {
		k := z.stream()
		z.update(c)
		p[i] = c ^ k
	}
}
