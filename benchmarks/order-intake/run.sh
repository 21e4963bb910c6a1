#!/usr/bin/env bash
# Order-intake benchmark: orders per second through the HTTP API beside the same writes run by pgbench.
#   (a) `POST /v1/orders` (2 items, a fresh Idempotency-Key per request) through `lims serve`, driven by wrk, and
#   (b) submit.sql run by pgbench on the same cluster: the writes the server makes for one order, statement for statement
#       (instruments registered, number from the sequence, order and its 2 items in one statement, idempotency row with
#       the stored response and the audit event in one statement) in one transaction,
# at 1, 8 and 32 connections, with orders/s, p50, p99, the API/pgbench ratio, the server's CPU time per 1 000 orders
# (utime + stime from /proc/<pid>/stat around each run) and its peak RSS (VmHWM). Then `GET /v1/orders/{id}` beside
# show.sql, the one query that reads an order with its items.
#
# Everything runs on a throwaway cluster of its own, over a Unix socket and loopback HTTP, and is stopped on exit.
# Each API run is followed by a pgbench run of the same length, so both see the same machine load; RUNS repetitions,
# median shown. PROFILE=1 (or PROFILE=get, for the reads; PROFILE=floor, for GET /health) adds a `perf record -e cpu-clock -g` of the server during one extra 8-connection run
# and prints the top of its report.
#
# Usage: benchmarks/order-intake/run.sh  (env: SECONDS_PER_RUN, GET_SECONDS, RUNS, CONNECTIONS, LOG_LEVEL, PROFILE, KEEP_PERF_DATA, SHOW_SERVER_LOG, LIMS_BINARY)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"

SECONDS_PER_RUN=${SECONDS_PER_RUN:-10}
GET_SECONDS=${GET_SECONDS:-5}
RUNS=${RUNS:-3}
CONNECTIONS=${CONNECTIONS:-"1 8 32"}
PROFILE=${PROFILE:-0}
LIMS=${LIMS_BINARY:-$ROOT/.build/release/lims}   # LIMS_BINARY: a release binary built elsewhere (e.g. with --scratch-path)
# The server logs as it would in production (info) unless told otherwise; its log goes to a file.
export LOG_LEVEL=${LOG_LEVEL:-info}

# The whole run is bounded: a watchdog stops it after twenty minutes (the EXIT trap still cleans up).
SECONDS=0
( sleep 1200 && echo "benchmark: time limit reached, stopping" >&2 && kill -TERM $$ ) 2>/dev/null &
WATCHDOG=$!

install_package() {   # $1 command, $2 Debian package
  command -v "$1" >/dev/null && return 0
  echo "Installing $2…"
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get install -y -qq "$2" >/dev/null 2>&1 || { $sudo apt-get update -qq && $sudo apt-get install -y -qq "$2" >/dev/null; }
}

if [ ! -x "$LIMS" ]; then
  echo "Building the release binary (swift build -c release --product lims)…"
  swift build -c release --product lims
fi
install_package wrk wrk
[ "$PROFILE" != 0 ] && install_package perf linux-perf
scripts/install-postgres.sh
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
PSQL_BIN=${PGBIN:+$PGBIN/}psql
PGBENCH_BIN=${PGBIN:+$PGBIN/}pgbench

DIR=$(mktemp -d /tmp/calibra-bench-XXXXXX)
chmod 755 "$DIR"   # the unprivileged cluster owner (calibra-pg) must reach it when we run as root
DB_PORT=$((56000 + RANDOM % 4000))
HTTP_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$HTTP_PORT
SERVER_PID=""
SERVER_LOG=$DIR/server.log

