#!/usr/bin/env bash
# Runs every test of ResourceGuard. Works on a fresh Debian machine with JDK 17 and Maven:
# whatever the tests need is installed or started here, idempotently.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_java_and_maven
# Later modules add their needs here (Chromium for guard-browser); PostgreSQL starts inside the tests.

mvn -B -ntp verify "$@"
