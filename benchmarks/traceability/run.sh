#!/usr/bin/env bash
# Reverse-traceability benchmark: 100 000 certificates over three years (every tenth citing the suspect standard, 1 %
# amended), loaded with SQL as the owner (load.sql), then `GET /v1/equipment/{id}/impact?since=` (the last year:
# about 3 300 certificates in the answer) and the same with no `since` (derived from the as-found calibrations: the
# whole history, about 10 000), through `lims serve`, driven by wrk at 1 and 4 connections, beside impact.sql (the same
# query) run by pgbench on the same cluster. Prints requests/s, p50 and p99 and the API/pgbench ratios.
#
# Everything runs on a throwaway cluster of its own and is stopped on exit.
# Usage: benchmarks/traceability/run.sh  (env: SECONDS_PER_RUN (5), LOG_LEVEL (info), LIMS_BINARY (default .build/release/lims))
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"

SECONDS_PER_RUN=${SECONDS_PER_RUN:-5}
LIMS=${LIMS_BINARY:-$ROOT/.build/release/lims}
export LOG_LEVEL=${LOG_LEVEL:-info}
SECONDS=0

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
SOCKET_DIR=$(sed -E 's/.*[?&]host=([^&]+).*/\1/' <<<"$URL")
export DATABASE_URL=$URL LIMS_BCRYPT_COST=4
psql() { "$PSQL_BIN" "$OWNER_URL" -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }
json() { python3 -c "import json, sys; print(json.load(sys.stdin)$1)"; }

"$LIMS" migrate >/dev/null 2>&1
echo "benchmark-password" | "$LIMS" user create --email bench-admin@lab.test --name "Bench Admin" --roles admin --password-stdin >/dev/null
"$LIMS" serve --host 127.0.0.1 --port "$HTTP_PORT" >"$DIR/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -fs "$BASE/health" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$DIR/server.log"; exit 1; }
  sleep 0.2
