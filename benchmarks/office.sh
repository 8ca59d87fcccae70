#!/usr/bin/env bash
# OOXML/ODF and RTF families before and after the positive-model work (formulas, fields,
# namespaces and metadata on allow-lists), in the same run: the deny-list families
# (BEFORE, default the parent of the first positive-model commit) and this tree run the
# same benchmarks (this tree's bench_test.go files) on the same inputs (this tree's
# testdata), alternating one -count at a time so that both see the same machine load.
#
#   bash benchmarks/office.sh                   # COUNT=6 BENCHTIME=5x
#   BEFORE=<commit> COUNT=10 bash benchmarks/office.sh
#
# Output: results/<UTC time>-<commit>-office.{before,after,benchstat}.txt.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
COUNT="${COUNT:-6}"
BENCHTIME="${BENCHTIME:-5x}"
BEFORE="${BEFORE:-$(git log --format=%H -1 --grep='^sanitize/ooxml: judge formulas, fields and metadata on allow-lists')^}"

if ! command -v benchstat >/dev/null; then
  export PATH="$(go env GOPATH)/bin:$PATH"
  command -v benchstat >/dev/null || go install golang.org/x/perf/cmd/benchstat@latest
fi

commit="$(git rev-parse --short=12 HEAD)"
before="$(git rev-parse --short=12 "$BEFORE")"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="benchmarks/results/$stamp-$commit-office"
old="$(mktemp -d)"
trap 'git worktree remove --force "$old" >/dev/null 2>&1 || rm -rf "$old"' EXIT
git worktree add --detach "$old" "$before" >/dev/null
cp sanitize/ooxml/bench_test.go "$old/sanitize/ooxml/bench_test.go"
cp sanitize/rtf/bench_test.go "$old/sanitize/rtf/bench_test.go"
for d in ooxml odf rtf; do cp -n testdata/$d/*.* "$old/testdata/$d/" 2>/dev/null || true; done

header() {
  echo "# $1"
  echo "# go version: $(go version)"
  echo "# machine: $(uname -sr), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
}
cmd="go test -run '^\$' -bench 'BenchmarkSanitize|BenchmarkRewrite' -benchtime $BENCHTIME -count 1 ./sanitize/ooxml ./sanitize/rtf"
header "before: $before (deny-list families); $cmd, alternating with after, $COUNT times" >"$out.before.txt"
header "after: $commit; $cmd, alternating with before, $COUNT times" >"$out.after.txt"
for i in $(seq "$COUNT"); do
  (cd "$old" && eval "$cmd") | grep -E '^(Benchmark|goos|goarch|pkg|cpu)' >>"$out.before.txt"
  eval "$cmd" | grep -E '^(Benchmark|goos|goarch|pkg|cpu)' >>"$out.after.txt"
done
{
  echo "# benchstat $out.before.txt $out.after.txt"
  benchstat "$out.before.txt" "$out.after.txt"
} >"$out.benchstat.txt"
cat "$out.benchstat.txt"
