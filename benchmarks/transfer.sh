#!/usr/bin/env bash
# File transfer (issue 13): upload + sanitize + download through sekisho against a raw
# upload of the same bytes to a minimal fasthttp handler that only writes the body to
# disk, in the same run on the same disk, both over TLS on loopback.
#
#   bash benchmarks/transfer.sh                     # (b) one 2 GiB text file, (a) 200 x 1 MB PDFs
#   CASES=big SIZE=512MiB bash benchmarks/transfer.sh   # a quick look
#   CASES=pdf-family bash benchmarks/transfer.sh        # only the PDF family's own rate
#
# sekisho: `sekisho serve` with transfer enabled; the file goes up through an upload link
# (`sekisho transfer link`), PUT (curl -T) for the big file, one multipart POST for the
# PDFs; the driver waits until every file has its result, logs in on the portal and
# downloads every sanitized file, checking its SHA-256 against the ETag (the output's
# hash). The rate is input bytes over the whole wall time (upload + sanitize + download,
# one after another). Peak RSS is the server's VmHWM, one fresh serve per case;
# server_cpu_s its CPU time, which the shared machine's load barely moves (the wall-time
# rates do move with it: read the load average in the header).
#
# Durability is the same on both sides: the raw handler and sekisho each fsync the
# uploaded bytes before they answer, and neither fsyncs the directory of a new file.
# sekisho does more before it answers a PUT: the sanitize result, its database commits
# and an fsync of the output's directory. TLS is the same (Go's crypto/tls, TLS 1.3,
# AES-128-GCM with this client). The raw handler writes what each read of the body
# returns (a 16 KiB TLS record: 16,398 writes for 256 MiB under strace -c), sekisho fills
# 256 KiB blocks first and asks the kernel to start writing back every 32 MiB; RAW_BLOCK=1
# makes the raw handler fill 256 KiB blocks too, a stronger baseline.
#
# The downloading client is a staff terminal, not the gateway: by default the driver
# reads and hashes a download without writing it. WRITE=1 adds a run per case whose
# driver also writes the downloads to this machine's disk (mode=sekisho-write), the disk
# the raw handler and the staged upload write to; its page cache throttles writers to the
# disk's rate, so that run tells the disk's share.
#
# Both sides start from the same memory state: before each side's run the driver syncs,
# drops the page cache (/proc/sys/vm/drop_caches, root only; DROP=0 skips it) and reads
# the inputs and both programs once, so each side finds its input cached and the rest of
# memory free, instead of one side paying for the other's dirty or cached pages. With
# ROUNDS=n the pair runs n times, the side that goes first alternating (raw first in odd
# rounds).
#
# Env: CASES ("big pdfs"; pdf-family alone) FAMILY_N (20) SIZE (2GiB) PDFS (200) WORK (a new directory under /var/tmp) WRITE
#      ROUNDS (1) DROP (1 when the page cache can be dropped)
#      OUT (benchmarks/results/transfer-<UTC date>.txt) PROFILE (a file: CPU profile of serve) KEEP (keep WORK)
#      SEKISHO_BIN (a sekisho binary built elsewhere, e.g. from an earlier commit, for a before/after in the same conditions)
#      RAW_BLOCK (the raw handler writes 256 KiB blocks)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CASES=${CASES:-"big pdfs"}
SIZE=${SIZE:-2GiB}
PDFS=${PDFS:-200}
WORK=${WORK:-$(mktemp -d /var/tmp/sekisho-transfer-bench.XXXXXX)}
OUT=${OUT:-$ROOT/benchmarks/results/transfer-$(date -u +%Y-%m-%d).txt}
mkdir -p "$WORK/in" "$(dirname "$OUT")"
go build -o "$WORK/transferload" "$ROOT/benchmarks/transferload"
if [ -n "${SEKISHO_BIN:-}" ]; then
  S=$SEKISHO_BIN
else
  go build -o "$WORK/sekisho" "$ROOT/cmd/sekisho"
  S="$WORK/sekisho"
fi
L="$WORK/transferload"
ROUNDS=${ROUNDS:-1}
if [ -z "${DROP:-}" ]; then
  DROP=0; [ -w /proc/sys/vm/drop_caches ] && DROP=1
fi

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PID=""
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; true' EXIT
peak() { awk '/VmHWM/{printf "%.0f", $2/1024}' "/proc/$1/status" 2>/dev/null || echo 0; }
# CPU seconds (user + system) the server used: unlike wall time, barely moved by other load.
cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / hz}' "/proc/$1/stat" 2>/dev/null || echo 0; }
stop() { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; PID=""; }

{
  echo "# benchmarks/transfer.sh $(date -u +%Y-%m-%dT%H:%M:%SZ) commit $(git -C "$ROOT" rev-parse --short=12 HEAD)$(git -C "$ROOT" diff --quiet || echo -dirty)"
  echo "# $(go version); $(uname -sr); $(nproc) CPUs; $(awk '/MemTotal/{printf "%.0f GiB RAM", $2/1048576}' /proc/meminfo); load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# CASES=\"$CASES\" SIZE=$SIZE PDFS=$PDFS ROUNDS=$ROUNDS DROP=$DROP WORK=$WORK WRITE=${WRITE:-}${RAW_BLOCK:+ RAW_BLOCK=$RAW_BLOCK}${SEKISHO_BIN:+ SEKISHO_BIN=$SEKISHO_BIN}"
} | tee -a "$OUT"

