#!/usr/bin/env bash
# Installs the PostgreSQL server programs from Debian's packages where they are missing.
set -euo pipefail
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; then
  exit 0
fi
echo "PostgreSQL server programs are missing: installing them from the distribution's packages…"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq postgresql postgresql-contrib >/dev/null
# Debian's package starts a system cluster of its own; Calibra makes its own, so leave that one alone.
