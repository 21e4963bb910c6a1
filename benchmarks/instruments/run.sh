#!/usr/bin/env bash
# Instrument-register benchmark: a register of 1 000 000 instruments (100 000 of them one customer's), loaded with SQL as
# the owner (load.sql), then
#   (a) `GET /v1/instruments?status=overdue` (first page, 50 instruments) with that customer's API key, through
#       `lims serve`, driven by wrk at 1 and 8 connections, beside list.sql (the same query) run by pgbench; and the same
#       page across every customer with a staff token;
#   then `GET /v1/reports/compliance` over a year, as that customer and as staff over every customer (median of 15);
#   (b) one recall sweep, `lims recall run` (a day's worth of notices to send: earlier passes sent the rest), and a second
#       one with nothing left to send, beside sweep-scan.sql (what a pass must read) run by pgbench.
# It prints requests/s, p50 and p99, and the API/pgbench ratios.
#
# Everything runs on a throwaway cluster of its own, over a Unix socket and loopback HTTP, and is stopped on exit.
# Usage: benchmarks/instruments/run.sh  (env: SECONDS_PER_RUN (5), LOG_LEVEL (info), LIMS_BINARY (default .build/release/lims))
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"

SECONDS_PER_RUN=${SECONDS_PER_RUN:-5}
LIMS=${LIMS_BINARY:-$ROOT/.build/release/lims}
export LOG_LEVEL=${LOG_LEVEL:-info}

SECONDS=0
( sleep 1800 && echo "benchmark: time limit reached, stopping" >&2 && kill -TERM $$ ) 2>/dev/null &
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
# The server's own recall pass stays out of the way: the benchmark runs the sweep itself.
export DATABASE_URL=$URL LIMS_BCRYPT_COST=4 LIMS_RECALL_INTERVAL=24h

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

echo "== The big customer with an API key, a verification service"
CUSTOMER=$(post /v1/customers '{"code": "BIG", "name": "Big Manufacturer", "address": "1 Factory Road", "taxId": "TAX-BIG",
  "currency": "CNY", "billingEmail": "ap@big.test", "discountBasisPoints": 0, "taxRateBasisPoints": 600, "paymentTermsDays": 30}' | json '["id"]')
API_KEY=$(post "/v1/customers/$CUSTOMER/api-keys" '{"label": "benchmark"}' | json '["key"]')
post /v1/services '{"code": "BENCH-VER", "title": "Pressure gauge verification", "kind": "verification", "instrumentCategory": "Pressure gauge",
  "quantity": "pressure", "unit": "MPa", "range": "0 to 60 MPa", "method": "JJG 52-2013", "accredited": true,
  "price": {"amountMinor": 28000, "currency": "CNY"}, "turnaroundDays": 5, "expediteSurchargeBasisPoints": 5000,
  "verificationPeriodMonths": 12, "mandatoryVerificationCategory": "safety_protection"}' >/dev/null

echo "== Loading 1 000 000 instruments (100 000 the big customer's)"
LOAD_START=$SECONDS
psql -v big="'$CUSTOMER'" -f "$HERE/load.sql"
read -r TOTAL BIG OVERDUE DUE_SOON <<<"$(psql -F ' ' -c "SELECT count(*), count(*) FILTER (WHERE customer_id = '$CUSTOMER'),
  count(*) FILTER (WHERE customer_id = '$CUSTOMER' AND next_due_on < current_date),
  count(*) FILTER (WHERE customer_id = '$CUSTOMER' AND next_due_on BETWEEN current_date AND current_date + 30) FROM instruments")"
echo "   $TOTAL instruments, $BIG the big customer's ($OVERDUE overdue, $DUE_SOON due soon), loaded in $((SECONDS - LOAD_START)) s"

