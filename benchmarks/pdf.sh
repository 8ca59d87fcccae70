#!/usr/bin/env bash
# PDF family before and after the positive-model rebuild, in the same run: the deny-list
# walker (BEFORE, default the commit before the rebuild landed) and this tree run the
# same BenchmarkSanitize (this tree's bench_test.go) on the same inputs (this tree's
# testdata/pdf), alternating one -count at a time so that both see the same machine load.
# Then this tree's part benchmarks (parse, content streams, JPEG, fonts).
#
#   bash benchmarks/pdf.sh                      # COUNT=6 BENCHTIME=5x
#   BEFORE=<commit> COUNT=10 bash benchmarks/pdf.sh
#
# Output: results/<UTC time>-<commit>-pdf.{before,after,parts}.txt and
# results/<...>-pdf.benchstat.txt (before vs after).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
COUNT="${COUNT:-6}"
BENCHTIME="${BENCHTIME:-5x}"
# The commit whose sanitize/pdf is the deny-list walker: the parent of the rebuild.
BEFORE="${BEFORE:-$(git log --format=%H -1 --grep='^sanitize/pdf: rebuild every object from allow-lists' )^}"

if ! command -v benchstat >/dev/null; then
  export PATH="$(go env GOPATH)/bin:$PATH"
  command -v benchstat >/dev/null || go install golang.org/x/perf/cmd/benchstat@latest
fi

commit="$(git rev-parse --short=12 HEAD)"
before="$(git rev-parse --short=12 "$BEFORE")"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="benchmarks/results/$stamp-$commit-pdf"
old="$(mktemp -d)"
trap 'git worktree remove --force "$old" >/dev/null 2>&1 || rm -rf "$old"' EXIT
git worktree add --detach "$old" "$before" >/dev/null
cp sanitize/pdf/bench_test.go "$old/sanitize/pdf/bench_test.go"
mkdir -p "$old/testdata/pdf/bench"
cp -n testdata/pdf/*.pdf "$old/testdata/pdf/" 2>/dev/null || true
cp -n testdata/pdf/bench/*.pdf "$old/testdata/pdf/bench/"

header() {
  echo "# $1"
  echo "# go version: $(go version)"
  echo "# machine: $(uname -sr), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
}
cmd="go test -run '^\$' -bench 'BenchmarkSanitize' -benchtime $BENCHTIME -count 1 ./sanitize/pdf"
header "before: $before (deny-list walker); $cmd, alternating with after, $COUNT times" >"$out.before.txt"
header "after: $commit; $cmd, alternating with before, $COUNT times" >"$out.after.txt"
for i in $(seq "$COUNT"); do
  (cd "$old" && eval "$cmd") | grep -E '^(Benchmark|goos|goarch|pkg|cpu)' >>"$out.before.txt"
  eval "$cmd" | grep -E '^(Benchmark|goos|goarch|pkg|cpu)' >>"$out.after.txt"
done
parts="go test -run '^\$' -bench 'BenchmarkParse|BenchmarkContent|BenchmarkImage|BenchmarkFont' -benchtime $BENCHTIME -count $COUNT ./sanitize/pdf"
header "parts of the pass at $commit; $parts" >"$out.parts.txt"
eval "$parts" | grep -E '^(Benchmark|goos|goarch|pkg|cpu)' >>"$out.parts.txt"

{
  echo "# benchstat $out.before.txt $out.after.txt"
  benchstat "$out.before.txt" "$out.after.txt"
  echo
  echo "# benchstat $out.parts.txt"
  benchstat "$out.parts.txt"
} >"$out.benchstat.txt"
cat "$out.benchstat.txt"
