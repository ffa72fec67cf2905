#!/usr/bin/env bash
# Loading speed of `callscore load` into PostgreSQL: calls/s and rows/s for CALLS
# generated calls with their item rows: 20 items per call (the generator's 11 core items
# and 9 load-only ones from `--phrases 500 --regexes 1`, which fail and so carry their
# reasons, as failed items do at the default `--evidence failed`).
#
# Usage: benches/load.sh [CALLS] [RUNS]   (defaults: 100000 3)
# Environment: CALLSCORE_BIN (a callscore binary to measure instead of building this
# checkout's, e.g. an older release for a before/after), RECORD (the folder to record
# in), WORK (a work folder; an existing WORK/out run folder is loaded as it is).
#
# Starts its own throwaway PostgreSQL (initdb in a temporary folder, default settings:
# fsync and synchronous_commit on, as a production server has them), on a free port,
# as the `postgres` user when run as root. Then:
#   gen   `callscore gen --calls CALLS`, scored once with `callscore run --out OUT`
#   fresh `callscore load OUT --into … --schema bench_N`: a new schema each time (the
#         nightly case: rows that are not there yet)
#   again `callscore load OUT --into … --schema bench_1 --reload`: every call replaced
#         (a re-load of the same run: deletes then COPY)
# Wall time per load (date before and after the process, connection and commit
# included); calls/s and rows/s from it. Prints a Markdown table of medians and writes
# it with the raw timings to benches/runs/<date>-load/.
set -euo pipefail
cd "$(dirname "$0")/.."

CALLS=${1:-100000}
RUNS=${2:-3}
WORK=${WORK:-$(mktemp -d /tmp/callscore-load-bench.XXXXXX)}
if [ -z "${RECORD:-}" ]; then
  RECORD="benches/runs/$(date +%Y-%m-%d)-load"
  n=2; while [ -e "$RECORD" ]; do RECORD="benches/runs/$(date +%Y-%m-%d)-load-$n"; n=$((n + 1)); done
fi
mkdir -p "$RECORD"
if [ -n "${CALLSCORE_BIN:-}" ]; then
  BIN=$(realpath "$CALLSCORE_BIN")
else
  cargo build --release --locked
  BIN=$PWD/target/release/callscore
fi
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

PGBIN=${CALLSCORE_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[ -x "$PGBIN/initdb" ] || { echo "PostgreSQL not found (apt-get install postgresql)" >&2; exit 1; }
PG=$WORK/pg
mkdir -p "$PG"
AS=()
if [ "$(id -u)" = 0 ]; then
  # mktemp -d makes WORK private to root: the server's user must be able to pass through it.
  chmod o+x "$WORK"
  chown postgres "$PG"
  AS=(runuser -u postgres --)
fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${AS[@]}" "$PGBIN/initdb" -D "$PG/data" -U bench --auth=trust -E UTF8 --locale=C >/dev/null
"${AS[@]}" "$PGBIN/pg_ctl" -D "$PG/data" -l "$PG/log" -w \
  -o "-p $PORT -k $PG -c listen_addresses=127.0.0.1" start >/dev/null
trap '"${AS[@]}" "$PGBIN/pg_ctl" -D "$PG/data" -m fast -w stop >/dev/null 2>&1 || true' EXIT
URL="postgres://bench@127.0.0.1:$PORT/postgres"

if [ ! -d "$WORK/out" ]; then
  "$BIN" gen --calls "$CALLS" --out "$WORK/corpus" --rules-out "$WORK/rules" --seed 7 \
    --phrases 500 --regexes 1 >/dev/null
  "$BIN" run "$WORK/corpus" --rules "$WORK/rules" --out "$WORK/out" --quiet --run-id bench
fi
ITEMS=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['items']))" "$WORK/out/manifest.json")
CALLS_LOADED=$(($(wc -l < "$WORK/out/calls.jsonl") - 1))
JSONL_MB=$(du -m "$WORK/out/calls.jsonl" | cut -f1)

RAW=$RECORD/timings.csv
echo "kind,run,seconds,calls,rows,loadavg1" > "$RAW"
load() { # kind run args...
  local kind=$1 run=$2; shift 2
  local t0 t1 log
  log=$WORK/load-$kind-$run.log
  t0=$(date +%s.%N)
  "$BIN" load "$WORK/out" --into "$URL" "$@" 2> "$log"
  t1=$(date +%s.%N)
  local rows
  rows=$(sed -n 's/.*calls, \([0-9]*\) rows in .*/\1/p' "$log" | tail -1)
  echo "$kind,$run,$(python3 -c "print(round($t1 - $t0, 3))"),$CALLS_LOADED,$rows,$(cut -d' ' -f1 /proc/loadavg)" >> "$RAW"
  tail -1 "$log" >&2
  { echo "## $kind $run"; cat "$log"; } >> "$RECORD/loads.log"
}
for r in $(seq 1 "$RUNS"); do
  load fresh "$r" --schema "bench_$r"
done
for r in $(seq 1 "$RUNS"); do
  load again "$r" --schema bench_1 --reload
done

python3 - "$RAW" "$RECORD/results.md" "$CALLS_LOADED" "$ITEMS" "$JSONL_MB" <<'EOF'
import csv, statistics, sys
raw, md, calls, items, mb = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
rows = list(csv.DictReader(open(raw)))
out = [f"{calls} calls ({items} items per call in the pack; calls.jsonl {mb} MB)", "",
       "| load | runs | median s | calls/s | rows/s | all runs (s) |", "|---|---|---|---|---|---|"]
for kind, label in (("fresh", "into a new schema"), ("again", "again, --reload (every call replaced)")):
    rs = [r for r in rows if r["kind"] == kind]
    secs = [float(r["seconds"]) for r in rs]
    med = statistics.median(secs)
    nrows = int(rs[0]["rows"])
    out.append(f"| {label} | {len(rs)} | {med:.2f} | {calls / med:,.0f} | {nrows / med:,.0f} | "
               + ", ".join(f"{s:.2f}" for s in secs) + " |")
text = "\n".join(out) + "\n"
open(md, "w").write(text)
print(text)
EOF
{
  echo "# Loading speed, $(date +%Y-%m-%d)"
  echo
  echo "Command: \`benches/load.sh $CALLS $RUNS\`; callscore $("$BIN" --version | cut -d' ' -f2),"
  echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') with default settings (fsync on),"
  echo "on $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr); shared with other jobs"
  echo "(load average 1/5/15 min: $LOAD_BEFORE before the loads, $(cut -d' ' -f1-3 /proc/loadavg) after;"
  echo "the 1-minute figure after each load is in timings.csv)."
  echo
  cat "$RECORD/results.md"
  echo
  echo "Raw timings: timings.csv (seconds of wall time per load process: connect, read"
  echo "calls.jsonl, COPY every table, commit); loads.log: each load's own lines (time"
  echo "reading while item rows stream, then time in the database for the rest)."
} > "$RECORD/README.md"
echo "recorded in $RECORD" >&2
