#!/usr/bin/env bash
# Incremental runs over a long history: does a night of NEW calls cost about what those
# calls cost alone when the state folder already holds HISTORY scored inputs?
#
# Usage: benches/state.sh [NEW] [HISTORY] [RUNS]   (defaults: 100000 1000000 3)
#
# Both runs score the same NEW transcripts (one call per file, as a night of voice calls
# lands), `--threads 2`, outputs on disk:
#   alone    `run NEW_FOLDER --state EMPTY_STATE`
#   history  `run ROOT --state STATE` where ROOT holds the NEW folder and HISTORY files
#            already scored (same size, time and hash as the state records: unchanged,
#            never read) and STATE lists them in 30 run folders (30 nights).
# The history's files are hard links of one scored transcript (no data; one copy of it
# per 60 000 links, outside ROOT, since a file system caps links per inode), and
# its run folders carry the `inputs.jsonl` a real run writes for them (path, size, time,
# hash, call id): that is all the walk and the lookup read. Scoring a million calls to
# build it would take an hour and 8 GB of records without changing what is measured.
#
# Prints a Markdown table of medians (wall, max RSS, plan_ms from summary.json) and
# writes it with the raw timings to benches/runs/<date>-state/.
set -euo pipefail
cd "$(dirname "$0")/.."

NEW=${1:-100000}
HISTORY=${2:-1000000}
RUNS=${3:-3}
NIGHTS=30
WORK=${WORK:-$(mktemp -d /tmp/callscore-state-bench.XXXXXX)}
RECORD="benches/runs/$(date +%Y-%m-%d)-state"
n=2; while [ -e "$RECORD" ]; do RECORD="benches/runs/$(date +%Y-%m-%d)-state-$n"; n=$((n + 1)); done
mkdir -p "$RECORD"
[ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
cargo build --release --locked
BIN=$PWD/target/release/callscore

ROOT=$WORK/root
if [ ! -d "$ROOT/new" ]; then
  mkdir -p "$ROOT"
  "$BIN" gen --calls "$NEW" --out "$ROOT/new" --formats native_json --languages en --seed 11 \
    --truth "$WORK/new.truth.jsonl" >/dev/null
fi

# One real scored input: the template of the history (its state entry and run folder).
TEMPLATE=$WORK/template
if [ ! -d "$TEMPLATE/state" ]; then
  mkdir -p "$TEMPLATE/in"
  cp "$(find "$ROOT/new" -name '*.json' | head -1)" "$TEMPLATE/in/call.json"
  "$BIN" run "$TEMPLATE/in" --state "$TEMPLATE/state" -q --run-id template >/dev/null
fi

BASE=$WORK/state-history
if [ ! -d "$BASE" ]; then
  python3 - "$TEMPLATE" "$ROOT/hist" "$BASE" "$HISTORY" "$NIGHTS" <<'EOF'
import json, os, shutil, sys
template, hist, base, total, nights = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
run = os.path.join(template, "state", "runs", "template")
lines = open(os.path.join(run, "inputs.jsonl")).read().splitlines()
header, entry = json.loads(lines[0]), json.loads(lines[1])
# A file system allows ~65 000 links to one inode: one copy (same bytes and time) per 60 000.
sources = []
def source(k):
    while len(sources) <= k // 60000:
        c = os.path.join(os.path.dirname(hist) + "-sources", f"{len(sources):03d}.json")
        os.makedirs(os.path.dirname(c), exist_ok=True)
        shutil.copy2(entry["path"], c)
        sources.append(c)
    return sources[k // 60000]
per_night = (total + nights - 1) // nights
k = 0
for night in range(nights):
    name = f"night-{night + 1:02d}"
    folder = os.path.join(base, "runs", name)
    os.makedirs(folder)
    for f in ("manifest.json", "aggregates.json", "summary.json", "calls.jsonl", "calls.csv", "errors.jsonl"):
        shutil.copy(os.path.join(run, f), folder)
    with open(os.path.join(folder, "inputs.jsonl"), "w") as out:
        out.write(json.dumps(dict(header, run_id=name, seq=night + 1)) + "\n")
        for _ in range(per_night):
            if k == total:
                break
            d = os.path.join(hist, f"{k // 1000:04d}")
            if k % 1000 == 0:
                os.makedirs(d, exist_ok=True)
            p = os.path.join(d, f"call-{k:07d}.json")
            os.link(source(k), p)
            out.write(json.dumps(dict(entry, path=os.path.realpath(p), calls=[f"hist-{k}"])) + "\n")
            k += 1
EOF
fi

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# time_run LABEL INPUTS BASE_STATE → "LABEL wall_s rss_kb plan_ms" RUNS times in raw.txt
time_run() {
  local label=$1 inputs=$2 base=$3
  for _ in $(seq "$RUNS"); do
    rm -rf "$WORK/state-now"
    if [ -n "$base" ]; then cp -al "$base" "$WORK/state-now"; else mkdir "$WORK/state-now"; fi
    sync
    /usr/bin/time -v -o "$WORK/time.txt" "$BIN" run "$inputs" --state "$WORK/state-now" -q \
      --threads 2 --run-id tonight >/dev/null 2>&1
    local wall rss plan
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}' "$WORK/time.txt")
    rss=$(awk -F': ' '/Maximum resident/ {print $2}' "$WORK/time.txt")
    plan=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['state']['plan_ms'])" \
      "$WORK/state-now/runs/tonight/summary.json")
    echo "$label $wall $rss $plan" | tee -a "$RECORD/raw.txt"
  done
}

: > "$RECORD/raw.txt"
time_run alone "$ROOT/new" ""
time_run history "$ROOT" "$BASE"

col() { grep "^$1 " "$RECORD/raw.txt" | awk "{print \$$2}" | median; }
A=$(col alone 2); H=$(col history 2)
{
  echo "| run | inputs walked | scored | wall (median of $RUNS) | max RSS | plan_ms |"
  echo "|---|---|---|---|---|---|"
  echo "| alone | $NEW | $NEW | $A s | $(( $(col alone 3) / 1024 )) MB | $(col alone 4) |"
  echo "| with $HISTORY already scored | $((NEW + HISTORY)) | $NEW | $H s | $(( $(col history 3) / 1024 )) MB | $(col history 4) |"
  echo
  echo "history / alone: $(awk -v a="$A" -v h="$H" 'BEGIN {printf "%.2f", h / a}')"
} | tee "$RECORD/README.md"
echo "work files in $WORK (remove when done)"
