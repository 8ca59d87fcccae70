#!/usr/bin/env bash
# The quarantine's store, embedded SQLite against PostgreSQL, in the same run on the same
# disk (benchmarks/storebench): Put ops/s and p99 from 8 goroutines and the console's
# filtered lists over RECORDS records, after `sekisho serve` relaying on each store,
# alternating: mail whose every message holds an attachment (the store's worst case) and
# mail that holds nothing.
#
#   bash benchmarks/store.sh                      # 1,000,000 records, ~30 min on 2 cores
#   RECORDS=100000 RELAY_MESSAGES=200 bash benchmarks/store.sh
#   RELAY_ONLY=1 bash benchmarks/store.sh         # the relay part alone, a few minutes
#
# Env: RECORDS (1000000) PUTS (2000) LISTS (30) RELAY_MESSAGES (400) RELAY_SESSIONS (8)
#      RELAY_ROUNDS (2) RELAY_KINDS (held,clean) OUT (benchmarks/results/store-<UTC time>.txt)
# PostgreSQL is a throw-away cluster (internal/pgtest: initdb in a temp dir, fsync on).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OUT=${OUT:-$ROOT/benchmarks/results/store-$(date -u +%Y%m%dT%H%M%SZ).txt}
BIN=$(mktemp -d)
trap 'rm -rf "$BIN"' EXIT
go build -o "$BIN/sekisho" ./cmd/sekisho
go build -o "$BIN/storebench" ./benchmarks/storebench
{
  echo "# command: RECORDS=${RECORDS:-1000000} PUTS=${PUTS:-2000} LISTS=${LISTS:-30} RELAY_MESSAGES=${RELAY_MESSAGES:-400} RELAY_SESSIONS=${RELAY_SESSIONS:-8} RELAY_ROUNDS=${RELAY_ROUNDS:-2} RELAY_KINDS=${RELAY_KINDS:-held,clean} RELAY_ONLY=${RELAY_ONLY:-0} bash benchmarks/store.sh"
  echo "# commit: $(git rev-parse --short=12 HEAD)$(git diff --quiet || echo -dirty); $(go version)"
  echo "# machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  "$BIN/storebench" -records "${RECORDS:-1000000}" -puts "${PUTS:-2000}" -lists "${LISTS:-30}" \
    -sekisho "$BIN/sekisho" -relay-messages "${RELAY_MESSAGES:-400}" -relay-sessions "${RELAY_SESSIONS:-8}" \
    -relay-rounds "${RELAY_ROUNDS:-2}" -relay-kinds "${RELAY_KINDS:-held,clean}" -relay-only="${RELAY_ONLY:-0}" -zip testdata/archive/bad-zipcrypto.zip
  echo "# load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
} 2>&1 | tee "$OUT"
