#!/usr/bin/env python3
"""A second, independent reader of mail for the corpus tests: Python's email package,
with both of its policies (compat32 and default). It shares no code with sekisho, which
writes its output with Go's standard library and go-message.

Input (stdin): a JSON list of {"path": ..., "role": "original" | "output"}.
Output (stdout): a JSON list, one object per input, for each policy:
  text      the visible text: every text/plain part that is not an attachment, and the
            text of every text/html part that has no plain alternative beside it
  files     [name, content type] of every part that is a file (a name, or an attachment
            disposition, or a type that is not text)
  types     the content types of all leaves
  defects   the names of the defects the parser recorded
  hidden    what must never reach a recipient, found in any decoded part: the EICAR
            string, a PE or ELF header, a zip holding an executable or script name;
            also inside uuencode and yEnc blocks of a part's text, which some mail and
            news readers decode
"""
import binascii
import email
import email.policy
import html.parser
import io
import json
import re
import sys
import zipfile

EICAR = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE"
RUNNABLE = (".exe", ".com", ".scr", ".bat", ".cmd", ".js", ".vbs", ".ps1", ".hta", ".lnk", ".jar", ".msi", ".pif")


class Text(html.parser.HTMLParser):
    """HTML to text: drops script, style, head and hidden elements' text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head", "title"):
            self.skip += 1
        if tag in ("br", "p", "div", "tr", "li"):
            self.out.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head", "title") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.out.append(data)


def html_text(s):
    p = Text()
    try:
        p.feed(s)
        p.close()
    except Exception:
        pass
    return "".join(p.out)


def decoded(part):
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if data is None:
        pl = part.get_payload()
        data = pl.encode("utf-8", "replace") if isinstance(pl, str) else b""
    return data


def as_text(part):
    """The text a mail client shows: the declared charset, with replacement characters
    where bytes do not decode; when there is no usable label, the Japanese charsets."""
    data = decoded(part)
    cs = part.get_content_charset()
    if cs:
        try:
            return data.decode(cs)
        except UnicodeDecodeError:
            if not (cs.lower() in ("iso-2022-jp", "us-ascii") and 0x1b not in data):
                return data.decode(cs, "replace")
        except LookupError:
            pass
    for c in ("utf-8", "cp932", "euc-jp"):
        try:
            return data.decode(c)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", "replace")


def is_file(part):
    disp = (part.get("Content-Disposition") or "").split(";")[0].strip().lower()
    try:
        name = part.get_filename()
    except Exception:
        name = None
    return disp == "attachment" or bool(name) or part.get_content_maintype() not in ("text", "multipart", "message")


def hidden(data, depth=0):
    if EICAR in data:
        return "EICAR test string"
    if data[:2] == b"MZ" and b"PE\0\0" in data[:1024]:
        return "PE executable"
    if data[:4] == b"\x7fELF":
        return "ELF executable"
    if data[:2] == b"PK" and depth < 4:
        try:
            z = zipfile.ZipFile(io.BytesIO(data))
            for n in z.namelist():
                if n.lower().rstrip(". ").endswith(RUNNABLE):
                    return "zip entry " + n
                h = hidden(z.read(n)[: 1 << 20], depth + 1)
                if h:
                    return h
        except Exception:
            pass
    return ""


UU = re.compile(rb"^begin [0-7]{3,4} [^\r\n]*\r?\n(.*?)^end\b", re.M | re.S)
YENC = re.compile(rb"^=ybegin [^\r\n]*\r?\n(?:=ypart [^\r\n]*\r?\n)?(.*?)(?:^=yend|\Z)", re.M | re.S)


def embedded(data):
    """The files of the uuencode and yEnc blocks in a part's bytes, decoded here (binascii
    for uuencode, the yEnc 1.3 rule for yEnc), not by sekisho's code."""
    out = []
    for m in UU.finditer(data):
        b = bytearray()
        for line in m.group(1).splitlines():
            try:
                b += binascii.a2b_uu(line)
            except binascii.Error:
                pass
        out.append(bytes(b))
    for m in YENC.finditer(data):
        b, esc = bytearray(), False
        for c in m.group(1):
            if c in (10, 13):
                continue
            if esc:
                b.append((c - 64 - 42) % 256)
                esc = False
            elif c == 61:
                esc = True
            else:
                b.append((c - 42) % 256)
        out.append(bytes(b))
    return out


def read(raw, policy):
    msg = email.message_from_bytes(raw, policy=policy)
    texts, files, types, defects, found = [], [], [], [], []

    def walk(part, alt_has_plain=False):
        defects.extend(type(d).__name__ for d in getattr(part, "defects", []))
        cte = (part.get("Content-Transfer-Encoding") or "").strip().lower()
        if part.get_content_type() == "message/rfc822" and cte in ("base64", "quoted-printable"):
            # Python parses such a part without decoding it; mail clients decode it first.
            raw = part.get_payload(decode=True)
            if raw is None and part.is_multipart():
                raw = part.get_payload(0).as_bytes()
                raw = __import__("base64").b64decode(raw.split(b"\n\n", 1)[-1] if b"\n\n" in raw else raw, validate=False) if cte == "base64" else raw
            if raw:
                walk(email.message_from_bytes(raw, policy=policy))
                return
        if part.is_multipart():
            kids = part.get_payload()
            if not isinstance(kids, list):
                kids = []
            has_plain = part.get_content_subtype() == "alternative" and any(
                k.get_content_type() == "text/plain" and not is_file(k) for k in kids if hasattr(k, "get_content_type"))
            for k in kids:
                if hasattr(k, "get_content_type"):
                    walk(k, has_plain)
            return
        ct = part.get_content_type()
        types.append(ct)
        data = decoded(part)
        for d in [data] + embedded(data):
            h = hidden(d)
            if h:
                found.append(h)
        if is_file(part):
            try:
                name = part.get_filename() or ""
            except Exception:
                name = ""
            files.append([name, ct])
        elif ct == "text/plain" or ct.startswith("multipart/"):
            texts.append(as_text(part))
        elif ct == "text/html" and not alt_has_plain:
            texts.append(html_text(as_text(part)))

    walk(msg)
    return {"text": "\n".join(texts), "files": files, "types": types, "defects": sorted(set(defects)), "hidden": found}


def main():
    out = []
    for job in json.load(sys.stdin):
        with open(job["path"], "rb") as f:
            raw = f.read()
        r = {"path": job["path"]}
        for name, pol in (("compat32", email.policy.compat32), ("default", email.policy.default)):
            try:
                r[name] = read(raw, pol)
            except Exception as e:  # a reader that fails says so; the test decides
                r[name] = {"error": "%s: %s" % (type(e).__name__, e)}
        out.append(r)
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
