#!/usr/bin/env bash
# Relay throughput and time-to-250: sekisho (full sanitization, durable before 250) against
# Postfix as a plain relay, in the same run on the same disk, alternating, several rounds.
#
#   bash benchmarks/relay.sh                          # the whole matrix, ~40 min
#   KINDS=text SESSIONS=8 ROUNDS=1 bash benchmarks/relay.sh   # a quick look
#   QUEUE=files bash benchmarks/relay.sh              # sekisho with the file-per-message queue
#   PROFILE=1 KINDS=mixed SESSIONS=8 ROUNDS=1 bash benchmarks/relay.sh   # + a CPU profile
#   TRACE=1 ...                                       # + an execution trace in BENCH_DIR
#   bash benchmarks/relay.sh soak                     # 30 min at 70% of a rate, kill -9 every 3 min
#
# Messages come from benchmarks/loadgen, distinct in every attachment byte per message:
# text (4 KiB), html-ja (10 KiB Japanese HTML, ISO-2022-JP and UTF-8), mixed (50 KiB:
# HTML + 2-page PDF + DOCX), large (500 KiB: a PDF with photographs + XLSX). loadgen also
# runs the next hop (127.0.0.1:$SINK_PORT) and counts every Message-ID there: end-to-end rate,
# lost and duplicated messages. Each case runs Postfix and sekisho back to back (which goes
# first alternates by round); the summary gives medians and sekisho/Postfix ratios.
#
# Env: KINDS ("text html-ja mixed large") SESSIONS ("8 64") ROUNDS (3) QUEUE (journal)
#      N_text (3000) N_html_ja (3000) N_mixed (1500) N_large (200) RELAYS ("postfix sekisho")
#      SOAK_RATE (msgs/s; default 70% of the sekisho median for SOAK_KIND at 8 sessions in
#      the newest results file) SOAK_KIND (mixed) SOAK_MIN (30) KILL_EVERY (180)
#      RELAY_PORT (12525) SINK_PORT (12526) HTTP_PORT (19025)
#      BENCH_DIR (/tmp/bench) OUT (benchmarks/results/relay-<UTC date>.txt)
# Loopback only; every run is bounded by its message count and loadgen's -timeout.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# The peers' scripts (postfix-relay.sh) live in shared/bench beside the checkout (or two
# levels up from a worktree); BENCH overrides.
if [ -z "${BENCH:-}" ]; then
  for BENCH in "$ROOT/../shared/bench" "$ROOT/../../shared/bench"; do [ -d "$BENCH" ] && break; done
fi
BENCH_DIR=${BENCH_DIR:-/tmp/bench}
# Not the README's 2525/2526: tests that start the quick-start configuration need those free
# while a benchmark runs on the same machine. postfix-relay.sh reads the same two variables.
export RELAY_PORT=${RELAY_PORT:-12525} SINK_PORT=${SINK_PORT:-12526}
HTTP_PORT=${HTTP_PORT:-19025}
KINDS=${KINDS:-"text html-ja mixed large"}
SESSIONS=${SESSIONS:-"8 64"}
ROUNDS=${ROUNDS:-3}
QUEUE=${QUEUE:-journal}
RELAYS=${RELAYS:-"postfix sekisho"}
OUT=${OUT:-$ROOT/benchmarks/results/relay-$(date -u +%Y-%m-%d).txt}
mkdir -p "$BENCH_DIR" "$(dirname "$OUT")"
command -v postconf >/dev/null || { echo "relay.sh: postfix missing (bash $BENCH/install-peers.sh)" >&2; exit 2; }

go build -o "$BENCH_DIR/sekisho" "$ROOT/cmd/sekisho"
go build -o "$BENCH_DIR/loadgen" "$ROOT/benchmarks/loadgen"

count() { local v="N_${1//-/_}"; echo "${!v:-$(case $1 in text|html-ja) echo 3000 ;; mixed) echo 1500 ;; large) echo 200 ;; esac)}"; }

