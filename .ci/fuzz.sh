#!/usr/bin/env bash
# Runs the native fuzz targets (func FuzzXxx(f *testing.F)) of the repository briefly. Any
# find fails the run: a failing property, a panic, a hang, a worker killed for memory, a
# build error, or a target that no longer fuzzes. Each failing input is printed (gzip +
# base64) with the command that commits it as a regression seed, since the machine that
# found it is thrown away after CI.
#
#   bash .ci/fuzz.sh                          # a third of the targets, FUZZTIME=10s each
#   FUZZ_SHARDS=1 bash .ci/fuzz.sh            # every target
#   FUZZTIME=60s FUZZ_SHARDS=1 bash .ci/fuzz.sh   # longer, e.g. before a release
#   bash .ci/fuzz.sh ./sanitize/pdf           # every target of these packages
#
# Rotation: the targets, sorted by package and name, are dealt into FUZZ_SHARDS shards
# (default 3, or 1 when packages are named); a run fuzzes shard FUZZ_SHARD, by default the
# UTC day of the year modulo FUZZ_SHARDS, so CI fuzzes every target once every three days
# while the phase stays bounded. Every target's seed corpus runs on every CI run anyway,
# as a plain test in `go test -race ./...`.
#
# Bounds and speed: each package's instrumented test binary is built once, within
# FUZZ_BUILD_TIMEOUT (the first build compiles every dependency with coverage
# instrumentation: minutes with a cold cache), by a builder that runs ahead in the
# background, so the next package compiles while this one fuzzes; each target then runs
# that binary for FUZZTIME plus FUZZ_SEED_TIMEOUT for its seeds before it is killed (and
# counted as a hang); a fuzz worker may use at most FUZZ_MEM_KB of virtual memory (a
# memory bomb fails its target instead of the machine); once FUZZ_BUDGET seconds have
# passed, the targets not yet run are listed and skipped.
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
if [ "$#" -gt 0 ]; then FUZZ_SHARDS="${FUZZ_SHARDS:-1}"; else FUZZ_SHARDS="${FUZZ_SHARDS:-3}"; fi
FUZZ_SHARD="${FUZZ_SHARD:-$(( 10#$(date -u +%j) % FUZZ_SHARDS ))}"
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

