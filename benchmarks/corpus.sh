#!/usr/bin/env bash
# Runs `sekisho sanitize-file` over every file under DIR (a public document corpus, e.g.
# the example-docs folder of the Unstructured project) and prints one line per file:
# path, verdict, detected type, class and reason (tab-separated), then the verdict counts
# and every held file. It measures over-blocking on ordinary files: each held file's
# reason must be one a user would accept (encrypted, damaged, a format no common reader
# opens).
#
#   bash benchmarks/corpus.sh DIR [SEKISHO_BINARY] > result.tsv
set -euo pipefail
dir=${1:?usage: corpus.sh DIR [SEKISHO_BINARY]}
bin=${2:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -z "$bin" ]; then
  bin="$work/sekisho"
  go build -o "$bin" "$(dirname "${BASH_SOURCE[0]}")/../cmd/sekisho"
fi
find "$dir" -type f -size -20M | sort | while read -r f; do
  timeout 300 "$bin" sanitize-file "$f" -o "$work/out" --report "$work/report.json" >/dev/null 2>&1 || true
  python3 - "$f" "$work/report.json" <<'PY'
import json, sys
f, rep = sys.argv[1], sys.argv[2]
try:
    d = json.load(open(rep))
    t = d.get("detected") or {}
    print("\t".join([f, d.get("verdict", ""), t.get("name", ""), t.get("class", ""),
                     (d.get("reason") or "").replace("\t", " ").replace("\n", " ")[:200]]))
except Exception as e:
    print("\t".join([f, "error", "", "", str(e)[:100]]))
PY
  rm -f "$work/out" "$work/report.json"
done | tee "$work/all.tsv"
echo
echo "# verdicts"
cut -f2 "$work/all.tsv" | sort | uniq -c
echo "# held"
awk -F'\t' '$2 != "clean" && $2 != "sanitized"' "$work/all.tsv"
