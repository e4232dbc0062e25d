#!/usr/bin/env bash
# Runs a demo. `./scripts/demo.sh` runs the main one, the worker-exhaustion demo (a raw pool stalls on
# hanging tasks, the same pool wrapped by the guard keeps working); `./scripts/demo.sh core` the core walkthrough.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_java_and_maven
case "${1:-workers}" in
  workers) main=dev.resourceguard.examples.WorkerExhaustionDemo ;;
  core) main=dev.resourceguard.examples.CoreDemo ;;
  *) echo "unknown demo '$1' (expected: workers or core)" >&2; exit 2 ;;
esac

mvn -B -ntp -q -DskipTests -Dspotless.check.skip=true -Denforcer.skip=true install -pl examples -am
mvn -B -ntp -q -pl examples exec:java -Ddemo.main="$main"
