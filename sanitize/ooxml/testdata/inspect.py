#!/usr/bin/env python3
"""Independent reader for sanitized Office and OpenDocument packages.

Usage: inspect.py SPEC.json

SPEC maps each file to the markers that must appear nowhere in it. Opens each file with
zipfile, parses every entry that is XML with xml.etree, and looks
for each marker (case-insensitive) in every element text and attribute value, after the
XML parser has resolved escapes. HTML files (LibreOffice exports) are read with
html.parser instead: their link targets are listed, and markers are looked for in the
targets and the text. Prints one JSON object: file -> list of findings, each
"marker in entry" or "unsafe link target", or "unreadable entry".
"""
import html.parser
import json
import sys
import xml.etree.ElementTree as ET
import zipfile

SAFE = ("http://", "https://", "mailto:", "#")


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.targets, self.text = [], []

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k in ("href", "action") and v is not None:
                self.targets.append(v)

    def handle_data(self, data):
        self.text.append(data)


def strings_of(root):
    for el in root.iter():
        if el.text:
            yield el.text
        for v in el.attrib.values():
            yield v


def inspect(path, markers):
    found = []
    if path.endswith((".html", ".htm")):
        p = Links()
        with open(path, encoding="utf-8", errors="replace") as f:
            p.feed(f.read())
        for t in p.targets:
            if not t.strip().lower().startswith(SAFE):
                found.append("unsafe link target %r" % t)
        hay = "\n".join(p.targets + p.text).lower()
        found += ["%s in links or text" % m for m in markers if m.lower() in hay]
        return found
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            data = z.read(name)
            if not data.lstrip().startswith(b"<") and not name.endswith((".xml", ".rels")):
                continue
            try:
                root = ET.fromstring(data)
            except ET.ParseError as e:
                found.append("unreadable entry %s: %s" % (name, e))
                continue
            hay = "\n".join(strings_of(root)).lower()
            found += ["%s in %s" % (m, name) for m in markers if m.lower() in hay]
    return found


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        spec = json.load(f)
    out = {}
    for path, markers in spec.items():
        try:
            out[path] = inspect(path, markers)
        except Exception as e:  # a file the reader cannot open is a finding too
            out[path] = ["cannot read: %s" % e]
    json.dump(out, sys.stdout)


main()