cleanup() {
  trap - EXIT INT TERM
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  "$LIMS" db stop --dir "$DIR" --port "$DB_PORT" >/dev/null 2>&1 || true
  pkill -P "$WATCHDOG" 2>/dev/null || true
  kill "$WATCHDOG" 2>/dev/null || true
  rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== Throwaway cluster on port $DB_PORT ($DIR)"
"$LIMS" db start --dir "$DIR" --port "$DB_PORT" --throwaway >/dev/null
URL=$("$LIMS" db url --dir "$DIR" --port "$DB_PORT")
SOCKET_DIR=$(sed -E 's/.*[?&]host=([^&]+).*/\1/' <<<"$URL")
export DATABASE_URL=$URL LIMS_BCRYPT_COST=4

psql() { "$PSQL_BIN" "$URL" -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }
json() { python3 -c "import json, sys; print(json.load(sys.stdin)$1)"; }

"$LIMS" migrate >/dev/null 2>&1
echo "benchmark-password" | "$LIMS" user create --email bench-admin@lab.test --name "Bench Admin" --roles admin --password-stdin >/dev/null

echo "== API on $BASE (LOG_LEVEL=$LOG_LEVEL)"
"$LIMS" serve --host 127.0.0.1 --port "$HTTP_PORT" >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -fs "$BASE/health" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$SERVER_LOG"; exit 1; }
  sleep 0.2
done
ADMIN=$(curl -fs -X POST "$BASE/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"email": "bench-admin@lab.test", "password": "benchmark-password"}' | json '["token"]')
post() { curl -fs -X POST "$BASE$1" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' -d "$2"; }

echo "== A customer with an API key, two services"
CUSTOMER=$(post /v1/customers '{"code": "BENCH", "name": "Bench Manufacturer", "address": "1 Factory Road", "taxId": "TAX-BENCH",
  "currency": "CNY", "billingEmail": "ap@bench.test", "discountBasisPoints": 500, "taxRateBasisPoints": 600, "paymentTermsDays": 30}' | json '["id"]')
API_KEY=$(post "/v1/customers/$CUSTOMER/api-keys" '{"label": "benchmark"}' | json '["key"]')
for code in BENCH-PG BENCH-PT; do
  post /v1/services '{"code": "'$code'", "title": "Pressure calibration", "kind": "calibration", "instrumentCategory": "Pressure gauge",
    "quantity": "pressure", "unit": "MPa", "range": "0 to 60 MPa", "method": "JJF 1059.1-2012", "accredited": true,
    "price": {"amountMinor": 35000, "currency": "CNY"}, "turnaroundDays": 7, "expediteSurchargeBasisPoints": 5000}' >/dev/null
done
ORDER_ID=$(curl -fs -X POST "$BASE/v1/orders" -H "Authorization: Bearer $API_KEY" -H 'Content-Type: application/json' \
  -H "Idempotency-Key: bench-first" -d '{"customerReference": "PO-0", "priority": "standard", "items": [
    {"serviceCode": "BENCH-PG", "instrument": {"manufacturer": "Acme", "model": "PG-100", "serialNumber": "SN-0-A"}, "notes": "bench"},
    {"serviceCode": "BENCH-PT", "instrument": {"manufacturer": "Acme", "model": "PT-7", "serialNumber": "SN-0-B", "assetTag": "T-0"}}]}' \
  | json '["id"]')

# Server CPU time in seconds (user + system) and peak resident set size.
CLK_TCK=$(getconf CLK_TCK)
cpu_seconds() { awk -v hz="$CLK_TCK" '{ sub(/^.*\) /, ""); print ($12 + $13) / hz }' "/proc/$SERVER_PID/stat"; }
peak_rss() { awk '/^VmHWM/ { printf "%.0f MiB", $2 / 1024 }' "/proc/$SERVER_PID/status"; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
threads_for() { [ "$1" -lt 2 ] && echo 1 || echo 2; }

# wrk: prints "rate p50 p99 cpu_ms_per_1000" (the last from the server's CPU time over the run).
api_run() {   # $1 script, $2 path, $3 connections, $4 seconds, extra wrk arguments after `--`
  local script=$1 path=$2 connections=$3 seconds=$4 before after out
  shift 4
  before=$(cpu_seconds)
  out=$(wrk -t "$(threads_for "$connections")" -c "$connections" -d "${seconds}s" --timeout 10s -s "$HERE/$script" "$BASE$path" -- "$@")
  after=$(cpu_seconds)
  grep -Eq "^STATUS 20[01]=[0-9]+ other=0 errors=0" <<<"$out" || { echo "unexpected responses: $(grep STATUS <<<"$out")" >&2; exit 1; }
  awk -v before="$before" -v after="$after" '
    /^RATE/ { rate = $2 } /^LATENCY/ { p50 = $2; p99 = $3 }
    /^COUNT/ { count = $2 }
    END { print rate, p50, p99, (after - before) / count * 1000 }' <<<"$out"
}

# pgbench: prints "rate p50 p99" (percentiles from its per-transaction log).
pgbench_run() {   # $1 script, $2 connections, $3 seconds, extra pgbench arguments
  local script=$1 connections=$2 seconds=$3 rate
  shift 3
  rm -f "$DIR"/pgbench_log.*
  rate=$(cd "$DIR" && "$PGBENCH_BIN" -n -f "$HERE/$script" -c "$connections" -j "$(threads_for "$connections")" -T "$seconds" -l \
    -D customer="'$CUSTOMER'" "$@" -h "$SOCKET_DIR" -p "$DB_PORT" -U calibra calibra 2>"$DIR/pgbench.err" | awk '/^tps/ { print $3 }')
  [ -n "$rate" ] || { cat "$DIR/pgbench.err" >&2; exit 1; }
  cat "$DIR"/pgbench_log.* | awk '{ print $3 / 1000 }' | sort -g | awk -v rate="$rate" '
    { v[NR] = $1 } END { printf "%s %.2f %.2f\n", rate, v[int(NR * 0.50) + 1], v[int(NR * 0.99) + 1] }'
}

declare -A API PGB GAPI GPGB
echo "== Warm-up (3 s)"
api_run submit.lua /v1/orders 8 3 "$API_KEY" BENCH-PG BENCH-PT >/dev/null
pgbench_run submit.sql 8 3 >/dev/null

for connections in $CONNECTIONS; do
  echo "== POST /v1/orders at $connections connection(s), ${SECONDS_PER_RUN} s per run"
  rates=(); pgrates=()
  for run in $(seq 1 "$RUNS"); do
    read -r rate p50 p99 cpu <<<"$(api_run submit.lua /v1/orders "$connections" "$SECONDS_PER_RUN" "$API_KEY" BENCH-PG BENCH-PT)"
    read -r prate pp50 pp99 <<<"$(pgbench_run submit.sql "$connections" "$SECONDS_PER_RUN")"
    printf '   run %d: API %7.1f orders/s p50 %6.2f ms p99 %6.2f ms, %5.2f CPU s/1000 orders | pgbench %7.1f/s p50 %6.2f ms p99 %6.2f ms\n' \
      "$run" "$rate" "$p50" "$p99" "$cpu" "$prate" "$pp50" "$pp99"
    rates+=("$rate $p50 $p99 $cpu"); pgrates+=("$prate $pp50 $pp99")
  done
  # The median run by rate, with its own latencies and CPU.
  API[$connections]=$(printf '%s\n' "${rates[@]}" | sort -g | awk '{ v[NR] = $0 } END { print v[int((NR + 1) / 2)] }')
  PGB[$connections]=$(printf '%s\n' "${pgrates[@]}" | sort -g | awk '{ v[NR] = $0 } END { print v[int((NR + 1) / 2)] }')
done

for connections in $CONNECTIONS; do
  echo "== GET /v1/orders/{id} at $connections connection(s), ${GET_SECONDS} s"
  read -r rate p50 p99 cpu <<<"$(api_run show.lua "/v1/orders/$ORDER_ID" "$connections" "$GET_SECONDS" "$API_KEY")"
  read -r prate pp50 pp99 <<<"$(pgbench_run show.sql "$connections" "$GET_SECONDS" -D order="'$ORDER_ID'")"
  printf '   API %7.1f reads/s p50 %6.2f ms p99 %6.2f ms, %5.2f CPU s/1000 reads | pgbench %7.1f/s p50 %6.2f ms p99 %6.2f ms\n' \
    "$rate" "$p50" "$p99" "$cpu" "$prate" "$pp50" "$pp99"
  GAPI[$connections]="$rate $p50 $p99 $cpu"; GPGB[$connections]="$prate $pp50 $pp99"
done

# The floor: what an HTTP request costs this server before any module or database work (`GET /health`, no
# credentials, nothing read), at 8 connections. An order or a read cannot cost less CPU than this.
echo "== Floor: GET /health at 8 connections, ${GET_SECONDS} s"
read -r frate fp50 fp99 fcpu <<<"$(api_run show.lua /health 8 "$GET_SECONDS")"
printf '   %7.1f requests/s p50 %6.2f ms p99 %6.2f ms, %5.2f CPU s/1000 requests\n' "$frate" "$fp50" "$fp99" "$fcpu"

if [ "$PROFILE" != 0 ]; then
  case $PROFILE in get) PROFILED="GET /v1/orders/{id}" ;; floor) PROFILED="GET /health" ;; *) PROFILED=order-intake ;; esac
  echo "== Profile: perf record -e cpu-clock -g during one 8-connection $PROFILED run"
  perf record -e cpu-clock -g -p "$SERVER_PID" -o "$DIR/perf.data" -- sleep "$SECONDS_PER_RUN" >/dev/null 2>&1 &
  PERF_PID=$!
  if [ "$PROFILE" = get ]; then
    api_run show.lua "/v1/orders/$ORDER_ID" 8 "$SECONDS_PER_RUN" "$API_KEY" >/dev/null
  elif [ "$PROFILE" = floor ]; then
    api_run show.lua /health 8 "$SECONDS_PER_RUN" >/dev/null
  else
    api_run submit.lua /v1/orders 8 "$SECONDS_PER_RUN" "$API_KEY" BENCH-PG BENCH-PT >/dev/null
  fi
  wait "$PERF_PID" || true
  [ -n "${KEEP_PERF_DATA:-}" ] && cp "$DIR/perf.data" "$KEEP_PERF_DATA"   # for `perf report -i` afterwards
  # Flat: the functions where the samples fell (self time), heaviest first.
  perf report -i "$DIR/perf.data" --no-children --stdio -g none --percent-limit 0.3 2>/dev/null >"$DIR/perf.txt" || true
  grep -v -e '^#' -e '^$' "$DIR/perf.txt" | head -60 | { command -v swift >/dev/null && swift demangle --simplified || cat; } | cut -c1-220
  # By layer: how much of the server's CPU is ours, and how much the HTTP server, PostgresNIO, NIO, Swift and the kernel.
  echo "== The same profile by layer (layers.py)"
  perf script -i "$DIR/perf.data" 2>/dev/null | { command -v swift >/dev/null && swift demangle --simplified || cat; } | python3 "$HERE/layers.py"
