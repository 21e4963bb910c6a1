#!/usr/bin/env bash
# First command of the README: build a release binary, make and start the embedded PostgreSQL cluster
# (unless DATABASE_URL points elsewhere), migrate, create the demo lab on first run, serve on 127.0.0.1:8080.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-postgres.sh
echo "Building the release binary (the first build takes several minutes)…"
swift build -c release --product lims
LIMS=.build/release/lims
if [ -z "${DATABASE_URL:-}" ]; then "$LIMS" db start; fi
"$LIMS" migrate
if [ -z "${LIMS_SIGNING_KEY:-}" ] && { [ ! -f .lims/keys/signing-key.pem ] || [ ! -f .lims/keys/webhook-key.pem ]; }; then "$LIMS" keys init; fi
"$LIMS" seed-demo
echo
echo "Staff console: http://${HOST:-127.0.0.1}:${PORT:-8080}/console — sign in with a demo staff email (admin@calibra.test,"
echo "reception@, tech@, review@, sign@, billing@calibra.test) and the password seed-demo printed when it created the lab."
exec "$LIMS" serve --host "${HOST:-127.0.0.1}" --port "${PORT:-8080}"
