#!/usr/bin/env bash
# The cost of scaling out on one machine: a plain run, N shards + merge, and the PySpark
# job of examples/spark/ in local[N], on the same generated corpus.
#
# Usage: benches/spark.sh [RUNS]          (default: 3 runs, medians reported)
#   CALLS=20000     calls in the corpus (`callscore gen --calls`, every input format)
#   CORES=2         processes / threads / local[CORES] for each way of running
#   BIN=path        measure this binary instead of building target/release/callscore
#
# Writes a Markdown table and the raw timings to benches/runs/<date>-spark/.
# Needs: cargo, python3 with pyspark, java. Wall-clock numbers: a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${1:-3}
CALLS=${CALLS:-20000}
CORES=${CORES:-2}
WORK=$(mktemp -d /tmp/callscore-spark.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
RECORD="benches/runs/$(date +%Y-%m-%d)-spark"
n=2; while [ -e "$RECORD" ]; do RECORD="benches/runs/$(date +%Y-%m-%d)-spark-$n"; n=$((n + 1)); done
mkdir -p "$RECORD"
if [ -z "${BIN:-}" ]; then
  cargo build --release --locked
  BIN=target/release/callscore
fi
BIN=$(realpath "$BIN")
RULES=$(realpath rules)
JOB=$(realpath examples/spark/callscore_job.py)
export SPARK_LOCAL_IP=127.0.0.1

cd "$WORK"
"$BIN" gen --calls "$CALLS" --out corpus --seed 7 >/dev/null 2>&1
MB=$(du -sm --apparent-size corpus | cut -f1)
FILES=$(find corpus -type f | wc -l)
mkdir -p tiny && cp "$(find corpus -name '*.json' | head -1)" tiny/

RAW="$OLDPWD/$RECORD/raw.txt"
: > "$RAW"
# time_it NAME COMMAND...: wall seconds of one run, appended to raw.txt.
time_it() {
  local name=$1; shift
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null 2>>"$WORK/log.txt" || { local c=$?; [ $c = 3 ] || { echo "$name failed ($c); see $WORK/log.txt" >&2; tail -20 "$WORK/log.txt" >&2; exit 1; }; }
  t1=$(date +%s.%N)
  python3 -c "print(f'$name {$t1 - $t0:.2f}')" | tee -a "$RAW"
}

plain() { "$BIN" run corpus --rules "$RULES" --out plain --quiet --threads "$CORES"; }
shards() {
  local pids=() k
  for k in $(seq 1 "$CORES"); do
    "$BIN" run corpus --rules "$RULES" --out "shard-$k" --quiet --threads 1 --shard "$k/$CORES" --run-id S &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || [ $? = 3 ]; done
  "$BIN" merge shard-* --out merged
}
spark() {
  rm -rf spark
  python3 "$JOB" "$1" --out spark --callscore "$BIN" --rules "$RULES" \
    --master "local[$CORES]" --partitions "$((CORES * 4))"
}

for i in $(seq 1 "$RUNS"); do
  time_it plain plain
  time_it shards shards
  time_it spark spark corpus
  time_it spark-one-file spark tiny
done
cmp plain/aggregates.json merged/aggregates.json
cmp plain/aggregates.json spark/run/aggregates.json 2>/dev/null ||
  echo "note: spark/run/aggregates.json differs from the plain run's (side metadata is not passed here)" | tee -a "$RAW"

cd "$OLDPWD"
python3 - "$RAW" "$RECORD/README.md" "$CALLS" "$MB" "$FILES" "$CORES" "$RUNS" <<'EOF'
import statistics, sys, subprocess, platform, os
raw, out, calls, mb, files, cores, runs = sys.argv[1:]
t = {}
for line in open(raw):
    parts = line.split()
    if len(parts) == 2:
        t.setdefault(parts[0], []).append(float(parts[1]))
med = {k: statistics.median(v) for k, v in t.items()}
calls = int(calls)
rows = [
    ("plain run, --threads %s" % cores, "plain"),
    ("%s shards (--threads 1 each) + merge" % cores, "shards"),
    ("Spark job, local[%s], %d partitions" % (cores, int(cores) * 4), "spark"),
    ("Spark job on one file (fixed cost)", "spark-one-file"),
]
load = open("/proc/loadavg").read().split()[:3]
lines = [
    f"# callscore scaled out on one machine, {__import__('datetime').date.today()}",
    "",
    f"Command: `CALLS={calls} CORES={cores} benches/spark.sh {runs}`; corpus: `callscore gen --calls {calls}`"
    f" ({files} files, {mb} MB, every input format). Medians of {runs} runs, wall seconds.",
    f"Machine: {os.cpu_count()} cores, load {' '.join(load)}, Python {platform.python_version()}.",
    "",
    "| how | wall s | calls/s | vs plain |",
    "|---|---|---|---|",
]
for label, k in rows:
    if k in med:
        cps = "" if k == "spark-one-file" else f"{calls / med[k]:.0f}"
        lines.append(f"| {label} | {med[k]:.2f} | {cps} | {med[k] / med['plain']:.2f}× |")
lines += ["", "Raw timings: `raw.txt` (one line per run: name, seconds)."]
open(out, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
EOF
