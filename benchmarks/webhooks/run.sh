#!/usr/bin/env bash
# Webhook benchmark (not a test): 10 000 customer events to 10 endpoints on loopback → deliveries per second; the cost of
# the enqueue trigger on the event write (10 000 event inserts with and without 10 endpoints); and order intake
# (`POST /v1/orders`, wrk, 8 connections) with no endpoint, and with 10 endpoints while those deliveries run.
# Everything runs on a throwaway cluster and loopback, bounded in time, and is stopped on exit.
#
# Usage: benchmarks/webhooks/run.sh  (env: EVENTS, ENDPOINTS, SECONDS_PER_RUN, LIMS_BINARY)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"
EVENTS=${EVENTS:-10000}
ENDPOINTS=${ENDPOINTS:-10}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-10}
LIMS=${LIMS_BINARY:-$ROOT/.build/release/lims}
export LOG_LEVEL=${LOG_LEVEL:-warning}

( sleep 900 && echo "benchmark: time limit reached, stopping" >&2 && kill -TERM $$ ) 2>/dev/null &
WATCHDOG=$!
[ -x "$LIMS" ] || swift build -c release --product lims
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
scripts/install-postgres.sh >/dev/null
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
PSQL=${PGBIN:+$PGBIN/}psql

DIR=$(mktemp -d /tmp/calibra-hooks-bench-XXXXXX); chmod 755 "$DIR"
mkdir -p "$DIR/keys" && chmod 700 "$DIR/keys"
DB_PORT=$((56000 + RANDOM % 4000))
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
HTTP_PORT=$(free_port)
BASE=http://127.0.0.1:$HTTP_PORT
SERVER_PID=""; RECEIVER_PID=""
cleanup() {
  trap - EXIT INT TERM
  [ -n "$SERVER_PID" ] && kill -TERM "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  [ -n "$RECEIVER_PID" ] && kill "$RECEIVER_PID" 2>/dev/null || true
  "$LIMS" db stop --dir "$DIR" --port "$DB_PORT" >/dev/null 2>&1 || true
  kill "$WATCHDOG" 2>/dev/null || true
  rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$LIMS" db start --dir "$DIR" --port "$DB_PORT" --throwaway >/dev/null
export DATABASE_URL=$("$LIMS" db url --dir "$DIR" --port "$DB_PORT")
SUPER_URL=$("$LIMS" db url --dir "$DIR" --port "$DB_PORT" --role superuser)
export LIMS_SIGNING_KEY=$DIR/keys/signing-key.pem LIMS_BCRYPT_COST=4 LIMS_WEBHOOK_ALLOW_PRIVATE_NETWORKS=1
"$LIMS" migrate >/dev/null
"$LIMS" keys init >/dev/null
"$LIMS" seed-demo > "$DIR/seed.txt"
KEY=$(sed -nE 's/^\s+Acme Instruments Co., Ltd.: (ck_\S+)$/\1/p' "$DIR/seed.txt")
CUSTOMER=$("$PSQL" "$SUPER_URL" -Atc "SELECT id FROM customers WHERE code = 'ACME'")
"$LIMS" serve --port "$HTTP_PORT" > "$DIR/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 100); do curl -sf "$BASE/health" >/dev/null && break; sleep 0.2; done

sql() { "$PSQL" "$SUPER_URL" -Atqc "$1"; }
insert_events() {  # $1 count; prints seconds
  local start end
  start=$(date +%s.%N)
  # One statement block: every insert fires the enqueue trigger (with endpoints, one probe and one outbox insert each).
  sql "DO \$\$ BEGIN FOR i IN 1..$1 LOOP INSERT INTO customer_events (customer_id, type, subject_id, data)
       VALUES ('$CUSTOMER', 'certificate.issued', gen_random_uuid(), jsonb_build_object('index', i)); END LOOP; END \$\$"
  end=$(date +%s.%N)
  python3 -c "print(f'{$end - $start:.3f}')"
}
intake() {  # prints orders/s
  wrk -t 2 -c 8 -d "${SECONDS_PER_RUN}s" --timeout 10s -s "$ROOT/benchmarks/order-intake/submit.lua" "$BASE/v1/orders" -- "$KEY" TW-CAL BAL-CAL \
    | awk '/Requests\/sec/ {print $2}'
}

echo "== Event writes and order intake without endpoints"
NO_HOOK_WRITE=$(insert_events "$EVENTS")
NO_HOOK_INTAKE=$(intake)

PORTS=""; for _ in $(seq "$ENDPOINTS"); do PORTS="$PORTS${PORTS:+,}$(free_port)"; done
COUNT_FILE=$DIR/count python3 "$HERE/receiver.py" "$PORTS" &
RECEIVER_PID=$!
sleep 0.5
for port in ${PORTS//,/ }; do
  curl -sf -X POST "$BASE/v1/webhooks" -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
    -d "{\"url\": \"http://127.0.0.1:$port/hook\", \"eventTypes\": [\"certificate.issued\"]}" >/dev/null
done

echo "== $EVENTS events to $ENDPOINTS endpoints"
WANT=$((EVENTS * ENDPOINTS))
START=$(date +%s.%N)
HOOK_WRITE=$(insert_events "$EVENTS")
# Order intake while the deliveries run.
HOOK_INTAKE=$(intake)
while [ "$(cat "$DIR/count" 2>/dev/null || echo 0)" -lt "$WANT" ]; do
  sleep 0.2
  [ "$(python3 -c "print(int($(date +%s.%N) - $START))")" -gt 600 ] && { echo "deliveries did not finish in 600 s"; break; }
done
END=$(date +%s.%N)
GOT=$(cat "$DIR/count")
python3 - <<PY
got, want, secs = $GOT, $WANT, $END - $START
print(f"deliveries: {got}/{want} in {secs:.1f} s = {got / secs:.0f} deliveries/s (all {$ENDPOINTS} endpoints on one customer, one instance)")
print(f"event writes ({$EVENTS} inserts): {$NO_HOOK_WRITE} s without endpoints, {$HOOK_WRITE} s with {$ENDPOINTS} (enqueue trigger)")
print(f"order intake (8 connections, {$SECONDS_PER_RUN} s): {float('$NO_HOOK_INTAKE'):.0f} orders/s without endpoints, "
      f"{float('$HOOK_INTAKE'):.0f} orders/s with {$ENDPOINTS} endpoints while the deliveries run")
PY