SP=""
start_sekisho() { # data dir, [cpuprofile], [trace]
  local data=$1
  mkdir -p "$data"
  cat > "$data/sekisho.yaml" <<YAML
data_dir: $data
log: {level: warn}
smtp:
  listen: 127.0.0.1:$RELAY_PORT
  domains: [bench.test]
  max_message_size: 30MiB
  queue: $QUEUE
${SANITIZE_WORKERS:+  sanitize_workers: $SANITIZE_WORKERS}
delivery:
  routes:
    "*": smtp://127.0.0.1:$SINK_PORT?tls=none
http:
  listen: 127.0.0.1:$HTTP_PORT
YAML
  # Postfix's master may still hold the port for a moment after postfix stop: a probe
  # answered by it would let loadgen start against a sekisho that failed to bind.
  for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$RELAY_PORT) 2>/dev/null || break; sleep 0.1; done
  local prof=(); [ -n "${2:-}" ] && prof=(--cpuprofile "$2")
  [ -n "${3:-}" ] && prof+=(--trace "$3")
  "$BENCH_DIR/sekisho" serve --config "$data/sekisho.yaml" "${prof[@]}" 2>>"$data/serve.log" & SP=$!
  for _ in $(seq 300); do
    kill -0 "$SP" 2>/dev/null || break
    (exec 3<>/dev/tcp/127.0.0.1/$RELAY_PORT) 2>/dev/null && return 0
    sleep 0.1
  done
  echo "relay.sh: sekisho did not start:" >&2; tail "$data/serve.log" >&2; exit 1
}
stop_sekisho() { # prints the peak RSS in kB and the CPU seconds used (with children)
  local rss cpu
  rss=$(awk '/VmHWM/{print $2}' "/proc/$SP/status" 2>/dev/null || echo 0)
  # CPU time does not depend on how busy the machine is, unlike msgs/s.
  cpu=$(awk -v hz="$(getconf CLK_TCK)" '{sub(/.*\) /, ""); printf "%.2f", ($12 + $13 + $14 + $15) / hz}' "/proc/$SP/stat" 2>/dev/null || echo 0)
  kill "$SP" 2>/dev/null || true; wait "$SP" 2>/dev/null || true; SP=""
  echo "$rss cpu_s=$cpu"
}
# postsuper cannot clear the queue here (it drops privileges before opening the root-owned
# maillog_file); with Postfix stopped the queue files can simply be removed.
clear_postfix_queue() {
  local q; q=$(postconf -h queue_directory)
  for d in maildrop incoming active deferred hold corrupt defer bounce trace; do
    [ -d "$q/$d" ] && find "$q/$d" -type f -delete
  done
  return 0
}
# SP may name a process already stopped: stop_sekisho runs in a command substitution, whose
# SP="" the script never sees; a failed kill here must not become the script's exit status.
trap '{ [ -z "$SP" ] || kill -9 "$SP"; [ -z "$WP" ] || kill "$WP"; } 2>/dev/null || true; bash "$BENCH/postfix-relay.sh" stop >/dev/null 2>&1 || true' EXIT

# cpuwatch.py from the moment loadgen starts sending (its -started file) until it is done:
# who used the CPUs during the run (CPUWATCH=0 turns it off).
WP=""
watch_start() { # started-file output-file
  WP=""; [ "${CPUWATCH:-1}" = 1 ] || return 0
  rm -f "$1"
  ( while [ ! -e "$1" ]; do sleep 0.05; done; exec python3 "$ROOT/benchmarks/cpuwatch.py" "$BENCH_DIR" ) >"$2" & WP=$!
}
CW=""
watch_stop() { # output-file; sets CW to the watcher's line (not in a subshell: it waits)
  CW=""; [ -n "$WP" ] || return 0
  kill -TERM "$WP" 2>/dev/null || true; wait "$WP" 2>/dev/null || true; WP=""
  CW=$(cat "$1" 2>/dev/null || true)
}

