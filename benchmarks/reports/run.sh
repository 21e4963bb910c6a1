#!/usr/bin/env bash
# Management-reports benchmark: a year of a busy lab (load.sql: 50 000 orders, 150 000 items, receipts, jobs and
# certificates, 50 000 invoices with lines, payments and credit notes, 200 standards with bookings), loaded with SQL as
# the owner, then every report of /v1/reports/* through `lims serve`, timed three ways:
#   API p50     curl, median of RUNS requests (after one warm-up);
#   SQL p50     the time PostgreSQL itself spent on the report's statements during those requests (its log:
#               log_min_duration_statement = 0), summed per request, median;
#   pgbench p50 the same statements, captured from the log with their parameters substituted, run RUNS times by
#               pgbench on one connection: the database's share, whatever the build of the server.
# PLANS=1 then prints EXPLAIN (ANALYZE, BUFFERS) of each report's statements (run separately, so timings are unaffected).
#
# Everything runs on a throwaway cluster of its own, stopped and deleted on exit (also on Ctrl-C or an error).
# Usage: benchmarks/reports/run.sh
#   env: BUILD (release | debug; default release: the binary .build/$BUILD/lims, built if missing), LIMS_BINARY (a binary
#        of your own instead), RUNS (7), PLANS=1, LOG_LEVEL (info), REPORTS (names to run, space-separated; default all)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"

RUNS=${RUNS:-7}
BUILD=${BUILD:-release}
case "$BUILD" in release | debug) ;; *) echo "BUILD must be release or debug, not $BUILD" >&2; exit 2 ;; esac
LIMS=${LIMS_BINARY:-$ROOT/.build/$BUILD/lims}
export LOG_LEVEL=${LOG_LEVEL:-info}
SECONDS=0
step() { printf '== [%3ss] %s\n' "$SECONDS" "$*"; }

if [ ! -x "$LIMS" ]; then
  [ -z "${LIMS_BINARY:-}" ] || { echo "LIMS_BINARY=$LIMS is not an executable" >&2; exit 2; }
  step "Building the $BUILD binary (swift build -c $BUILD --product lims)…"
  swift build -c "$BUILD" --product lims
fi
scripts/install-postgres.sh
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
PSQL_BIN=${PGBIN:+$PGBIN/}psql
PGBENCH_BIN=${PGBIN:+$PGBIN/}pgbench

DIR=$(mktemp -d /tmp/calibra-bench-XXXXXX)
chmod 755 "$DIR"
DB_PORT=$((56000 + RANDOM % 4000))
HTTP_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$HTTP_PORT
SERVER_PID=""
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill -TERM "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  "$LIMS" db stop --dir "$DIR" --port "$DB_PORT" >/dev/null 2>&1 || true
  rm -rf "$DIR"
  [ "$status" = 0 ] || echo "(stopped with status $status; cluster and $DIR removed)" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "Throwaway cluster on port $DB_PORT ($DIR), binary $LIMS"
"$LIMS" db start --dir "$DIR" --port "$DB_PORT" --throwaway >/dev/null
URL=$("$LIMS" db url --dir "$DIR" --port "$DB_PORT")
OWNER_URL=$("$LIMS" db url --dir "$DIR" --port "$DB_PORT" --role superuser)
export DATABASE_URL=$URL LIMS_BCRYPT_COST=4
psql() { "$PSQL_BIN" "$OWNER_URL" -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }
json() { python3 -c "import json, sys; print(json.load(sys.stdin)$1)"; }

step "Migrating"
"$LIMS" migrate >"$DIR/migrate.log" 2>&1 || { cat "$DIR/migrate.log"; exit 1; }
echo "benchmark-password" | "$LIMS" user create --email bench-admin@lab.test --name "Bench Admin" --roles admin,billing --password-stdin >/dev/null

step "Loading a year (load.sql; a few minutes on a busy machine)"
LOAD_START=$SECONDS
psql -f "$HERE/load.sql" 2> >(grep -v 'only superuser can' >&2)
echo "   $(psql -c 'SELECT count(*) FROM orders') orders, $(psql -c 'SELECT count(*) FROM item_receipts') items," \
  "$(psql -c 'SELECT count(*) FROM certificates') certificates, $(psql -c 'SELECT count(*) FROM invoices') invoices," \
  "$(psql -c 'SELECT count(*) FROM invoice_payments') payments, $(psql -c 'SELECT count(*) FROM credit_notes') credit notes in $((SECONDS - LOAD_START)) s"

