# The warm converter's worker (see warm.go): it starts LibreOffice listening on a private
# pipe, connects through UNO and converts one document per request line until standard
# input closes. It is run by sekisho inside the conversion sandbox (own process group,
# no network, RLIMIT_FSIZE), so LibreOffice inherits all of it. Requests and replies are
# JSON, one per line: {"in": path, "out": path, "filter": name} -> {"ok": true} or
# {"error": text, "store": bool, "dead": bool}; store says the document loaded but could
# not be written (the file-size limit among other causes), dead that LibreOffice is gone
# and the worker exits. The first line written is {"ready": true} or {"error": text}.
import json
import os
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def reply(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


# The render policy asks for "pdf": the export filter depends on the kind of document
# LibreOffice made of the input.
PDF_FILTERS = (
    ("com.sun.star.text.TextDocument", "writer_pdf_Export"),
    ("com.sun.star.sheet.SpreadsheetDocument", "calc_pdf_Export"),
    ("com.sun.star.presentation.PresentationDocument", "impress_pdf_Export"),
    ("com.sun.star.drawing.DrawingDocument", "draw_pdf_Export"),
)

# Macros never run (NEVER_EXECUTE), links are never updated (NO_UPDATE), nothing is
# shown and the document is not locked or written back.
LOAD = (
    prop("Hidden", True),
    prop("ReadOnly", True),
    prop("MacroExecutionMode", 0),
    prop("UpdateDocMode", 0),
)


class StoreError(Exception):
    pass


def convert(desktop, req):
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(req["in"]), "_blank", 0, LOAD)
    if doc is None:
        raise RuntimeError("LibreOffice could not load the document")
    try:
        flt = req["filter"]
        if flt == "pdf":
            flt = next((f for s, f in PDF_FILTERS if doc.supportsService(s)), None)
            if flt is None:
                raise RuntimeError("no PDF export for this kind of document")
        try:
            doc.storeToURL(uno.systemPathToFileUrl(req["out"]), (prop("FilterName", flt),))
        except Exception as e:
            raise StoreError(describe(e))
    finally:
        doc.close(True)


def alive(office, desktop):
    # A document LibreOffice cannot read leaves it running; one that crashes it does not,
    # and the bridge to a dead office fails on the next call.
    if office.poll() is not None:
        return False
    try:
        desktop.getComponents()
        return True
    except Exception:
        return False


def describe(e):
    # A UNO exception's text is in .Message; a dead office raises DisposedException.
    return "%s: %s" % (type(e).__name__, getattr(e, "Message", "") or e)


def main():
    soffice, profile, pipe, start_timeout = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    url = "pipe,name=%s;urp;StarOffice.ComponentContext" % pipe
    office = subprocess.Popen(
        [soffice, "-env:UserInstallation=" + profile, "--headless", "--invisible", "--norestore",
         "--nologo", "--nodefault", "--nolockcheck", "--accept=" + url],
        stdin=subprocess.DEVNULL, stdout=sys.stderr, stderr=sys.stderr)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + start_timeout
    while True:
        try:
            ctx = resolver.resolve("uno:" + url)
            break
        except Exception as e:
            if office.poll() is not None:
                reply({"error": "LibreOffice exited with status %d before accepting" % office.returncode})
                return 1
            if time.monotonic() > deadline:
                reply({"error": "LibreOffice did not accept within %gs: %s" % (start_timeout, e)})
                return 1
            time.sleep(0.05)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    reply({"ready": True})
    for line in sys.stdin:
        try:
            convert(desktop, json.loads(line))
            reply({"ok": True})
        except StoreError as e:
            if not alive(office, desktop):
                reply({"error": str(e), "dead": True})
                return 1
            reply({"error": str(e), "store": True})
        except Exception as e:
            if not alive(office, desktop):
                reply({"error": describe(e), "dead": True})
                return 1
            reply({"error": describe(e)})
    try:
        desktop.terminate()
    except Exception:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
