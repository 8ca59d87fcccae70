#!/usr/bin/env python3
"""Writes a PDF that shows TEXT in the CID-keyed CFF program of Noto Sans CJK JP,
embedded whole as FontFile3 /CIDFontType0C; pdftocairo then subsets it the way cairo
does. Usage: cid-cff.py FONT.ttc INDEX OUT.pdf TEXT; then pdftocairo -pdf OUT.pdf cairo.pdf
"""
import struct, sys, zlib


def tables(path, idx):
    d = open(path, 'rb').read()
    off = struct.unpack('>I', d[12 + 4 * idx:16 + 4 * idx])[0] if d[:4] == b'ttcf' else 0
    n = struct.unpack('>H', d[off + 4:off + 6])[0]
    t = {}
    for i in range(n):
        tag, _, o, l = struct.unpack('>4sIII', d[off + 12 + 16 * i:off + 28 + 16 * i])
        t[tag] = d[o:o + l]
    return t


def unicode_to_glyph(cmap):
    for i in range(struct.unpack('>H', cmap[2:4])[0]):
        _, _, o = struct.unpack('>HHI', cmap[4 + 8 * i:12 + 8 * i])
        if struct.unpack('>H', cmap[o:o + 2])[0] == 12:
            m = {}
            for k in range(struct.unpack('>I', cmap[o + 12:o + 16])[0]):
                s, e, g = struct.unpack('>III', cmap[o + 16 + 12 * k:o + 28 + 12 * k])
                for c in range(s, e + 1):
                    m[c] = g + c - s
            return m
    raise SystemExit('no format 12 cmap')


def glyph_to_cid(cff):
    def index(p):
        cnt = struct.unpack('>H', cff[p:p + 2])[0]
        if cnt == 0:
            return [], p + 2
        osz = cff[p + 2]
        offs = [int.from_bytes(cff[p + 3 + i * osz:p + 3 + (i + 1) * osz], 'big') for i in range(cnt + 1)]
        base = p + 3 + (cnt + 1) * osz - 1
        return [cff[base + offs[i]:base + offs[i + 1]] for i in range(cnt)], base + offs[-1]
    _, p = index(cff[2])
    tops, _ = index(p)
    top, ops, st, i = tops[0], {}, [], 0
    while i < len(top):
        c = top[i]
        if c <= 21:
            op = c
            i += 1
            if c == 12:
                op = 1200 + top[i]
                i += 1
            ops[op], st = st, []
        elif c == 28:
            st.append(struct.unpack('>h', top[i + 1:i + 3])[0]); i += 3
        elif c == 29:
            st.append(struct.unpack('>i', top[i + 1:i + 5])[0]); i += 5
        elif c == 30:
            i += 1
            while not (top[i] & 0xf == 0xf or top[i] >> 4 == 0xf):
                i += 1
            i += 1
            st.append(0)
        elif 32 <= c <= 246:
            st.append(c - 139); i += 1
        elif c <= 250:
            st.append((c - 247) * 256 + top[i + 1] + 108); i += 2
        else:
            st.append(-(c - 251) * 256 - top[i + 1] - 108); i += 2
    cs, ng = ops[15][0], struct.unpack('>H', cff[ops[17][0]:ops[17][0] + 2])[0]
    fmt, g2c, q = cff[cs], [0], cs + 1
    while len(g2c) < ng:
        if fmt == 0:
            g2c.append(struct.unpack('>H', cff[q:q + 2])[0]); q += 2
        else:
            first = struct.unpack('>H', cff[q:q + 2])[0]
            left = cff[q + 2] if fmt == 1 else struct.unpack('>H', cff[q + 2:q + 4])[0]
            q += 3 if fmt == 1 else 4
            g2c.extend(first + k for k in range(left + 1))
    return g2c


def main():
    path, idx, out_path, text = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    t = tables(path, idx)
    u2g, g2c = unicode_to_glyph(t[b'cmap']), glyph_to_cid(t[b'CFF '])
    cids = [g2c[u2g[ord(ch)]] for ch in text]
    hexs = ''.join('%04x' % c for c in cids)
    content = ('BT /F1 24 Tf 40 700 Td <%s> Tj ET\nBT /F1 14 Tf 1 0 0 1 40 650 Tm <%s> Tj ET\n' % (hexs, hexs)).encode()
    bf = ''.join('<%04x> <%04x>\n' % (c, ord(ch)) for c, ch in zip(cids, text))
    tu = ('/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CIDSystemInfo << /Registry (Adobe) '
          '/Ordering (UCS) /Supplement 0 >> def /CMapName /Adobe-Identity-UCS def /CMapType 2 def 1 begincodespacerange '
          '<0000> <FFFF> endcodespacerange %d beginbfchar\n%sendbfchar endcmap CMapName currentdict /CMap defineresource '
          'pop end end\n' % (len(cids), bf)).encode()
    z = zlib.compress(t[b'CFF '])
    objs = [
        b'<< /Type /Catalog /Pages 2 0 R >>',
        b'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
        b'<< /Length %d >>\nstream\n' % len(content) + content + b'\nendstream',
        b'<< /Type /Font /Subtype /Type0 /BaseFont /NotoSansCJKjp-Regular /Encoding /Identity-H /DescendantFonts [6 0 R] /ToUnicode 9 0 R >>',
        b'<< /Type /Font /Subtype /CIDFontType0 /BaseFont /NotoSansCJKjp-Regular /CIDSystemInfo << /Registry (Adobe) /Ordering (Japan1) /Supplement 6 >> /FontDescriptor 7 0 R /DW 1000 >>',
        b'<< /Type /FontDescriptor /FontName /NotoSansCJKjp-Regular /Flags 4 /FontBBox [-1000 -1000 3000 3000] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 /FontFile3 8 0 R >>',
        b'<< /Subtype /CIDFontType0C /Filter /FlateDecode /Length %d >>\nstream\n' % len(z) + z + b'\nendstream',
        b'<< /Length %d >>\nstream\n' % len(tu) + tu + b'\nendstream',
    ]
    out, offs = b'%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', []
    for i, o in enumerate(objs):
        offs.append(len(out))
        out += b'%d 0 obj\n' % (i + 1) + o + b'\nendobj\n'
    x = len(out)
    out += b'xref\n0 %d\n0000000000 65535 f \n' % (len(objs) + 1) + b''.join(b'%010d 00000 n \n' % o for o in offs)
    out += b'trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n' % (len(objs) + 1, x)
    open(out_path, 'wb').write(out)


main()
