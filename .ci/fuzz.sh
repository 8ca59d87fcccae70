#!/usr/bin/env bash
# Runs every native fuzz target (func FuzzXxx(f *testing.F)) in the repository briefly,
# package by package. Any find fails the run: a failing property, a panic, a hang, a worker
# killed for memory, a build error, or a target that no longer fuzzes. Each failing input
# is printed (gzip + base64) with the command that commits it as a regression seed, since
# the machine that found it is thrown away after CI.
#
#   bash .ci/fuzz.sh                          # FUZZTIME=10s per target
#   FUZZTIME=60s bash .ci/fuzz.sh             # longer, e.g. before a release
#   bash .ci/fuzz.sh ./sanitize/pdf           # only the targets of these packages
#
# Bounds: each package's instrumented test binary is built first, within FUZZ_BUILD_TIMEOUT
# (the first build compiles every dependency with coverage instrumentation: minutes on a
# busy machine with a cold cache); then each target gets FUZZTIME plus FUZZ_SEED_TIMEOUT
# for linking and running its seeds before it is killed (and counted as a hang); a fuzz
# worker may use at most
# FUZZ_MEM_KB of virtual memory (a memory bomb fails its target instead of the machine);
# once FUZZ_BUDGET seconds have passed, the targets not yet run are listed and skipped.
#
# A find that cannot be fixed at once may be listed in .ci/fuzz-known (see its header);
# a listed find is reported as KNOWN and does not fail the run. Any other failure does.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export GOFLAGS=
FUZZTIME="${FUZZTIME:-10s}"
FUZZ_BUILD_TIMEOUT="${FUZZ_BUILD_TIMEOUT:-900}"
FUZZ_SEED_TIMEOUT="${FUZZ_SEED_TIMEOUT:-300}"
FUZZ_BUDGET="${FUZZ_BUDGET:-1200}"
FUZZ_MEM_KB="${FUZZ_MEM_KB:-4194304}"
KNOWN=.ci/fuzz-known

secs() { # 10s, 2m, 90 -> seconds
  case "$1" in
    *m) echo $(( ${1%m} * 60 )) ;;
    *s) echo "${1%s}" ;;
    *x) echo 60 ;; # iteration counts: allow a minute
    *) echo "$1" ;;
  esac
}
per_target=$(( $(secs "$FUZZTIME") + FUZZ_SEED_TIMEOUT ))

# The packages that declare fuzz targets (or those named on the command line).
mapfile -t dirs < <(
  if [ "$#" -gt 0 ]; then printf '%s\n' "$@" | sed 's|^\./||; s|/$||'; else
    git ls-files '*_test.go' | grep -v '/testdata/' |
      xargs grep -l -s -E '^func Fuzz[A-Za-z0-9_]*\(f \*testing\.F\)' | xargs -r -n1 dirname | sort -u
  fi
)
if [ "${#dirs[@]}" = 0 ]; then
  echo "no fuzz targets found"
  exit 1
fi

# known PKG TARGET LOG: prints the reason of the first .ci/fuzz-known entry whose package and
# target match and whose pattern (an extended regular expression) occurs in the log.
known() {
  [ -f "$KNOWN" ] || return 1
  local pkg="$1" target="$2" log="$3" kpkg ktarget kpat reason
  while IFS=$'\t' read -r kpkg ktarget kpat reason; do
    case "$kpkg" in '' | '#'*) continue ;; esac
    if [ "$kpkg" = "$pkg" ] && [ "$ktarget" = "$target" ] && grep -q -E -- "$kpat" "$log"; then
      echo "$reason"
      return 0
    fi
  done <"$KNOWN"
  return 1
}

# show_input PKG DIR TARGET LOG: for each failing input the log names, replays it as a plain
# test (the fuzzer reports a crashed worker without its message) and prints it, ready to
# commit as a seed. The replay's output is appended to LOG for the .ci/fuzz-known match.
show_input() {
  local pkg="$1" dir="$2" target="$3" log="$4" rel f replay
  replay=$(mktemp)
  for rel in $(sed -n 's/.*Failing input written to \(testdata\/fuzz\/[^ ]*\).*/\1/p' "$log" | sort -u); do
    f="$dir/$rel"
    if [ ! -f "$f" ]; then
      echo "  (the log names $f, which does not exist)"
      continue
    fi
    echo "  replay: go test $pkg -run '^$target/$(basename "$f")\$'"
    (ulimit -v "$FUZZ_MEM_KB" && exec go test "$pkg" -timeout 120s -run "^$target/$(basename "$f")\$") >"$replay" 2>&1
    grep -v -E '^\s+/' "$replay" | head -40 | sed 's/^/  | /'
    cat "$replay" >>"$log"
    echo "  failing input $f ($(wc -c <"$f") bytes); to commit it as a seed, run from the repository root:"
    echo "  mkdir -p $(dirname "$f") && base64 -d <<'EOF' | gunzip > $f"
    gzip -9nc "$f" | base64 -w 76 | sed 's/^/  /'
    echo "  EOF"
  done
  rm -f "$replay"
}

