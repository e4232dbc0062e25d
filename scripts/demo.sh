#!/usr/bin/env bash
# Runs the demo. `./scripts/demo.sh` runs the main demo; `./scripts/demo.sh core` the core walkthrough.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_java_and_maven
case "${1:-core}" in
  core) main=dev.resourceguard.examples.CoreDemo ;;
  *) echo "unknown demo '$1' (expected: core)" >&2; exit 2 ;;
esac

mvn -B -ntp -q -DskipTests -Dspotless.check.skip=true -Denforcer.skip=true install -pl examples -am
mvn -B -ntp -q -pl examples exec:java -Ddemo.main="$main"
