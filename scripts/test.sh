#!/usr/bin/env bash
# Second command of the README: run the whole test suite against a throwaway PostgreSQL cluster of its own.
set -euo pipefail
cd "$(dirname "$0")/.."
# Each step says when it starts, so a slow or stuck step shows in CI's log.
START=$SECONDS
step() { echo "== $(date -u +%H:%M:%S) (+$((SECONDS - START)) s) $*"; }
step "PostgreSQL and xmllint (installed where missing)"
scripts/install-postgres.sh
# The DCC tests validate exported certificates with xmllint (Debian: libxml2-utils) against Resources/dcc/dcc.xsd.
if ! command -v xmllint >/dev/null 2>&1; then
  echo "Installing libxml2-utils (xmllint) …"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q libxml2-utils >/dev/null \
    || { $SUDO apt-get update -q >/dev/null && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q libxml2-utils >/dev/null; }
fi
step "Building (swift build --build-tests)"
swift build --build-tests

CLUSTER_DIR=$(mktemp -d /tmp/calibra-test-XXXXXX)
chmod 755 "$CLUSTER_DIR"   # the unprivileged cluster owner must reach it when we run as root
PORT=${LIMS_TEST_DB_PORT:-$((55000 + RANDOM % 5000))}
LIMS=.build/debug/lims
cleanup() {
  local status=$?
  # A `lims` of this checkout still running now (a test's server a crash left behind) would hold the cluster, and
  # perhaps our output, open: name it and end it.
  local left
  left=$(pgrep -f "^$PWD/$LIMS |^$LIMS " || true)
  if [ -n "$left" ]; then
    echo "Ending lims processes left running:" >&2
    ps -o pid,etime,args -p "$(echo $left | tr ' ' ,)" >&2 || true
    kill -KILL $left 2>/dev/null || true
  fi
  timeout 120 "$LIMS" db stop --dir "$CLUSTER_DIR" --port "$PORT" >/dev/null 2>&1 || echo "The test cluster did not stop cleanly." >&2
  rm -rf "$CLUSTER_DIR"
  step "Done (status $status)"
}
trap cleanup EXIT
step "Starting a throwaway PostgreSQL cluster in $CLUSTER_DIR"
"$LIMS" db start --dir "$CLUSTER_DIR" --port "$PORT" --throwaway
export LIMS_TEST_DATABASE_URL
LIMS_TEST_DATABASE_URL=$("$LIMS" db url --dir "$CLUSTER_DIR" --port "$PORT" --role superuser)
export LIMS_TEST_CLUSTER_DIR="$CLUSTER_DIR" LIMS_TEST_CLUSTER_PORT="$PORT" LIMS_TEST_LIMS_BINARY="$PWD/$LIMS"
step "Swift tests"
swift test --skip-build "$@"
# Then the web pages in a real browser, against a server on the same throwaway cluster.
step "Browser tests"
scripts/browser-tests.sh
