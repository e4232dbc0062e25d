#!/usr/bin/env bash
# Builds target/benchmarks.jar and runs the measurements, sized for a 2-core machine.
#
#   guard-benchmarks/run.sh                 # all
#   guard-benchmarks/run.sh jmh             # only TrackCloseBenchmark (JMH)
#   guard-benchmarks/run.sh retained        # only RetainedSize
#   guard-benchmarks/run.sh deadline        # only DeadlineAccuracy
#   guard-benchmarks/run.sh executors       # ExecutorBenchmark + ExecutorOwnCostBenchmark (JMH)
#   guard-benchmarks/run.sh jdbc            # JdbcBenchmark (JMH)
#   guard-benchmarks/run.sh memory          # SweepSelection, SweepLatency (G1, Parallel, Serial),
#                                           # MemoryMonitorHotPathBenchmark (JMH)
#   JMH_ARGS="-p liveHandles=0,1000" guard-benchmarks/run.sh jmh   # extra JMH options
#   SKIP_BUILD=1 guard-benchmarks/run.sh    # reuse the jar
#   WAIT_FOR_IDLE=1 guard-benchmarks/run.sh # first wait (up to 30 min) until the CPUs are idle
#
# Results go to stdout and guard-benchmarks/target/results/. Run nothing else heavy meanwhile: after
# each part the script prints how much CPU other processes used while it ran.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
jar="$here/target/benchmarks.jar"
out="$here/target/results"
what="${1:-all}"

if [[ -z "${SKIP_BUILD:-}" ]]; then
  (cd "$root" && mvn -q -B package -pl guard-benchmarks -am -DskipTests)
fi
mkdir -p "$out"

# CPU accounting from /proc/stat and this shell's reaped children, in clock ticks (Linux only).
stat_total() { read -r _ u n s i w q sq st _ < /proc/stat; echo "$((u + n + s + q + sq + st)) $((i + w))"; }
own_ticks() { read -r -a f < "/proc/$$/stat"; echo $(( f[15] + f[16] )); }

# Percentage of the machine's CPU time that was busy over 3 s.
cpu_busy() {
  local b1 i1 b2 i2
  read -r b1 i1 <<< "$(stat_total)"; sleep 3; read -r b2 i2 <<< "$(stat_total)"
  echo $(( 100 * (b2 - b1) / (b2 - b1 + i2 - i1 + 1) ))
}

# Runs "$@" and then prints the share of the machine's CPU that other processes used meanwhile.
measured() {
  local b1 i1 o1 b2 i2 o2
  read -r b1 i1 <<< "$(stat_total)"; o1=$(own_ticks)
  "$@"
  read -r b2 i2 <<< "$(stat_total)"; o2=$(own_ticks)
  local total=$(( b2 - b1 + i2 - i1 + 1 )) others=$(( b2 - b1 - (o2 - o1) ))
  echo "== CPU used by other processes during this part: $(( 100 * (others > 0 ? others : 0) / total ))% of the machine"
}

if [[ -n "${WAIT_FOR_IDLE:-}" ]]; then
  for _ in $(seq 1 600); do
    (( $(cpu_busy) < 10 )) && (( $(cpu_busy) < 10 )) && break
  done
fi
echo "== $(nproc) cores; $(java -version 2>&1 | head -1); CPU busy before start: $(cpu_busy)%"

if [[ "$what" == all || "$what" == jmh ]]; then
  echo "== TrackCloseBenchmark (JMH)"
  # shellcheck disable=SC2086
  measured java -jar "$jar" TrackCloseBenchmark -f 1 -wi 3 -w 2s -i 5 -r 2s -prof gc \
    -rf json -rff "$out/track-close.json" -o "$out/track-close.txt" ${JMH_ARGS:-}
  sed -n '/^Benchmark /,$p' "$out/track-close.txt" | grep -v -e ':gc.alloc.rate ' -e ':gc.count' -e ':gc.time' || true
fi

if [[ "$what" == all || "$what" == retained ]]; then
  echo "== RetainedSize"
  measured java -Xms2g -Xmx2g -cp "$jar" dev.resourceguard.benchmarks.RetainedSize 1000000 --histo \
    > "$out/retained-size.txt"
  cat "$out/retained-size.txt"
fi

if [[ "$what" == all || "$what" == deadline ]]; then
  echo "== DeadlineAccuracy"
  measured java -Xms1g -Xmx1g -cp "$jar" dev.resourceguard.benchmarks.DeadlineAccuracy 3 \
    > "$out/deadline-accuracy.txt"
  cat "$out/deadline-accuracy.txt"
fi

if [[ "$what" == all || "$what" == executors ]]; then
  echo "== ExecutorBenchmark, ExecutorOwnCostBenchmark (JMH)"
  # shellcheck disable=SC2086
  measured java -jar "$jar" 'Executor(OwnCost)?Benchmark' -f 1 -wi 3 -w 2s -i 5 -r 2s -prof gc \
    -rf json -rff "$out/executors.json" -o "$out/executors.txt" ${JMH_ARGS:-}
  sed -n '/^Benchmark /,$p' "$out/executors.txt" | grep -v -e ':gc.alloc.rate ' -e ':gc.count' -e ':gc.time' || true
fi

if [[ "$what" == all || "$what" == jdbc ]]; then
  echo "== JdbcBenchmark (JMH)"
  # shellcheck disable=SC2086
  measured java -jar "$jar" JdbcBenchmark -f 1 -wi 3 -w 2s -i 5 -r 2s -prof gc \
    -rf json -rff "$out/jdbc.json" -o "$out/jdbc.txt" ${JMH_ARGS:-}
  sed -n '/^Benchmark /,$p' "$out/jdbc.txt" | grep -v -e ':gc.alloc.rate ' -e ':gc.count' -e ':gc.time' || true
fi

if [[ "$what" == all || "$what" == memory ]]; then
  echo "== SweepSelection"
  measured java -Xms1g -Xmx1g -XX:+AlwaysPreTouch -Xlog:gc:file="$out/sweep-selection-gc.log" \
    -cp "$jar" dev.resourceguard.benchmarks.SweepSelection 200 100000 > "$out/sweep-selection.txt"
  cat "$out/sweep-selection.txt"

  # G1 without and with 100,000 other handles open (the sweep then chooses among them); Parallel, Serial with.
  for run in G1:0 G1:100000 Parallel:100000 Serial:100000; do
    gc="${run%%:*}" handles="${run##*:}"
    echo "== SweepLatency -XX:+Use${gc}GC, $handles other handles"
    measured java -Xms256m -Xmx256m -XX:+AlwaysPreTouch "-XX:+Use${gc}GC" \
      -Xlog:gc:file="$out/sweep-latency-$gc-$handles-gc.log" \
      -cp "$jar" dev.resourceguard.benchmarks.SweepLatency 30 "$handles" > "$out/sweep-latency-$gc-$handles.txt"
    cat "$out/sweep-latency-$gc-$handles.txt"
  done

  echo "== MemoryMonitorHotPathBenchmark (JMH)"
  # shellcheck disable=SC2086
  measured java -jar "$jar" MemoryMonitorHotPathBenchmark -f 1 -wi 3 -w 2s -i 5 -r 2s -prof gc \
    -rf json -rff "$out/memory-monitor-hot-path.json" -o "$out/memory-monitor-hot-path.txt" ${JMH_ARGS:-}
  sed -n '/^Benchmark /,$p' "$out/memory-monitor-hot-path.txt" | grep -v -e ':gc.alloc.rate ' -e ':gc.count' -e ':gc.time' || true
fi
