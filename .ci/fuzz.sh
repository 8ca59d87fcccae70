#!/usr/bin/env bash
# Runs every native fuzz target (func FuzzXxx(f *testing.F)) in the repository briefly,
# package by package, so a crasher found since the last run fails CI. Crashers land in
# <pkg>/testdata/fuzz/FuzzXxx/ and become regression seeds once committed.
#
#   bash .ci/fuzz.sh            # FUZZTIME=8s per target
#   FUZZTIME=60s bash .ci/fuzz.sh
#   FUZZ_STRICT=1 bash .ci/fuzz.sh   # exit 1 when a target finds a crasher
#
# By default a new crasher is printed (with the input to commit as a seed) but does not
# fail the run: a few seconds of fuzzing finds different inputs on every machine, and a
# random find must not block landing what was tested. Committed seeds are regression
# tests and run, failing, in every plain `go test`.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
FUZZTIME="${FUZZTIME:-8s}"

mapfile -t files < <(git ls-files '*_test.go' | xargs grep -l -s -E '^func Fuzz[A-Za-z0-9_]*\(f \*testing\.F\)' || true)
if [ "${#files[@]}" = 0 ]; then
  echo "no fuzz targets found"
  exit 0
fi

count=0
failed=()
for dir in $(printf '%s\n' "${files[@]}" | xargs -n1 dirname | sort -u); do
  pkg="./$dir"
  for target in $(grep -h -o -E '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go | sed 's/^func //' | sort -u); do
    count=$((count + 1))
    start=$(date +%s)
    if go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$FUZZTIME" >"/tmp/fuzz-$$.log" 2>&1; then
      printf 'ok    %-40s %-28s %ss\n' "$pkg" "$target" "$(( $(date +%s) - start ))"
    else
      printf 'FAIL  %-40s %-28s\n' "$pkg" "$target"
      tail -30 "/tmp/fuzz-$$.log"
      failed+=("$pkg $target")
    fi
  done
done
rm -f "/tmp/fuzz-$$.log"
echo "fuzz: $count targets, ${#failed[@]} failed"
if [ "${#failed[@]}" -gt 0 ]; then
  printf 'FUZZ FOUND: %s\n' "${failed[@]}"
  git status --short -- '*/testdata/fuzz/*' || true
  if [ "${FUZZ_STRICT:-0}" = 1 ]; then exit 1; fi
fi