fi

ORDERS=$(psql -c "SELECT count(*) FROM orders")
AUDITED=$(psql -c "SELECT count(*) FROM audit_events WHERE action = 'order.submitted'")
[ "$ORDERS" = "$AUDITED" ] || { echo "orders ($ORDERS) and their audit events ($AUDITED) differ" >&2; exit 1; }

echo
echo "== Results (median of $RUNS runs by rate; $(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg); LOG_LEVEL=$LOG_LEVEL)"
echo "POST /v1/orders, 2 items, fresh Idempotency-Key (pgbench: submit.sql)"
printf '%-6s %10s %8s %8s %12s %10s %8s %8s %8s\n' conns "API ord/s" "p50 ms" "p99 ms" "CPU s/1000" "pgb tx/s" "p50 ms" "p99 ms" "API/pgb"
for connections in $CONNECTIONS; do
  read -r rate p50 p99 cpu <<<"${API[$connections]}"; read -r prate pp50 pp99 <<<"${PGB[$connections]}"
  printf '%-6s %10.0f %8.2f %8.2f %12.2f %10.0f %8.2f %8.2f %8.2f\n' "$connections" "$rate" "$p50" "$p99" "$cpu" "$prate" "$pp50" "$pp99" \
    "$(awk -v a="$rate" -v p="$prate" 'BEGIN { print a / p }')"
