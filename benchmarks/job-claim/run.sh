#!/usr/bin/env bash
# Job-claim benchmark: claims per second at queue depths of 10 000 and 1 000 000 jobs,
#   (a) through the HTTP API (`lims serve`, wrk POSTing /v1/jobs/claim as a technician), and
#   (b) the bare claim statement (claim.sql) run by pgbench against the same cluster,
# with the API/pgbench ratio at each depth and the 1M/10k cost ratio (cost = 1 / rate).
#
# Everything runs on a throwaway cluster of its own, over a Unix socket and loopback HTTP, and is stopped on exit.
# No measurement may drain the queue: the API run lasts API_SECONDS (default 3 s, a few thousand claims at most),
# the pgbench run makes a fixed CLAIMS (default 3000, 30 % of the small queue; pgbench's -T takes whole seconds,
# which at several thousand claims/s would empty a 10 000-job queue). Between measurements every claimed job goes
# back to queued and the table is vacuumed, so each run starts from the same state. RUNS repetitions, median shown.
#
# Usage: benchmarks/job-claim/run.sh        (env: API_SECONDS, CLAIMS, RUNS, CLIENTS, DEPTHS, LIMS_BINARY)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"

API_SECONDS=${API_SECONDS:-3}
CLAIMS=${CLAIMS:-3000}
RUNS=${RUNS:-5}
CLIENTS=${CLIENTS:-2}
DEPTHS=${DEPTHS:-"10000 1000000"}
BATCH=100000
SERVICE=BENCH-PRESSURE
LIMS=${LIMS_BINARY:-$ROOT/.build/release/lims}   # LIMS_BINARY: a release binary built elsewhere (e.g. with --scratch-path)

# The whole run is bounded: a watchdog stops it after ten minutes (the EXIT trap still cleans up).
SECONDS=0
( sleep 600 && echo "benchmark: time limit reached, stopping" >&2 && kill -TERM $$ ) 2>/dev/null &
WATCHDOG=$!

if [ ! -x "$LIMS" ]; then
  echo "Building the release binary (swift build -c release --product lims)…"
  swift build -c release --product lims
fi
if ! command -v wrk >/dev/null; then
  echo "Installing wrk…"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get install -y -qq wrk >/dev/null
fi
scripts/install-postgres.sh
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
PSQL_BIN=${PGBIN:+$PGBIN/}psql
PGBENCH_BIN=${PGBIN:+$PGBIN/}pgbench

DIR=$(mktemp -d /tmp/calibra-bench-XXXXXX)
chmod 755 "$DIR"   # the unprivileged cluster owner (calibra-pg) must reach it when we run as root
DB_PORT=$((56000 + RANDOM % 4000))
HTTP_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
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
export DATABASE_URL=$URL LOG_LEVEL=error LIMS_BCRYPT_COST=4

psql() { "$PSQL_BIN" "$URL" -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }

"$LIMS" migrate >/dev/null
echo "benchmark-password" | "$LIMS" user create --email bench@lab.test --name "Bench Technician" --roles technician --password-stdin >/dev/null
TECH_ID=$(psql -c "SELECT id FROM staff_users WHERE email = 'bench@lab.test'")
psql -c "INSERT INTO staff_authorizations (user_id, service_code, activity, valid_until)
         VALUES ('$TECH_ID', '$SERVICE', 'perform', current_date + 365)"

echo "== API on 127.0.0.1:$HTTP_PORT"
"$LIMS" serve --host 127.0.0.1 --port "$HTTP_PORT" >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$HTTP_PORT/health" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$SERVER_LOG"; exit 1; }
  sleep 0.2
