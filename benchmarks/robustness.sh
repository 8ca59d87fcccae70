#!/usr/bin/env bash
# Runs `sekisho sanitize-file` over every file under DIR (a public corpus of odd and
# broken real files, e.g. test/pdfs of mozilla/pdf.js) with a per-file timeout and an
# address-space cap, two files at a time, and prints one tab-separated line per file:
# name, exit status, verdict, detected type, seconds, peak RSS (KiB), "panic" when the
# standard error shows one, reason. Then the summary: verdicts, reasons grouped, panics,
# exits other than 0 and 3 (a timeout is 137), the slowest and the largest runs.
#
#   bash benchmarks/robustness.sh DIR [SEKISHO_BINARY] > result.tsv
#   TIMEOUT=60 VMEM_KB=4194304 JOBS=2 (defaults)
#
# FIXEDPOINT=1 sanitizes every delivered output again under the input's name and adds a
# column: "same" (clean, no action, the same bytes), "differs" (clean, other bytes),
# "second:VERDICT" (the second pass did something), "-" (nothing delivered). An output
# must be a fixed point; the summary counts the column.
set -euo pipefail
dir=${1:?usage: robustness.sh DIR [SEKISHO_BINARY]}
bin=${2:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -z "$bin" ]; then
  bin="$work/sekisho"
  go build -o "$bin" "$(dirname "${BASH_SOURCE[0]}")/../cmd/sekisho"
fi
export BIN=$bin WORK=$work TIMEOUT=${TIMEOUT:-60} VMEM_KB=${VMEM_KB:-4194304} FIXEDPOINT=${FIXEDPOINT:-}
one() {
  f=$1
  w=$(mktemp -d "$WORK/f.XXXXXX")
  rc=0
  (ulimit -v "$VMEM_KB"
   /usr/bin/time -f '%e %M' -o "$w/time" timeout -s KILL "$TIMEOUT" \
     "$BIN" sanitize-file "$f" -o "$w/out" --report "$w/report.json" >/dev/null 2>"$w/stderr") || rc=$?
  if [ -n "$FIXEDPOINT" ] && [ -s "$w/out" ]; then
    mkdir "$w/again"
    cp "$w/out" "$w/again/$(basename "$f")"
    (ulimit -v "$VMEM_KB"
     timeout -s KILL "$TIMEOUT" "$BIN" sanitize-file "$w/again/$(basename "$f")" -o "$w/out2" \
       --report "$w/report2.json" >/dev/null 2>&1) || true
  fi
  # One write per line (cat of a small file), so that parallel jobs do not interleave.
  python3 - "$f" "$w" "$rc" >"$w/line" <<'PY'
import json, os, sys
f, w, rc = sys.argv[1:]
try:
    el, rss = open(os.path.join(w, "time")).read().split()[-2:]
except Exception:
    el, rss = "", ""
try:
    d = json.load(open(os.path.join(w, "report.json")))
except Exception:
    d = {}
err = open(os.path.join(w, "stderr"), errors="replace").read()
panic = "panic" if "panic:" in err or "goroutine " in err else ""
reason = d.get("reason") or ("" if d else err.strip().replace("\n", " | "))
t = d.get("detected") or {}
fixed = []
if os.environ.get("FIXEDPOINT"):
    fixed = ["-"]
    if os.path.exists(os.path.join(w, "again")):
        try:
            d2 = json.load(open(os.path.join(w, "report2.json")))
        except Exception:
            d2 = {}
        v2 = d2.get("verdict", "none")
        if v2 != "clean" or d2.get("actions"):
            fixed = ["second:" + v2]
        else:
            same = open(os.path.join(w, "out"), "rb").read() == open(os.path.join(w, "out2"), "rb").read()
            fixed = ["same" if same else "differs"]
print("\t".join([f, rc, d.get("verdict", "none"), t.get("name", ""), el, rss, panic,
                 reason.replace("\t", " ").replace("\n", " ")[:240]] + fixed))
PY
  cat "$w/line"
  rm -rf "$w"
}
export -f one
find "$dir" -type f | sort | xargs -d '\n' -P "${JOBS:-2}" -I{} bash -c 'one "$1"' _ {} | tee "$work/all.tsv"
{
  echo
  echo "# verdicts (exit status, verdict)"
  cut -f2,3 "$work/all.tsv" | sort | uniq -c
  echo "# reasons of held files, digits folded"
  awk -F'\t' '$3 != "clean" && $3 != "sanitized" {print $8}' "$work/all.tsv" |
    sed -E 's/[0-9]+/N/g' | cut -c1-90 | sort | uniq -c | sort -rn
  echo "# panics, or exit status other than 0 and 3"
  awk -F'\t' '$7 != "" || ($2 != 0 && $2 != 3)' "$work/all.tsv"
  if [ -n "$FIXEDPOINT" ]; then
    echo "# fixed point of the delivered outputs (column 9)"
    cut -f9 "$work/all.tsv" | sort | uniq -c
  fi
  echo "# slowest 5"
  sort -t$'\t' -k5 -g -r "$work/all.tsv" | head -5 | cut -f1-6
  echo "# largest peak RSS 5"
  sort -t$'\t' -k6 -g -r "$work/all.tsv" | head -5 | cut -f1-6
} | sed 's/^/# /; s/^# #/#/'