run_case() { # relay kind sessions round
  local relay=$1 kind=$2 s=$3 r=$4 n; n=$(count "$kind")
  local lg=("$BENCH_DIR/loadgen" -addr 127.0.0.1:$RELAY_PORT -sink 127.0.0.1:$SINK_PORT -kind "$kind" -n "$n" -c "$s"
    -testdata "$ROOT/testdata" -timeout 15m -drain 10m -run "$relay-$kind-$s-$r" -started "$BENCH_DIR/started")
  if [ "$relay" = postfix ]; then
    # An empty queue before Postfix starts: messages an interrupted run left would be
    # tried before loadgen's sink listens, and the refused connection marks the next hop
    # down, deferring this run's messages too.
    bash "$BENCH/postfix-relay.sh" stop >/dev/null 2>&1 || true
    clear_postfix_queue
    bash "$BENCH/postfix-relay.sh" start >/dev/null
    watch_start "$BENCH_DIR/started" "$BENCH_DIR/cpuwatch.out"
    local line; line=$("${lg[@]}" -label "postfix round=$r" || true)
    watch_stop "$BENCH_DIR/cpuwatch.out"
    echo "$line load=$(cut -d' ' -f1 /proc/loadavg) $CW" | tee -a "$OUT"
    bash "$BENCH/postfix-relay.sh" stop >/dev/null
  else
    local data prof="" tr="" stem; data=$(mktemp -d "$BENCH_DIR/sekisho-data.XXXX")
    # One profile per run, named by time and commit: a later run of the same case must not
    # overwrite the profile an earlier figure was read from.
    stem="$ROOT/benchmarks/results/relay-$(date -u +%Y%m%dT%H%M%SZ)-$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)-$kind-$s-r$r"
    [ "${PROFILE:-0}" = 1 ] && prof="$stem.pprof"
    # Traces are large (tens of MB a run): they go to BENCH_DIR, not into the repository.
    [ "${TRACE:-0}" = 1 ] && tr="$BENCH_DIR/$(basename "$stem").trace"
    start_sekisho "$data" "$prof" "$tr"
    watch_start "$BENCH_DIR/started" "$BENCH_DIR/cpuwatch.out"
    local line; line=$("${lg[@]}" -label "sekisho round=$r queue=$QUEUE" || true)
    watch_stop "$BENCH_DIR/cpuwatch.out"
    echo "$line peak_rss_kb=$(stop_sekisho) load=$(cut -d' ' -f1 /proc/loadavg) $CW" | tee -a "$OUT"
    # KEEP_LOGS=DIR keeps sekisho's log of each run (with GODEBUG=gctrace=1: its GC pauses).
    [ -n "${KEEP_LOGS:-}" ] && cp "$data/serve.log" "$KEEP_LOGS/$(basename "$stem").log"
    rm -rf "$data"
  fi
}

header() {
  echo "# $(date -u +%FT%TZ) $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $(go version | cut -d' ' -f3-); kernel $(uname -r)"
  echo "# commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo -dirty); postfix $(postconf -dh mail_version)"
  echo "# command: KINDS=\"$KINDS\" SESSIONS=\"$SESSIONS\" ROUNDS=$ROUNDS QUEUE=$QUEUE RELAYS=\"$RELAYS\" bash benchmarks/relay.sh $*"
  echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (other engineers' tests share the 2 cores)"
}

soak() {
  local kind=${SOAK_KIND:-mixed} rate=${SOAK_RATE:-}
  if [ -z "$rate" ]; then
    rate=$(python3 "$ROOT/benchmarks/relaysum.py" --rate "$kind" 8 < "$(ls -t "$ROOT"/benchmarks/results/relay-*.txt | head -1)")
    rate=$(python3 -c "print(round($rate * 0.7, 1))")
  fi
  local mins=${SOAK_MIN:-30} every=${KILL_EVERY:-180}
  header soak | tee -a "$OUT"
  echo "# soak: kind=$kind rate=$rate/s for ${mins} min, kill -9 every ${every}s, 16 sessions" | tee -a "$OUT"
  local data; data=$(mktemp -d "$BENCH_DIR/sekisho-soak.XXXX")
  start_sekisho "$data"
  "$BENCH_DIR/loadgen" -addr 127.0.0.1:$RELAY_PORT -sink 127.0.0.1:$SINK_PORT -kind "$kind" -rate "$rate" -c 16 \
    -duration "${mins}m" -drain 15m -testdata "$ROOT/testdata" -label "sekisho-soak queue=$QUEUE" >"$data/soak.out" 2>"$data/soak.err" & local LG=$!
  local kills=0 end=$(( $(date +%s) + mins * 60 ))
  while [ "$(date +%s)" -lt $((end - 10)) ]; do
    sleep "$every"
    [ "$(date +%s)" -ge $((end - 10)) ] && break
    kill -9 "$SP"; wait "$SP" 2>/dev/null || true; kills=$((kills + 1))
    start_sekisho "$data"
  done
  wait "$LG" || true
  cat "$data/soak.err" | tee -a "$OUT"
  echo "$(cat "$data/soak.out") kills=$kills peak_rss_kb=$(stop_sekisho)" | tee -a "$OUT"
  rm -rf "$data"
}

if [ "${1:-}" = soak ]; then soak; exit 0; fi

header | tee -a "$OUT"
for kind in $KINDS; do
  for s in $SESSIONS; do
    for r in $(seq "$ROUNDS"); do
      order=$RELAYS
      [ $((r % 2)) = 0 ] && order=$(echo "$RELAYS" | awk '{for (i=NF; i>0; i--) printf "%s ", $i}')
      for relay in $order; do run_case "$relay" "$kind" "$s" "$r"; done
    done
  done
done
python3 "$ROOT/benchmarks/relaysum.py" < "$OUT" | tee -a "$OUT"
echo "# done; results in $OUT"