threads_for() { [ "$1" -lt 2 ] && echo 1 || echo 2; }
api_run() {   # $1 path, $2 token, $3 connections, $4 seconds → "rate p50 p99"
  local out
  out=$(wrk -t "$(threads_for "$3")" -c "$3" -d "${4}s" --timeout 10s -s "$HERE/get.lua" "$BASE$1" -- "$2")
  grep -Eq "^STATUS 200=[0-9]+ other=0 errors=0" <<<"$out" || { echo "unexpected responses: $(grep STATUS <<<"$out")" >&2; exit 1; }
  awk '/^RATE/ { rate = $2 } /^LATENCY/ { p50 = $2; p99 = $3 } END { print rate, p50, p99 }' <<<"$out"
}
pgbench_run() {   # $1 script, $2 connections, $3 seconds → "rate p50 p99"
  local rate
  rm -f "$DIR"/pgbench_log.*
  rate=$(cd "$DIR" && "$PGBENCH_BIN" -n -f "$HERE/$1" -c "$2" -j "$(threads_for "$2")" -T "$3" -l -D big="'$CUSTOMER'" \
    -h "$SOCKET_DIR" -p "$DB_PORT" -U calibra calibra 2>"$DIR/pgbench.err" | awk '/^tps/ { print $3 }')
  [ -n "$rate" ] || { cat "$DIR/pgbench.err" >&2; exit 1; }
  cat "$DIR"/pgbench_log.* | awk '{ print $3 / 1000 }' | sort -g | awk -v rate="$rate" '
    { v[NR] = $1 } END { printf "%s %.2f %.2f\n", rate, v[int(NR * 0.50) + 1], v[int(NR * 0.99) + 1] }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

PAGE="/v1/instruments?status=overdue"
FIRST=$(curl -fs "$BASE$PAGE" -H "Authorization: Bearer $API_KEY")
ITEMS=$(json '["items"].__len__()' <<<"$FIRST")
FIRST_DUE=$(json '["items"][0]["nextDueOn"]' <<<"$FIRST")
echo "== GET $PAGE as the big customer: $ITEMS instruments on the first page, the oldest due $FIRST_DUE"
# One request at a time, each timed by curl, after a warm-up.
for _ in $(seq 1 20); do curl -fs -o /dev/null "$BASE$PAGE" -H "Authorization: Bearer $API_KEY"; done
SINGLE=$(for _ in $(seq 1 50); do curl -fs -o /dev/null -w '%{time_total}\n' "$BASE$PAGE" -H "Authorization: Bearer $API_KEY"; done \
  | sort -g | awk '{ v[NR] = $1 * 1000 } END { printf "%.2f", v[int((NR + 1) / 2)] }')
echo "   curl, one at a time: median $SINGLE ms"
declare -A API PGB
for connections in 1 8; do
  API[$connections]=$(api_run "$PAGE" "$API_KEY" "$connections" "$SECONDS_PER_RUN")
  PGB[$connections]=$(pgbench_run list.sql "$connections" "$SECONDS_PER_RUN")
  echo "   $connections connection(s): API ${API[$connections]} | pgbench ${PGB[$connections]} (rate p50 p99)"
done
STAFF=$(api_run "$PAGE" "$ADMIN" 1 "$SECONDS_PER_RUN")
echo "   staff, every customer's (1 000 000), 1 connection: $STAFF (rate p50 p99)"

# The compliance report (#20's report on the register): one request at a time, each timed by curl, after a warm-up.
median_ms() {   # $1 path, $2 token → the median of 15 timed requests, in ms
  for _ in $(seq 1 3); do curl -fs -o /dev/null "$BASE$1" -H "Authorization: Bearer $2"; done
  for _ in $(seq 1 15); do curl -fs -o /dev/null -w '%{time_total}\n' "$BASE$1" -H "Authorization: Bearer $2"; done \
    | sort -g | awk '{ v[NR] = $1 * 1000 } END { printf "%.1f", v[int((NR + 1) / 2)] }'
}
REPORT="/v1/reports/compliance?from=$(date -u -d '1 year ago' +%F)&to=$(date -u +%F)"
COMPLIANCE_CUSTOMER=$(median_ms "$REPORT" "$API_KEY")
COMPLIANCE_STAFF=$(median_ms "$REPORT" "$ADMIN")
echo "== GET $REPORT: the big customer's $COMPLIANCE_CUSTOMER ms, staff over every customer $COMPLIANCE_STAFF ms (median of 15)"

echo "== Recall sweep"
SENT_BEFORE=$(psql -c "SELECT count(*) FROM customer_events WHERE type LIKE 'instrument.%'")
SWEEP_START=$(date +%s.%N)
SWEEP_OUT=$("$LIMS" recall run 2>&1 | tail -1)
SWEEP_WALL=$(awk -v s="$SWEEP_START" -v e="$(date +%s.%N)" 'BEGIN { printf "%.0f", (e - s) * 1000 }')
SENT=$(( $(psql -c "SELECT count(*) FROM customer_events WHERE type LIKE 'instrument.%'") - SENT_BEFORE ))
echo "   first pass:  $SWEEP_OUT (process wall time ${SWEEP_WALL} ms); $SENT events in the feeds"
SWEEP2_OUT=$("$LIMS" recall run 2>&1 | tail -1)
echo "   second pass: $SWEEP2_OUT"
SWEEP_MS=$(sed -E 's/.* in ([0-9.]+) ms.*/\1/' <<<"$SWEEP_OUT")
SWEEP2_MS=$(sed -E 's/.* in ([0-9.]+) ms.*/\1/' <<<"$SWEEP2_OUT")
SCAN=$(cd "$DIR" && "$PGBENCH_BIN" -n -f "$HERE/sweep-scan.sql" -c 1 -t 5 -h "$SOCKET_DIR" -p "$DB_PORT" -U calibra calibra 2>/dev/null \
  | awk '/^latency average/ { print $4 }')
echo "   pgbench sweep-scan.sql (the reads of a pass, nothing to send): $SCAN ms"

echo
echo "== Results ($(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg); LOG_LEVEL=$LOG_LEVEL; $LIMS)"
echo "register: $TOTAL instruments; the big customer's $BIG, of which $OVERDUE overdue"
echo "GET $PAGE (first page, 50), customer API key (pgbench: list.sql)"
printf '%-6s %10s %8s %8s %10s %8s %8s %8s\n' conns "API req/s" "p50 ms" "p99 ms" "pgb tx/s" "p50 ms" "p99 ms" "API/pgb"
for connections in 1 8; do
  read -r rate p50 p99 <<<"${API[$connections]}"; read -r prate pp50 pp99 <<<"${PGB[$connections]}"
  printf '%-6s %10.0f %8.2f %8.2f %10.0f %8.2f %8.2f %8s\n' "$connections" "$rate" "$p50" "$p99" "$prate" "$pp50" "$pp99" "$(ratio "$rate" "$prate")"
done
read -r rate p50 p99 <<<"$STAFF"
printf 'staff across all customers, 1 conn: %.0f req/s, p50 %.2f ms, p99 %.2f ms\n' "$rate" "$p50" "$p99"
echo "compliance report, a year: the big customer's (100 000) ${COMPLIANCE_CUSTOMER} ms, staff over 1 000 000 ${COMPLIANCE_STAFF} ms (median of 15)"
echo "recall sweep (lims recall run): ${SWEEP_MS} ms sending $SENT notices; ${SWEEP2_MS} ms with none to send;"
echo "   its reads alone (pgbench sweep-scan.sql): ${SCAN} ms; sweep/scan with nothing to send: $(ratio "$SWEEP2_MS" "$SCAN")"
echo "total time: ${SECONDS}s"