inputs() { # case -> file list
  case $1 in
    big)
      [ -f "$WORK/in/big.txt" ] || "$L" gen-text -size "$SIZE" -o "$WORK/in/big.txt"
      echo "$WORK/in/big.txt" ;;
    pdfs)
      mkdir -p "$WORK/in/pdfs"
      for i in $(seq -w 1 "$PDFS"); do
        f="$WORK/in/pdfs/report-$i.pdf"
        # Distinct bytes per file: a comment after %%EOF, which readers ignore.
        [ -f "$f" ] || { cp "$ROOT/testdata/pdf/bench/merged-1mb.pdf" "$f"; printf '\n%% copy %s\n' "$i" >> "$f"; }
        echo "$f"
      done ;;
  esac
}

# settle files...: the same memory state before either side runs (see the header).
settle() {
  sync
  if [ "$DROP" = 1 ]; then echo 3 > /proc/sys/vm/drop_caches; fi
  cat "$@" "$S" "$L" > /dev/null # the inputs and both programs, as a warm machine has them
}

run_raw() { # case files...
  local c=$1; shift
  settle "$@"
  rm -rf "$WORK/raw" "$WORK/raw.addr"; mkdir -p "$WORK/raw"
  local blk=(); [ -n "${RAW_BLOCK:-}" ] && blk=(-block)
  "$L" raw-server -dir "$WORK/raw" "${blk[@]}" > "$WORK/raw.addr" & PID=$!
  for _ in $(seq 100); do [ -s "$WORK/raw.addr" ] && break; sleep 0.1; done
  local line; line=$("$L" raw -url "https://$(cat "$WORK/raw.addr")" "$@")
  echo "case=$c $line${RAW_BLOCK:+ block=256KiB} server_cpu_s=$(cpu "$PID") peak_rss_MiB=$(peak "$PID")" | tee -a "$OUT"
  stop; rm -rf "$WORK/raw"
}

run_sekisho() { # case [-write] files...
  local c=$1; shift
  local dl=(); [ "$1" = -write ] && { dl=(-out "$WORK/dl"); shift; }
  settle "$@"
  local d="$WORK/data-$c"
  rm -rf "$d" "$WORK/dl"; mkdir -p "$d" "$WORK/dl"
  local hp; hp=$(port)
  cat > "$d/sekisho.yaml" <<YAML
data_dir: $d
log: {level: warn}
smtp: {listen: 127.0.0.1:$(port), domains: [bench.test]}
http: {listen: 127.0.0.1:$hp}
transfer:
  enabled: true
  internet_listen: 127.0.0.1:$(port)
  max_file_size: 3GiB
  max_transfer_size: 4GiB
  max_files: 1000
  quota_per_user: 0
YAML
  printf 'bench-password-1\n' | "$S" user add bench --role staff --config "$d/sekisho.yaml" >/dev/null
  local link; link=$("$S" transfer link --owner bench --config "$d/sekisho.yaml" 2>/dev/null)
  local prof=(); [ -n "${PROFILE:-}" ] && prof=(--cpuprofile "$PROFILE")
  "$S" serve --config "$d/sekisho.yaml" "${prof[@]}" 2>>"$d/serve.log" & PID=$!
  for _ in $(seq 300); do curl -sf "http://127.0.0.1:$hp/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
  local mp=(); [ "$c" = pdfs ] && mp=(-multipart)
  local line; line=$("$L" sekisho -link "$link" -portal "http://127.0.0.1:$hp" -user bench -password bench-password-1 \
    "${mp[@]}" "${dl[@]}" "$@")
  echo "case=$c $line server_cpu_s=$(cpu "$PID") peak_rss_MiB=$(peak "$PID")" | tee -a "$OUT"
  stop; rm -rf "$d" "$WORK/dl"
}

# The PDF family's own rate on the same file, one process per file as sanitize-file runs:
# what (a) is bound by (serve runs transfer.sanitize_workers = 2 at once).
run_family() {
  local n=${FAMILY_N:-20} d="$WORK/family" t0 t1
  mkdir -p "$d"; printf 'data_dir: %s\n' "$d" > "$d/c.yaml"
  "$S" sanitize-file --config "$d/c.yaml" "$ROOT/testdata/pdf/bench/merged-1mb.pdf" -o "$d/out.pdf" >/dev/null 2>&1
  t0=$(date +%s.%N)
  local cpu=0
  for i in $(seq "$n"); do
    /usr/bin/time -o "$d/time" -f '%U %S' "$S" sanitize-file --config "$d/c.yaml" "$ROOT/testdata/pdf/bench/merged-1mb.pdf" -o "$d/out.pdf" >/dev/null 2>&1
    cpu=$(echo "$cpu $(tail -1 "$d/time")" | awk '{printf "%.2f", $1 + $2 + $3}')
  done
  t1=$(date +%s.%N)
  echo "case=pdf-family mode=sanitize-file files=$n seconds=$(echo "$t0 $t1" | awk '{printf "%.2f", $2-$1}') files/s=$(echo "$t0 $t1 $n" | awk '{printf "%.2f", $3/($2-$1)}') cpu_s_per_file=$(echo "$cpu $n" | awk '{printf "%.3f", $1/$2}')" | tee -a "$OUT"
  rm -rf "$d"
}

for r in $(seq "$ROUNDS"); do
  [ "$ROUNDS" = 1 ] || echo "# round $r $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT"
  for c in $CASES; do
    if [ "$c" = pdf-family ]; then run_family; continue; fi
    mapfile -t files < <(inputs "$c")
    if [ $((r % 2)) = 1 ]; then
      run_raw "$c" "${files[@]}"
      run_sekisho "$c" "${files[@]}"
    else
      run_sekisho "$c" "${files[@]}"
      run_raw "$c" "${files[@]}"
    fi
    [ -n "${WRITE:-}" ] && run_sekisho "$c" -write "${files[@]}"
    [ "$c" = pdfs ] && run_family
  done
done
if [ -z "${KEEP:-}" ]; then rm -rf "$WORK"; fi
