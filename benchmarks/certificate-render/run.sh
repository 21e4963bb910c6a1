#!/usr/bin/env bash
# Certificate rendering throughput on one core (HTML and text), with the release build.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product lims
.build/release/lims benchmark render --documents "${DOCUMENTS:-5000}"