done
TOKEN=$(curl -fs -X POST "http://127.0.0.1:$HTTP_PORT/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"email": "bench@lab.test", "password": "benchmark-password"}' | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')

# Tops the queue up to $1 queued jobs, in batches, showing progress.
load_to() {
  local target=$1 have batch
  have=$(psql -c "SELECT count(*) FROM jobs")
  while [ "$have" -lt "$target" ]; do
    batch=$(( target - have < BATCH ? target - have : BATCH ))
    psql -v batch="$batch" -v offset="$have" -f "$HERE/load.sql" >/dev/null
    have=$((have + batch))
    printf '\r   loaded %d/%d' "$have" "$target"
  done
  printf '\n'
}

# Puts every claimed job back in the queue and vacuums, so each measurement starts from the same state.
reset_queue() {
  psql -c "UPDATE jobs SET state = 'queued', holder_id = NULL, claimed_at = NULL WHERE state <> 'queued'" >/dev/null
  psql -c "VACUUM (ANALYZE) jobs" >/dev/null
}

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

api_run() {
  local out
  out=$(wrk -t "$CLIENTS" -c "$CLIENTS" -d "${1:-$API_SECONDS}s" --timeout 10s -s "$HERE/claim.lua" \
    "http://127.0.0.1:$HTTP_PORT/v1/jobs/claim" -- "$TOKEN")
  grep -q "204=0 other=0" <<<"$out" || { echo "unexpected responses: $(grep STATUS <<<"$out")" >&2; exit 1; }
  awk '/^CLAIMS_PER_SECOND/ { print $2 }' <<<"$out"
}

pgbench_run() {
  "$PGBENCH_BIN" -n -f "$HERE/claim.sql" -c "$CLIENTS" -j "$CLIENTS" -t $((CLAIMS / CLIENTS)) -D holder="'$TECH_ID'" \
    -h "$SOCKET_DIR" -p "$DB_PORT" -U calibra calibra 2>/dev/null | awk '/^tps/ { print $3 }'
}

# Buffers one claim touches right after a vacuum (rolled back, so the queue is unchanged).
claim_buffers() {
  sed "s/:holder/'$TECH_ID'/" "$HERE/claim.sql" | sed 's/^WITH claimed/EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) WITH claimed/' >"$DIR/explain.sql"
  { echo "BEGIN;"; cat "$DIR/explain.sql"; echo "ROLLBACK;"; } | psql \
    | awk '/Buffers/ && !buffers { buffers = $0 }
           /Index Scan using / { name = $0; sub(/.*Index Scan using /, "", name); sub(/ on .*/, "", name); indexes = indexes " " name }
           END { sub(/^ */, "", buffers); print buffers ", indexes:" indexes }'
}

declare -A API PGB BUF
for depth in $DEPTHS; do
  echo "== Depth $depth"
  load_to "$depth"
  reset_queue
  BUF[$depth]=$(claim_buffers)
  # Warm the server's connection pool and code paths, then measure.
  api_run 2 >/dev/null
  api=(); pgb=()
  for run in $(seq 1 "$RUNS"); do
    reset_queue
    api+=("$(api_run)")
    api_claims=$(psql -c "SELECT count(*) FROM jobs WHERE state = 'claimed'")
    reset_queue
    pgb+=("$(pgbench_run)")
    printf '   run %d: API %7.1f claims/s (%d claims in %d s), pgbench %7.1f claims/s (%d claims)\n' \
      "$run" "${api[-1]}" "$api_claims" "$API_SECONDS" "${pgb[-1]}" "$CLAIMS"
  done
  API[$depth]=$(printf '%s\n' "${api[@]}" | median)
  PGB[$depth]=$(printf '%s\n' "${pgb[@]}" | median)
  queued=$(psql -c "SELECT count(*) FROM jobs WHERE state = 'queued'")
  echo "   queued after the runs: $queued; one claim after VACUUM: ${BUF[$depth]}"
done

echo
echo "== Results ($CLIENTS clients; API ${API_SECONDS} s, pgbench $CLAIMS claims per run; median of $RUNS; $(nproc) CPUs)"
printf '%-10s %14s %18s %14s\n' depth "API claims/s" "pgbench claims/s" "API/pgbench"
for depth in $DEPTHS; do
  printf '%-10s %14.0f %18.0f %14.2f\n' "$depth" "${API[$depth]}" "${PGB[$depth]}" "$(awk -v a="${API[$depth]}" -v p="${PGB[$depth]}" 'BEGIN { print a / p }')"
done
set -- $DEPTHS
if [ $# -ge 2 ]; then
  small=$1; large=${!#}
  printf 'cost per claim %s/%s: API %.2f, pgbench %.2f (1.00 = flat)\n' "$large" "$small" \
    "$(awk -v s="${API[$small]}" -v l="${API[$large]}" 'BEGIN { print s / l }')" \
    "$(awk -v s="${PGB[$small]}" -v l="${PGB[$large]}" 'BEGIN { print s / l }')"
fi
echo "total time: ${SECONDS}s"