done
ADMIN=$(curl -fs -X POST "$BASE/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"email": "bench-admin@lab.test", "password": "benchmark-password"}' | json '["token"]')
post() { curl -fs -X POST "$BASE$1" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' -d "$2"; }

echo "== The suspect standard: in tolerance two years ago, out of tolerance at its last calibration"
SUSPECT=$(post /v1/equipment '{"assetTag": "REF-BENCH", "name": "Suspect standard", "manufacturer": "Fluke", "model": "2700G",
  "serialNumber": "B-1", "quantity": "pressure", "range": "0 to 70 MPa", "serviceCodes": []}' | json '["id"]')
TWO_YEARS_AGO=$(date -u -d '730 days ago' +%F); YESTERDAY=$(date -u -d '1 day ago' +%F); ONE_YEAR_AGO=$(date -u -d '365 days ago' +%F)
post "/v1/equipment/$SUSPECT/calibrations" "{\"certificateNumber\": \"C-1\", \"calibratedBy\": \"NIM\", \"calibratedOn\": \"$TWO_YEARS_AGO\",
  \"dueOn\": \"$(date -u -d '365 days' +%F)\", \"traceability\": \"NIM\", \"asFound\": \"in_tolerance\"}" >/dev/null
post "/v1/equipment/$SUSPECT/calibrations" "{\"certificateNumber\": \"C-2\", \"calibratedBy\": \"NIM\", \"calibratedOn\": \"$YESTERDAY\",
  \"dueOn\": \"$(date -u -d '364 days' +%F)\", \"traceability\": \"NIM\", \"asFound\": \"out_of_tolerance\"}" >/dev/null

echo "== Loading 100 000 certificates"
LOAD_START=$SECONDS
psql -v suspect="$SUSPECT" -f "$HERE/load.sql"
echo "   $(psql -c 'SELECT count(*) FROM certificates') certificate rows ($(psql -c 'SELECT count(*) FROM certificates WHERE supersedes IS NOT NULL') amendments) in $((SECONDS - LOAD_START)) s"

threads_for() { [ "$1" -lt 2 ] && echo 1 || echo 2; }
api_run() {   # $1 path, $2 connections → "rate p50 p99"
  local out
  out=$(wrk -t "$(threads_for "$2")" -c "$2" -d "${SECONDS_PER_RUN}s" --timeout 30s -s "$ROOT/benchmarks/instruments/get.lua" "$BASE$1" -- "$ADMIN")
  grep -Eq "^STATUS 200=[0-9]+ other=0 errors=0" <<<"$out" || { echo "unexpected responses: $(grep STATUS <<<"$out")" >&2; exit 1; }
  awk '/^RATE/ { rate = $2 } /^LATENCY/ { p50 = $2; p99 = $3 } END { print rate, p50, p99 }' <<<"$out"
}
pgbench_run() {   # $1 since (SQL literal), $2 connections → "rate p50 p99"
  local rate
  rm -f "$DIR"/pgbench_log.*
  rate=$(cd "$DIR" && "$PGBENCH_BIN" -n -f "$HERE/impact.sql" -c "$2" -j "$(threads_for "$2")" -T "$SECONDS_PER_RUN" -l \
    -D suspect="'$SUSPECT'" -D since="$1" -h "$SOCKET_DIR" -p "$DB_PORT" -U calibra calibra 2>"$DIR/pgbench.err" | awk '/^tps/ { print $3 }')
  [ -n "$rate" ] || { cat "$DIR/pgbench.err" >&2; exit 1; }
  cat "$DIR"/pgbench_log.* | awk '{ print $3 / 1000 }' | sort -g | awk -v rate="$rate" '
    { v[NR] = $1 } END { printf "%s %.2f %.2f\n", rate, v[int(NR * 0.50) + 1], v[int(NR * 0.99) + 1] }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

declare -A API PGB COUNT
for case in year derived; do
  if [ "$case" = year ]; then path="/v1/equipment/$SUSPECT/impact?since=$ONE_YEAR_AGO"; since="'$ONE_YEAR_AGO'"
  else path="/v1/equipment/$SUSPECT/impact"; since="'$TWO_YEARS_AGO'"; fi
  COUNT[$case]=$(curl -fs "$BASE$path" -H "Authorization: Bearer $ADMIN" | json '["certificates"].__len__()')
  echo "== GET $path: ${COUNT[$case]} certificates"
  for connections in 1 4; do
    API[$case$connections]=$(api_run "$path" "$connections")
    PGB[$case$connections]=$(pgbench_run "$since" "$connections")
    echo "   $connections connection(s): API ${API[$case$connections]} | pgbench ${PGB[$case$connections]} (rate p50 p99)"
  done
done
PLAN=$(psql -c "EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) $(sed -e "s/:suspect/'$SUSPECT'/g" -e "s/:since/'$ONE_YEAR_AGO'/g" "$HERE/impact.sql" | grep -v '^--')" \
  | grep -E "Execution Time|Scan|Join|Sort" | sed -E 's/ +/ /g' | tr '\n' ';')

echo
echo "== Results ($(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg); $LIMS)"
printf '%-9s %6s %6s %10s %8s %8s %10s %8s %8s %8s\n' case certs conns "API req/s" "p50 ms" "p99 ms" "pgb tx/s" "p50 ms" "p99 ms" "API/pgb"
for case in year derived; do
  for connections in 1 4; do
    read -r rate p50 p99 <<<"${API[$case$connections]}"; read -r prate pp50 pp99 <<<"${PGB[$case$connections]}"
    printf '%-9s %6s %6s %10.1f %8.2f %8.2f %10.1f %8.2f %8.2f %8s\n' "$case" "${COUNT[$case]}" "$connections" "$rate" "$p50" "$p99" "$prate" "$pp50" "$pp99" "$(ratio "$rate" "$prate")"
  done
done
echo "plan (last year): $PLAN"
echo "total time: ${SECONDS}s"
