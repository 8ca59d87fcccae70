#!/usr/bin/env bash
# Runs sekisho's Go benchmarks with -count and benchstat, measures peak RSS of
# sanitize-file on large inputs, and records everything under benchmarks/results/ with the
# exact commands, Go version, commit and machine.
#
#   bash benchmarks/run.sh                     # every package with benchmarks, COUNT=10
#   COUNT=5 BENCH='Sanitize' bash benchmarks/run.sh ./sanitize/img ./sanitize/text
#   GOBENCH=0 bash benchmarks/run.sh           # only the peak-RSS runs
#   RSS=0 bash benchmarks/run.sh               # skip the peak-RSS runs (they need GNU time:
#                                              # apt-get install time)
#
# Output: results/<UTC time>-<commit>.txt (raw go test output, benchstat's input),
# results/<...>.benchstat.txt (medians and confidence intervals) and results/<...>.rss.txt.
# Compare two runs with: benchstat results/OLD.txt results/NEW.txt
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
COUNT="${COUNT:-10}"
BENCH="${BENCH:-.}"
BENCHTIME="${BENCHTIME:-1s}"
RSS="${RSS:-1}"
GOBENCH="${GOBENCH:-1}"

pkgs=("$@")
if [ "${#pkgs[@]}" = 0 ]; then
  mapfile -t pkgs < <(git ls-files '*_test.go' | xargs grep -l -s -E '^func Benchmark[A-Za-z0-9_]*\(b \*testing\.B\)' |
    xargs -n1 dirname | sort -u | sed 's|^|./|')
fi
if [ "${#pkgs[@]}" = 0 ]; then
  echo "no benchmarks found"
  exit 1
fi

if ! command -v benchstat >/dev/null; then
  export PATH="$(go env GOPATH)/bin:$PATH"
  command -v benchstat >/dev/null || go install golang.org/x/perf/cmd/benchstat@latest
fi

commit="$(git rev-parse --short=12 HEAD)"
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then commit="$commit-dirty"; fi
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="benchmarks/results/$stamp-$commit"
mkdir -p benchmarks/results

cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
mem="$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
cmd=(go test -run '^$' -bench "$BENCH" -benchmem -benchtime "$BENCHTIME" -count "$COUNT" "${pkgs[@]}")

# benchfmt ignores lines that are neither results nor "key: value" configuration, so the
# header is kept as comments inside the raw file that benchstat reads.
{
  echo "# command: $(printf '%q ' "${cmd[@]}")"
  echo "# go: $(go version)"
  echo "# commit: $commit"
  echo "# date: $stamp"
  echo "# machine: $(uname -srm), $(nproc) CPUs ($cpu), $mem RAM"
  echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$out.txt"

if [ "$GOBENCH" = 1 ]; then
  echo "running: ${cmd[*]}"
  "${cmd[@]}" | tee -a "$out.txt"
  benchstat "$out.txt" >"$out.benchstat.txt"
  echo "# benchstat $out.txt" | cat - "$out.benchstat.txt" >"$out.benchstat.tmp" && mv "$out.benchstat.tmp" "$out.benchstat.txt"
else
  rm -f "$out.txt"
fi

if [ "$RSS" = 1 ]; then
  # Peak RSS of the whole command on inputs near limits.max_file_size (100MiB): memory
  # must be bounded by the limits and the spool threshold, not by the input size.
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  go build -o "$tmp/sekisho" ./cmd/sekisho
  python3 - "$tmp" <<'PY'
import sys, os, zipfile
d = sys.argv[1]
line = "関所は無害化ゲートウェイです。sekisho rebuilds files from their parsed content.\n".encode()
with open(os.path.join(d, "big.txt"), "wb") as f:
    n = 0
    while n < 100_000_000:
        f.write(line * 1000); n += len(line) * 1000
with zipfile.ZipFile(os.path.join(d, "big.zip"), "w", zipfile.ZIP_DEFLATED) as z:
    for i in range(4):
        with z.open(f"part{i}.txt", "w") as w:
            # Numbered lines with random hex compress about 3:1, inside limits.max_ratio,
            # so the whole archive is walked and rebuilt (25 MB expanded per entry).
            for j in range(250_000):
                w.write(b"%08d %s " % (j, os.urandom(8).hex().encode()) + line)
with open(os.path.join(d, "over.bin"), "wb") as f:
    f.truncate(200 * 1024 * 1024)
PY
  {
    echo "# peak RSS of sanitize-file (GNU time %M), commit $commit, $(go version)"
    printf '%-40s %12s %10s %8s %s\n' input input_bytes peak_rss_kib exit seconds
    for f in big.txt big.zip over.bin; do
      start=$(date +%s.%N)
      set +e
      /usr/bin/time -f '%M' -o "$tmp/rss" "$tmp/sekisho" sanitize-file "$tmp/$f" -o "$tmp/out-$f" 2>/dev/null
      code=$?
      set -e
      end=$(date +%s.%N)
      printf '%-40s %12s %10s %8s %.2f\n' "$f" "$(stat -c %s "$tmp/$f")" "$(tail -1 "$tmp/rss")" "$code" "$(awk "BEGIN {print $end - $start}")"
      rm -f "$tmp/out-$f"
    done
    echo "# command: /usr/bin/time -f %M sekisho sanitize-file INPUT -o OUTPUT (default config)"
  } | tee "$out.rss.txt"
fi

if [ "$GOBENCH" = 1 ]; then echo "recorded: $out.txt $out.benchstat.txt"; fi
if [ "$RSS" = 1 ]; then echo "recorded: $out.rss.txt"; fi