done
echo "GET /v1/orders/{id} (pgbench: show.sql)"
printf '%-6s %10s %8s %8s %12s %10s %8s %8s %8s\n' conns "API rd/s" "p50 ms" "p99 ms" "CPU s/1000" "pgb tx/s" "p50 ms" "p99 ms" "API/pgb"
for connections in $CONNECTIONS; do
  read -r rate p50 p99 cpu <<<"${GAPI[$connections]}"; read -r prate pp50 pp99 <<<"${GPGB[$connections]}"
  printf '%-6s %10.0f %8.2f %8.2f %12.2f %10.0f %8.2f %8.2f %8.2f\n' "$connections" "$rate" "$p50" "$p99" "$cpu" "$prate" "$pp50" "$pp99" \
    "$(awk -v a="$rate" -v p="$prate" 'BEGIN { print a / p }')"
done
printf 'floor: GET /health at 8 connections %.0f requests/s, p99 %.2f ms, %.2f CPU s/1000 requests\n' "$frate" "$fp99" "$fcpu"
echo "server peak RSS (VmHWM): $(peak_rss); orders stored: $ORDERS, each with its audit event; server log: $(wc -l <"$SERVER_LOG") lines"
[ -n "${SHOW_SERVER_LOG:-}" ] && tail -5 "$SERVER_LOG"
echo "total time: ${SECONDS}s"
