#!/usr/bin/env python3
"""Reads `go test -json` on standard input and prints what a plain `go test` prints (package
results, and the whole output of each failing test), then the slowest tests (where CI's
time goes) and every skipped test with its reason. Exits 1 when a test was skipped that
.ci/skips-allowed does not list, or when a test or package failed: under CI a skip must
be a decision someone wrote down, not a missing tool or a condition nobody noticed.

  go test -json ./sanitize/... | python3 .ci/skips.py .ci/skips-allowed
"""
import json
import re
import sys


def load_allowed(path):
    allowed = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) < 3 or not fields[2].strip():
                sys.exit(f"{path}:{n}: want package<TAB>test regexp<TAB>reason")
            allowed.append((fields[0], re.compile(fields[1]), fields[2]))
    return allowed


def short_name(pkg):
    return pkg.split("/", 3)[-1] if pkg.count("/") >= 3 else pkg


def main():
    allowed = load_allowed(sys.argv[1])
    output = {}  # (package, test) -> lines
    skips = []  # (package, test, reason)
    elapsed = []  # (seconds, package, top-level test)
    failed = False
    for raw in sys.stdin:
        try:
            ev = json.loads(raw)
        except json.JSONDecodeError:
            sys.stdout.write(raw)  # build errors arrive as plain text
            failed = True
            continue
        pkg, test, action = ev.get("Package", ""), ev.get("Test"), ev.get("Action")
        if action == "output":
            text = ev.get("Output", "")
            if test is None:
                if not text.startswith(("=== ", "PASS\n", "FAIL\n")) or text.startswith("FAIL\t"):
                    sys.stdout.write(text)
            else:
                output.setdefault((pkg, test), []).append(text)
        elif action == "build-output":
            sys.stdout.write(ev.get("Output", ""))
        elif action == "build-fail":
            failed = True
        elif action == "fail":
            failed = True
            if test is not None:
                sys.stdout.write("".join(output.get((pkg, test), [])))
        elif action == "skip" and test is not None:
            lines = [l.strip() for l in output.get((pkg, test), []) if l.strip() and not l.startswith(("=== ", "--- "))]
            reason = lines[-1] if lines else "(no reason given)"
            skips.append((pkg, test, reason))
        if action in ("pass", "fail") and test is not None and "/" not in test:
            elapsed.append((ev.get("Elapsed", 0), pkg, test))
        if action in ("pass", "skip", "fail") and test is not None:
            output.pop((pkg, test), None)

    print("slowest tests:")
    for sec, pkg, test in sorted(elapsed, reverse=True)[:15]:
        print(f"  {sec:7.1f}s  {short_name(pkg)} {test}")
    unlisted = []
    for pkg, test, reason in skips:
        short = short_name(pkg)
        ok = any(short == p and r.search(test) for p, r, _ in allowed)
        if not ok:
            unlisted.append((short, test, reason))
        print(f"{'skip' if ok else 'SKIP'}  {short} {test}: {reason}")
    print(f"skips: {len(skips)}, {len(unlisted)} not in {sys.argv[1]}")
    if unlisted:
        print("A test skipped under CI that nobody decided to skip: install what it needs (.ci/run),")
        print(f"make it fail under CI, or list it in {sys.argv[1]} with the reason.")
    sys.exit(1 if failed or unlisted else 0)


main()
