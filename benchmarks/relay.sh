#!/usr/bin/env bash
# Relay throughput and accept latency: sekisho (full sanitization, fsync before 250) vs
# Postfix as a plain relay, measured in the same run on the same disk.
#
#   bash benchmarks/relay.sh                 # COUNT=2000 per case, ~10 min
#   COUNT=500 SESSIONS="16" bash benchmarks/relay.sh   # quick look
#   RELAYS=sekisho bash benchmarks/relay.sh              # one side only
#
# Both relays listen on 127.0.0.1:2525 in turn and deliver to Postfix's smtp-sink on
# 127.0.0.1:2526. Throughput comes from ../shared/bench/smtp-load.sh (smtp-source, the
# reference driver); p50/p99 time from DATA to 250 from benchmarks/loadgen. Results go to
# benchmarks/results/relay-<date>.txt with the commands, Go version, commit and machine.
# Only loopback addresses are used; every run is bounded by COUNT and a timeout.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=${BENCH:-$ROOT/../shared/bench}
BENCH_DIR=${BENCH_DIR:-/tmp/bench}
COUNT=${COUNT:-2000}
SIZES=${SIZES:-"4096 50k"}
SESSIONS=${SESSIONS:-"1 16 64"}
RELAYS=${RELAYS:-"postfix sekisho"}
OUT=${OUT:-$ROOT/benchmarks/results/relay-$(date -u +%Y-%m-%d).txt}
mkdir -p "$BENCH_DIR" "$(dirname "$OUT")"

need() { command -v "$1" >/dev/null || { echo "relay.sh: $1 missing (bash $BENCH/install-peers.sh)" >&2; exit 2; }; }
need smtp-source; need smtp-sink; need postconf

python3 "$BENCH/make-messages.py" "$BENCH_DIR/messages" >/dev/null 2>&1 || true
MIX="$BENCH_DIR/messages/mixed-50k.eml"
[ -r "$MIX" ] || { echo "relay.sh: $MIX missing (make-messages.py)" >&2; exit 2; }

go build -o "$BENCH_DIR/sekisho" "$ROOT/cmd/sekisho"
go build -o "$BENCH_DIR/loadgen" "$ROOT/benchmarks/loadgen"

{
  echo "# $(date -u +%FT%TZ) $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $(go version)"
  echo "# commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown); kernel $(uname -r)"
  echo "# command: COUNT=$COUNT SIZES=\"$SIZES\" SESSIONS=\"$SESSIONS\" RELAYS=\"$RELAYS\" bash benchmarks/relay.sh"
} | tee "$OUT"

load() { # label size sessions
  local label=$1 size=$2 s=$3 args=()
  if [ "$size" = 50k ]; then args=(-F "$MIX"); else args=(-l "$size"); fi
  bash "$BENCH/smtp-load.sh" -L "$label" -t 127.0.0.1:2525 -k 2526 -m "$COUNT" -s "$s" "${args[@]}" | tee -a "$OUT"
  # latency: a separate, shorter run with loadgen (smtp-sink started for it)
  local sink_user=(); [ "$(id -u)" = 0 ] && sink_user=(-u nobody)
  local sinklog="$BENCH_DIR/loadgen-sink.log"
  timeout 300 smtp-sink "${sink_user[@]}" -c -m 1024 127.0.0.1:2526 4096 >"$sinklog" 2>&1 & local sp=$!
  sleep 0.3
  local la=(-size 4096); [ "$size" = 50k ] && la=(-file "$MIX")
  "$BENCH_DIR/loadgen" -label "$label" -addr 127.0.0.1:2525 -n $((COUNT / 2)) -c "$s" "${la[@]}" -timeout 240s | tee -a "$OUT" || true
  # Let the relay deliver everything before the sink goes away, or the next case would
  # count this one's late deliveries (and the relay would defer them meanwhile).
  for _ in $(seq 600); do
    n=$(tr '\r' '\n' <"$sinklog" | sed -n 's/.*mesg=\([0-9]*\).*/\1/p' | tail -1)
    [ "${n:-0}" -ge $((COUNT / 2)) ] && break
    sleep 0.2
  done
  kill $sp 2>/dev/null || true; wait $sp 2>/dev/null || true
}

# --- Postfix -------------------------------------------------------------------------
if [[ " $RELAYS " == *" postfix "* ]]; then
  bash "$BENCH/postfix-relay.sh" start >/dev/null
  for size in $SIZES; do for s in $SESSIONS; do load postfix "$size" "$s"; done; done
  bash "$BENCH/postfix-relay.sh" stop >/dev/null
fi
[[ " $RELAYS " == *" sekisho "* ]] || exit 0

# --- sekisho -------------------------------------------------------------------------
DATA=$(mktemp -d "$BENCH_DIR/sekisho-data.XXXX")
cat > "$DATA/sekisho.yaml" <<YAML
data_dir: $DATA
log: {level: warn}
smtp:
  listen: 127.0.0.1:2525
  domains: [bench.test]
  max_sessions: 1000
  max_sessions_per_ip: 1000
  max_connections_per_minute_per_ip: 10000000
  min_free_space: 64MiB
  max_message_size: 30MiB
delivery:
  workers: 32
  routes:
    "*": smtp://127.0.0.1:2526?tls=none
http:
  listen: 127.0.0.1:9025
YAML
"$BENCH_DIR/sekisho" serve --config "$DATA/sekisho.yaml" 2>"$DATA/serve.log" & SP=$!
trap 'kill $SP 2>/dev/null || true; wait $SP 2>/dev/null || true' EXIT
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/2525) 2>/dev/null && break; sleep 0.1; done
for size in $SIZES; do for s in $SESSIONS; do load sekisho "$size" "$s"; done; done
echo "# sekisho peak RSS after the matrix: $(grep VmHWM /proc/$SP/status | awk '{print $2, $3}')" | tee -a "$OUT"
if [ "${BIG:-1}" = 1 ]; then
  # Memory bound: 64 concurrent 25 MB messages (HTML + PDF + DOCX scaled up).
  python3 "$BENCH/make-messages.py" "$BENCH_DIR/big" --size $((25 * 1000 * 1000)) >/dev/null 2>&1 || true
  BIGMSG=$(ls -S "$BENCH_DIR"/big/*.eml 2>/dev/null | head -1)
  if [ -n "$BIGMSG" ]; then
    sink_user=(); [ "$(id -u)" = 0 ] && sink_user=(-u nobody)
    timeout 600 smtp-sink "${sink_user[@]}" -m 1024 127.0.0.1:2526 4096 >/dev/null 2>&1 & BSP=$!
    sleep 0.3
    "$BENCH_DIR/loadgen" -label sekisho-25MB -addr 127.0.0.1:2525 -n 64 -c 64 -file "$BIGMSG" -timeout 500s | tee -a "$OUT" || true
    sleep 5
    kill $BSP 2>/dev/null || true; wait $BSP 2>/dev/null || true
    echo "# sekisho peak RSS with 64 concurrent $(stat -c %s "$BIGMSG")-byte messages: $(grep VmHWM /proc/$SP/status | awk '{print $2, $3}')" | tee -a "$OUT"
  fi
fi
curl -s http://127.0.0.1:9025/metrics | grep -E '^sekisho_(smtp_accepted|quarantined|delivered|bounced)_total' | sed 's/^/# /' | tee -a "$OUT" || true
kill $SP; wait $SP 2>/dev/null || true
rm -rf "$DATA"
echo "# done; results in $OUT"