# Every target as "dir target", sorted (in the packages named on the command line, if any).
mapfile -t dirs < <(
  if [ "$#" -gt 0 ]; then printf '%s\n' "$@" | sed 's|^\./||; s|/$||'; else
    git ls-files '*_test.go' | grep -v '/testdata/' |
      xargs grep -l -s -E '^func Fuzz[A-Za-z0-9_]*\(f \*testing\.F\)' | xargs -r -n1 dirname | sort -u
  fi
)
all=()
for dir in "${dirs[@]}"; do
  for target in $(grep -h -o -E '^func Fuzz[A-Za-z0-9_]*\(f \*testing\.F\)' "$dir"/*_test.go | sed 's/^func //; s/(.*//' | sort -u); do
    all+=("$dir $target")
  done
done
if [ "${#all[@]}" = 0 ]; then
  echo "no fuzz targets found"
  exit 1
fi
# This run's shard, and the packages it needs built, in order.
run=()
pkgs=()
for i in "${!all[@]}"; do
  if [ $(( i % FUZZ_SHARDS )) = "$FUZZ_SHARD" ]; then
    run+=("${all[$i]}")
    dir=${all[$i]% *}
    if [ "${#pkgs[@]}" = 0 ] || [ "${pkgs[-1]}" != "$dir" ]; then pkgs+=("$dir"); fi
  fi
done
echo "fuzz: shard $FUZZ_SHARD of $FUZZ_SHARDS (FUZZ_SHARD, FUZZ_SHARDS): ${#run[@]} of ${#all[@]} targets, $FUZZTIME each"

work=$(mktemp -d)
log="$work/log"
builder=
cleanup() {
  if [ -n "$builder" ]; then kill "$builder" 2>/dev/null; wait "$builder" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT

# The builder: package N's binary is $work/N.test, its build log $work/N.log; $work/N.done
# appears when the build ended and holds its exit status and seconds.
(
  for n in "${!pkgs[@]}"; do
    start=$(date +%s)
    (ulimit -v "$FUZZ_MEM_KB" && exec timeout -k 10 "$FUZZ_BUILD_TIMEOUT" \
      go test -c -fuzz . -o "$work/$n.test" "./${pkgs[$n]}") >"$work/$n.log" 2>&1
    echo "$? $(( $(date +%s) - start ))" >"$work/$n.done.tmp"
    mv "$work/$n.done.tmp" "$work/$n.done"
  done
) &
builder=$!

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

# show_input BIN DIR TARGET LOG: for each failing input the log names, replays it as a plain
# test (the fuzzer reports a crashed worker without its message) and prints it, ready to
# commit as a seed. The replay's output is appended to LOG for the .ci/fuzz-known match.
show_input() {
  local bin="$1" dir="$2" target="$3" log="$4" rel f replay
  replay="$work/replay"
  for rel in $(sed -n 's/.*Failing input written to \(testdata\/fuzz\/[^ ]*\).*/\1/p' "$log" | sort -u); do
    f="$dir/$rel"
    if [ ! -f "$f" ]; then
      echo "  (the log names $f, which does not exist)"
      continue
    fi
    echo "  replay: go test ./$dir -run '^$target/$(basename "$f")\$'"
    (cd "$dir" && ulimit -v "$FUZZ_MEM_KB" && exec timeout -k 10 120 "$bin" -test.timeout 110s -test.run "^$target/$(basename "$f")\$") >"$replay" 2>&1
    grep -v -E '^\s+/' "$replay" | head -40 | sed 's/^/  | /'
    cat "$replay" >>"$log"
    echo "  failing input $f ($(wc -c <"$f") bytes); to commit it as a seed, run from the repository root:"
    echo "  mkdir -p $(dirname "$f") && base64 -d <<'EOF' | gunzip > $f"
    gzip -9nc "$f" | base64 -w 76 | sed 's/^/  /'
    echo "  EOF"
  done
}

module=$(go list -m)
cache=$(go env GOCACHE)/fuzz
start_all=$(date +%s)
count=0
failed=()
known_finds=()
skipped=()
n=-1
built=
for entry in "${run[@]}"; do
  dir=${entry% *}
  target=${entry#* }
  pkg="./$dir"
  if [ $(( $(date +%s) - start_all )) -ge "$FUZZ_BUDGET" ]; then
    skipped+=("$pkg $target")
    continue
  fi
  if [ "$built" != "$dir" ]; then
    n=$((n + 1))
    built=$dir
    wait_start=$(date +%s)
    while [ ! -f "$work/$n.done" ] && [ $(( $(date +%s) - start_all )) -lt "$FUZZ_BUDGET" ]; do sleep 1; done
    if [ ! -f "$work/$n.done" ]; then
      skipped+=("$pkg $target")
      continue
    fi
    read -r rc took <"$work/$n.done"
    if [ "$rc" != 0 ]; then
      what="build error"
      if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then what="build killed after ${FUZZ_BUILD_TIMEOUT}s"; fi
      printf 'FIND   %-32s %-24s %4ss  %s\n' "$pkg" "(build)" "$took" "$what"
      tail -40 "$work/$n.log" | sed 's/^/  | /'
      failed+=("$pkg: $what")
      rm -f "$work/$n.test"
    else
      printf 'built  %-32s %-24s %4ss  (waited %ss)\n' "$pkg" "" "$took" "$(( $(date +%s) - wait_start ))"
    fi
  fi
  bin="$work/$n.test"
  if [ ! -x "$bin" ]; then
    continue # its build failed, reported above
  fi
  count=$((count + 1))
  start=$(date +%s)
  # In the package's folder, as go test runs it: seeds are read from and finds written to
  # testdata/fuzz there. The fuzz cache is go test's, so local runs keep what they learned.
  # ulimit applies to the test binary and to its fuzz workers, one by one.
  fuzz_once() {
    (cd "$dir" && ulimit -v "$FUZZ_MEM_KB" && exec timeout -k 10 "$per_target" \
      "$bin" -test.run '^$' -test.fuzz "^${target}\$" -test.fuzztime "$FUZZTIME" \
      -test.fuzzcachedir "$cache/$module/$dir" -test.paniconexit0) >"$log" 2>&1
  }
  fuzz_once
  rc=$?
  # Go 1.26's fuzz coordinator can report its own -fuzztime deadline as a failure, with no
  # input written and no crash (go.dev/issue/75804, fixed in Go 1.27): such a run is tried
  # once more. A real find writes its input or names a crash or hang, and is never retried.
  if [ "$rc" = 1 ] && grep -q -x -E '[[:space:]]*context deadline exceeded' "$log" &&
    ! grep -q -E 'Failing input written|panic:|hung|terminated unexpectedly' "$log"; then
    printf 'retry  %-32s %-24s       the fuzz coordinator reported its own deadline (go.dev/issue/75804)\n' "$pkg" "$target"
    fuzz_once
    rc=$?
  fi
  took=$(( $(date +%s) - start ))
  if [ "$rc" = 0 ] && grep -q -E '^fuzz: elapsed' "$log" && grep -q -x PASS "$log" && ! grep -q 'no fuzz tests to fuzz' "$log"; then
    printf 'ok     %-32s %-24s %4ss\n' "$pkg" "$target" "$took"
    continue
  fi
  what="failed (exit $rc)"
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    what="killed after ${per_target}s: a hang (FUZZTIME + FUZZ_SEED_TIMEOUT)"
  elif grep -q 'hung or terminated unexpectedly' "$log"; then
    what="a fuzz worker hung, crashed or ran out of memory"
  elif [ "$rc" = 0 ]; then
    what="did not fuzz (no target matched)"
  fi
  printf 'FIND   %-32s %-24s %4ss  %s\n' "$pkg" "$target" "$took" "$what"
  grep -v -E '^fuzz: elapsed: .*execs:' "$log" | tail -40 | sed 's/^/  | /'
  show_input "$bin" "$dir" "$target" "$log"
  if reason=$(known "$pkg" "$target" "$log"); then
    printf '  KNOWN (listed in %s, does not fail the run): %s\n' "$KNOWN" "$reason"
    known_finds+=("$pkg $target: $reason")
    continue
  fi
  failed+=("$pkg $target: $what")
done

echo "fuzz: shard $FUZZ_SHARD of $FUZZ_SHARDS, $count targets run for $FUZZTIME each in $(( $(date +%s) - start_all ))s; ${#failed[@]} failed, ${#known_finds[@]} known, ${#skipped[@]} skipped"
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
