#!/usr/bin/env bash
# Management-reports benchmark: a year of a busy lab (load.sql: 50 000 orders, 150 000 items, receipts, jobs and
# certificates, 50 000 invoices with lines, payments and credit notes, 200 standards with bookings), loaded with SQL as
# the owner, then every report of /v1/reports/* through `lims serve`, timed with curl (median of RUNS), beside the time
# PostgreSQL itself spent on the report's statements (log_min_duration_statement, median of the same runs) and, with
# PLANS=1, the plan of one run of each (auto_explain: EXPLAIN ANALYZE of the statement the server sent; slower then).
#
# Everything runs on a throwaway cluster of its own and is stopped on exit.
# Usage: benchmarks/reports/run.sh  (env: RUNS (7), LOG_LEVEL (info), LIMS_BINARY (default .build/release/lims), PLANS=1 to print plans)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"

RUNS=${RUNS:-7}
LIMS=${LIMS_BINARY:-$ROOT/.build/release/lims}
export LOG_LEVEL=${LOG_LEVEL:-info}
SECONDS=0

if [ ! -x "$LIMS" ]; then
  echo "Building the release binary (swift build -c release --product lims)…"
  swift build -c release --product lims
fi
scripts/install-postgres.sh
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
PSQL_BIN=${PGBIN:+$PGBIN/}psql

DIR=$(mktemp -d /tmp/calibra-bench-XXXXXX)
chmod 755 "$DIR"
DB_PORT=$((56000 + RANDOM % 4000))
HTTP_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$HTTP_PORT
SERVER_PID=""
cleanup() {
  trap - EXIT INT TERM
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill -TERM "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  "$LIMS" db stop --dir "$DIR" --port "$DB_PORT" >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== Throwaway cluster on port $DB_PORT ($DIR)"
"$LIMS" db start --dir "$DIR" --port "$DB_PORT" --throwaway >/dev/null
URL=$("$LIMS" db url --dir "$DIR" --port "$DB_PORT")
OWNER_URL=$("$LIMS" db url --dir "$DIR" --port "$DB_PORT" --role superuser)
export DATABASE_URL=$URL LIMS_BCRYPT_COST=4
psql() { "$PSQL_BIN" "$OWNER_URL" -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }
json() { python3 -c "import json, sys; print(json.load(sys.stdin)$1)"; }

"$LIMS" migrate >/dev/null 2>&1
echo "benchmark-password" | "$LIMS" user create --email bench-admin@lab.test --name "Bench Admin" --roles admin,billing --password-stdin >/dev/null

echo "== Loading a year (load.sql)"
LOAD_START=$SECONDS
psql -f "$HERE/load.sql"
echo "   $(psql -c 'SELECT count(*) FROM orders') orders, $(psql -c 'SELECT count(*) FROM item_receipts') items," \
  "$(psql -c 'SELECT count(*) FROM certificates') certificates, $(psql -c 'SELECT count(*) FROM invoices') invoices," \
  "$(psql -c 'SELECT count(*) FROM invoice_payments') payments, $(psql -c 'SELECT count(*) FROM credit_notes') credit notes in $((SECONDS - LOAD_START)) s"

# Every statement's duration in the cluster's log; with PLANS=1 also the plan (actual times) of every one over 1 ms.
psql -c "ALTER SYSTEM SET log_min_duration_statement = 0"
if [ "${PLANS:-0}" = 1 ]; then   # EXPLAIN ANALYZE costs time per plan node: only when plans are asked for
  psql -c "ALTER SYSTEM SET session_preload_libraries = 'auto_explain'"
  psql -c "LOAD 'auto_explain'" -c "ALTER SYSTEM SET auto_explain.log_min_duration = '1ms'" -c "ALTER SYSTEM SET auto_explain.log_analyze = on"
fi
psql -c "SELECT pg_reload_conf()" >/dev/null

"$LIMS" serve --host 127.0.0.1 --port "$HTTP_PORT" >"$DIR/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -fs "$BASE/health" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$DIR/server.log"; exit 1; }
  sleep 0.2
done
ADMIN=$(curl -fs -X POST "$BASE/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"email": "bench-admin@lab.test", "password": "benchmark-password"}' | json '["token"]')

YEAR_AGO=$(date -u -d '364 days ago' +%F); TODAY=$(date -u +%F); MONTH_AGO=$(date -u -d '29 days ago' +%F)
REPORTS=(
  "turnaround-service|/v1/reports/turnaround?from=$YEAR_AGO&to=$TODAY&groupBy=service"
  "turnaround-month|/v1/reports/turnaround?from=$YEAR_AGO&to=$TODAY&groupBy=month"
  "turnaround-30d|/v1/reports/turnaround?from=$MONTH_AGO&to=$TODAY"
  "workload|/v1/reports/workload"
  "revenue-month|/v1/reports/revenue?from=$YEAR_AGO&to=$TODAY&groupBy=month"
  "revenue-customer|/v1/reports/revenue?from=$YEAR_AGO&to=$TODAY&groupBy=customer"
  "revenue-service|/v1/reports/revenue?from=$YEAR_AGO&to=$TODAY&groupBy=service"
  "receivables|/v1/reports/receivables"
  "equipment-due|/v1/reports/equipment-due?withinDays=30"
  "turnaround-csv|/v1/reports/turnaround?from=$YEAR_AGO&to=$TODAY&groupBy=month"
)
LOG="$DIR/postgres.log"
echo
printf '%-18s %6s %10s %10s %10s\n' report rows "API p50" "API max" "SQL p50"
for entry in "${REPORTS[@]}"; do
  name=${entry%%|*}; path=${entry#*|}
  accept="application/json"; [[ $name == *-csv ]] && accept="text/csv"
  curl -fs "$BASE$path" -H "Authorization: Bearer $ADMIN" -H "Accept: $accept" >"$DIR/answer"   # warm-up
  rows=$( [ "$accept" = text/csv ] && echo $(( $(wc -l <"$DIR/answer") - 1 )) || json '["rows"].__len__()' <"$DIR/answer")
  mark=$(wc -l <"$LOG")
  times=()
  for _ in $(seq 1 "$RUNS"); do
    times+=("$(curl -fs -o /dev/null -w '%{time_total}' "$BASE$path" -H "Authorization: Bearer $ADMIN" -H "Accept: $accept")")
  done
  sleep 0.3
  read -r p50 max < <(printf '%s\n' "${times[@]}" | sort -g | awk '{ v[NR] = $1 * 1000 } END { printf "%.1f %.1f\n", v[int((NR + 1) / 2)], v[NR] }')
  # The server's statements in this window: the report's own (they read report_* views), summed per request.
  sql=$(tail -n +"$((mark + 1))" "$LOG" | python3 "$HERE/durations.py" "$RUNS")
  printf '%-18s %6s %8s ms %8s ms %8s ms\n' "$name" "$rows" "$p50" "$max" "$sql"
  if [ "${PLANS:-0}" = 1 ]; then tail -n +"$((mark + 1))" "$LOG" | python3 "$HERE/durations.py" plan; fi
done
echo
echo "($(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg); $LIMS; total ${SECONDS}s)"