log=$(mktemp)
trap 'rm -f "$log"' EXIT
start_all=$(date +%s)
count=0
failed=()
known_finds=()
skipped=()
for dir in "${dirs[@]}"; do
  pkg="./$dir"
  if [ $(( $(date +%s) - start_all )) -lt "$FUZZ_BUDGET" ]; then
    # The build goes to go's cache, which the fuzz runs below reuse (they only link).
    start=$(date +%s)
    bin=$(mktemp)
    (ulimit -v "$FUZZ_MEM_KB" && exec timeout -k 10 "$FUZZ_BUILD_TIMEOUT" \
      go test -c -fuzz . -o "$bin" "$pkg") >"$log" 2>&1
    rc=$?
    rm -f "$bin"
    if [ "$rc" != 0 ]; then
      what="build error"
      if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then what="build killed after ${FUZZ_BUILD_TIMEOUT}s"; fi
      printf 'FIND   %-32s %-24s %4ss  %s\n' "$pkg" "(build)" "$(( $(date +%s) - start ))" "$what"
      tail -40 "$log" | sed 's/^/  | /'
      failed+=("$pkg: $what")
      continue
    fi
    printf 'built  %-32s %-24s %4ss\n' "$pkg" "" "$(( $(date +%s) - start ))"
  fi
  for target in $(grep -h -o -E '^func Fuzz[A-Za-z0-9_]*\(f \*testing\.F\)' "$dir"/*_test.go | sed 's/^func //; s/(.*//' | sort -u); do
    if [ $(( $(date +%s) - start_all )) -ge "$FUZZ_BUDGET" ]; then
      skipped+=("$pkg $target")
      continue
    fi
    count=$((count + 1))
    start=$(date +%s)
    # ulimit applies to the go command, the test binary and its fuzz workers, one by one.
    (ulimit -v "$FUZZ_MEM_KB" && exec timeout -k 10 "$per_target" \
      go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$FUZZTIME") >"$log" 2>&1
    rc=$?
    took=$(( $(date +%s) - start ))
    if [ "$rc" = 0 ] && grep -q -E '^(fuzz: elapsed|ok )' "$log" && ! grep -q 'no fuzz tests to fuzz' "$log"; then
      printf 'ok     %-32s %-24s %4ss\n' "$pkg" "$target" "$took"
      continue
    fi
    what="failed (exit $rc)"
    if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
      what="killed after ${per_target}s: a hang (FUZZTIME + FUZZ_SEED_TIMEOUT)"
    elif grep -q 'hung or terminated unexpectedly' "$log"; then
      what="a fuzz worker hung, crashed or ran out of memory"
    elif grep -q -E '^(# |.*\.go:[0-9]+:[0-9]+: )' "$log" && ! grep -q -- '--- FAIL' "$log"; then
      what="build error"
    elif [ "$rc" = 0 ]; then
      what="did not fuzz (no target matched)"
    fi
    printf 'FIND   %-32s %-24s %4ss  %s\n' "$pkg" "$target" "$took" "$what"
    grep -v -E '^fuzz: elapsed: .*execs:' "$log" | tail -40 | sed 's/^/  | /'
    show_input "$pkg" "$dir" "$target" "$log"
    if reason=$(known "$pkg" "$target" "$log"); then
      printf '  KNOWN (listed in %s, does not fail the run): %s\n' "$KNOWN" "$reason"
      known_finds+=("$pkg $target: $reason")
      continue
    fi
    failed+=("$pkg $target: $what")
  done
done

echo "fuzz: $count targets run for $FUZZTIME each in $(( $(date +%s) - start_all ))s; ${#failed[@]} failed, ${#known_finds[@]} known, ${#skipped[@]} skipped"
if [ "${#skipped[@]}" -gt 0 ]; then
  printf 'NOT FUZZED (FUZZ_BUDGET=%ss spent): %s\n' "$FUZZ_BUDGET" "${skipped[@]}"
fi
if [ "${#known_finds[@]}" -gt 0 ]; then
  printf 'KNOWN FIND: %s\n' "${known_finds[@]}"
fi
if [ "${#failed[@]}" -gt 0 ]; then
  printf 'FUZZ FOUND: %s\n' "${failed[@]}"
  exit 1
fi