# Every statement and its duration in the cluster's log.
psql -c "ALTER SYSTEM SET log_min_duration_statement = 0"
psql -c "SELECT pg_reload_conf()" >/dev/null

step "Starting lims serve on port $HTTP_PORT"
"$LIMS" serve --host 127.0.0.1 --port "$HTTP_PORT" >"$DIR/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 150); do
  curl -fs "$BASE/health" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$DIR/server.log"; exit 1; }
  sleep 0.2
done
ADMIN=$(curl -fs -X POST "$BASE/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"email": "bench-admin@lab.test", "password": "benchmark-password"}' | json '["token"]')

YEAR_AGO=$(date -u -d '364 days ago' +%F); TODAY=$(date -u +%F); MONTH_AGO=$(date -u -d '29 days ago' +%F)
ALL_REPORTS=(
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
SOCKET_DIR=$(python3 -c "import sys, urllib.parse as u; print(u.parse_qs(u.urlparse(sys.argv[1]).query)['host'][0])" "$OWNER_URL")
pgbench_p50() {   # $1 script → median latency in ms over RUNS transactions
  rm -f "$DIR"/pgbench_log.*
  (cd "$DIR" && "$PGBENCH_BIN" -n -f "$1" -c 1 -t "$RUNS" -l -h "$SOCKET_DIR" -p "$DB_PORT" -U calibra calibra >"$DIR/pgbench.out" 2>&1) \
    || { cat "$DIR/pgbench.out" >&2; return 1; }
  cat "$DIR"/pgbench_log.* | awk '{ print $3 / 1000 }' | sort -g | awk '{ v[NR] = $1 } END { printf "%.1f\n", v[int((NR + 1) / 2)] }'
}

step "Timing each report: $RUNS requests after a warm-up, then the same SQL $RUNS times with pgbench"
echo
printf '%-18s %5s %11s %11s %11s %11s\n' report rows "API p50" "API max" "SQL p50" "pgbench p50"
for entry in "${ALL_REPORTS[@]}"; do
  name=${entry%%|*}; path=${entry#*|}
  if [ -n "${REPORTS:-}" ] && [[ " $REPORTS " != *" $name "* ]]; then continue; fi
  accept="application/json"; [[ $name == *-csv ]] && accept="text/csv"
  mark=$(wc -l <"$LOG")
  curl -fs "$BASE$path" -H "Authorization: Bearer $ADMIN" -H "Accept: $accept" >"$DIR/answer"   # warm-up
  sleep 0.3
  tail -n +"$((mark + 1))" "$LOG" | python3 "$HERE/durations.py" sql "$DIR/$name.sql" || { echo "$name: no report statement in the log" >&2; exit 1; }
  rows=$( [ "$accept" = text/csv ] && echo $(( $(wc -l <"$DIR/answer") - 1 )) || json '["rows"].__len__()' <"$DIR/answer")
  mark=$(wc -l <"$LOG")
  times=()
  for _ in $(seq 1 "$RUNS"); do
    times+=("$(curl -fs -o /dev/null -w '%{time_total}' "$BASE$path" -H "Authorization: Bearer $ADMIN" -H "Accept: $accept")")
  done
  sleep 0.3
  read -r p50 max < <(printf '%s\n' "${times[@]}" | sort -g | awk '{ v[NR] = $1 * 1000 } END { printf "%.1f %.1f\n", v[int((NR + 1) / 2)], v[NR] }')
  sql=$(tail -n +"$((mark + 1))" "$LOG" | python3 "$HERE/durations.py" "$RUNS")
  bench=$(pgbench_p50 "$DIR/$name.sql")
  printf '%-18s %5s %8s ms %8s ms %8s ms %8s ms\n' "$name" "$rows" "$p50" "$max" "$sql" "$bench"
done

if [ "${PLANS:-0}" = 1 ]; then
  psql -c "ALTER SYSTEM RESET log_min_duration_statement" -c "SELECT pg_reload_conf()" >/dev/null
  for entry in "${ALL_REPORTS[@]}"; do
    name=${entry%%|*}
    [ -f "$DIR/$name.sql" ] || continue
    echo; step "Plan of $name"
    python3 - "$DIR/$name.sql" >"$DIR/$name.explain.sql" <<'PY'
import sys
for statement in open(sys.argv[1]).read().split(";\n"):
    if statement.strip():
        print("EXPLAIN (ANALYZE, BUFFERS) " + statement + ";")
PY
    psql -f "$DIR/$name.explain.sql"
  done
fi
echo
echo "($(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg); $LIMS; total ${SECONDS}s)"
