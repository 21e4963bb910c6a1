#!/usr/bin/env bash
# The browser tests: a Calibra server on the throwaway test cluster (LIMS_TEST_CLUSTER_DIR/PORT, made by
# scripts/test.sh) with the demo lab, driven through its pages by Playwright in Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-browser-tools.sh
LIMS=${LIMS_TEST_LIMS_BINARY:-.build/debug/lims}
: "${LIMS_TEST_CLUSTER_DIR:?run through scripts/test.sh}" "${LIMS_TEST_CLUSTER_PORT:?run through scripts/test.sh}"
WORK="$LIMS_TEST_CLUSTER_DIR/browser"
rm -rf "$WORK" && mkdir -p "$WORK/keys" && chmod 700 "$WORK/keys"
SCREENSHOTS=${CALIBRA_SCREENSHOTS:-$PWD/.build/browser-screenshots}
rm -rf "$SCREENSHOTS" && mkdir -p "$SCREENSHOTS"
# A database of its own for each run (owned by calibra_owner, served as calibra_app), so runs can be repeated.
url() { "$LIMS" db url --dir "$LIMS_TEST_CLUSTER_DIR" --port "$LIMS_TEST_CLUSTER_PORT" --role "$1"; }
DB="calibra_browser_$(date +%s)_$RANDOM"
psql -q -v ON_ERROR_STOP=1 "$(url superuser)" -c "CREATE DATABASE $DB OWNER calibra_owner" >/dev/null
export DATABASE_URL LIMS_MIGRATION_DATABASE_URL
DATABASE_URL=$(url app | sed "s#/calibra?#/$DB?#")
LIMS_MIGRATION_DATABASE_URL=$(url owner | sed "s#/calibra?#/$DB?#")
export LIMS_SIGNING_KEY="$WORK/keys/signing-key.pem" LIMS_BCRYPT_COST=${LIMS_BCRYPT_COST:-6}
"$LIMS" seed-demo > "$WORK/seed.txt" 2>"$WORK/seed.log"
PORT=$((20000 + RANDOM % 10000))
LOG_LEVEL=${LOG_LEVEL:-debug} "$LIMS" serve --port "$PORT" > "$WORK/server.log" 2>&1 &
SERVER=$!
# Stopping is bounded: the server gives its requests LIMS_SHUTDOWN_TIMEOUT (30 s) and then cancels them; should it still
# run a minute after SIGTERM, its log is shown, it is killed, and the run fails.
stop_server() {
  kill -0 $SERVER 2>/dev/null || return 0
  kill -TERM $SERVER 2>/dev/null || true
  for _ in $(seq 1 600); do kill -0 $SERVER 2>/dev/null || { wait $SERVER 2>/dev/null || true; return 0; }; sleep 0.1; done
  echo "The server was still running 60 s after SIGTERM; the end of its log ($WORK/server.log):" >&2
  tail -60 "$WORK/server.log" >&2
  kill -KILL $SERVER 2>/dev/null || true
  wait $SERVER 2>/dev/null || true
  return 1
}
trap 'stop_server || true' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
  kill -0 $SERVER 2>/dev/null || { cat "$WORK/server.log"; exit 1; }
  sleep 0.2
done
echo "Browser tests against http://127.0.0.1:$PORT (screenshots in $SCREENSHOTS)"
CALIBRA_URL="http://127.0.0.1:$PORT" CALIBRA_SEED="$WORK/seed.txt" CALIBRA_SCREENSHOTS="$SCREENSHOTS" CHROMIUM="$(command -v chromium)" \
  python3 -m pytest -q -p no:cacheprovider Tests/browser "$@" || { echo "Server log: $WORK/server.log"; tail -40 "$WORK/server.log"; exit 1; }
echo "Screenshots of the pages: $SCREENSHOTS"
STOPPING=$SECONDS
stop_server || exit 1
echo "The server stopped $((SECONDS - STOPPING)) s after SIGTERM."
