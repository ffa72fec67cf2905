#!/usr/bin/env bash
# Time per MB as one turn, one call and one file grow: the cost of a call must grow
# linearly with its size, whatever shape the size takes.
#
# Usage: benches/scaling.sh [RUNS]        (default: 3 runs, medians reported)
#   TURN_MB="1 4 16"   sizes of the single-turn calls, in MB (one agent turn of "please
#                      hold" with a permission request and negative words every 1000th time)
#   TURNS=100000       turns of the many-turn call (short turns, every rule kind hits)
#   JSONL_MB=1000      size of the JSON Lines file (`callscore gen`, one file); 0 skips it
#   BIN=path           measure this binary instead of building target/release/callscore
#   TIMEOUT=600        seconds before a run is stopped; reported as "> TIMEOUT"
#
# Prints a Markdown table (wall and CPU seconds per MB, MB/s, peak RSS from
# `/usr/bin/time -v`) and writes it with the raw timings to benches/runs/<date>-scaling/.
# Needs: cargo, python3, GNU time. Wall-clock numbers: run on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${1:-3}
TURN_MB=${TURN_MB:-"1 4 16"}
TURNS=${TURNS:-100000}
JSONL_MB=${JSONL_MB:-1000}
TIMEOUT=${TIMEOUT:-600}
if [ -z "${WORK:-}" ]; then
  WORK=$(mktemp -d /tmp/callscore-scaling.XXXXXX)
  trap 'rm -rf "$WORK"' EXIT # the inputs take about JSONL_MB + 50 MB
fi
RECORD="benches/runs/$(date +%Y-%m-%d)-scaling"
n=2; while [ -e "$RECORD" ]; do RECORD="benches/runs/$(date +%Y-%m-%d)-scaling-$n"; n=$((n + 1)); done
mkdir -p "$RECORD"

[ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
if [ -z "${BIN:-}" ]; then
  cargo build --release --locked
  BIN=target/release/callscore
fi

# The inputs: native JSON calls written by python3 (the same text as the `long_turn`
# and `many_turns` criterion groups in benches/engine.rs).
python3 - "$WORK" "$TURNS" $TURN_MB <<'EOF'
import json, sys
work, turns, sizes = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
ASK = "i'm sorry, that is not good at all. may i put you on hold? thank you for holding. "
for mb in sizes:
    parts = ["Thank you for calling Acme, my name is Sam, how can I help you? "]
    size, i, target = len(parts[0]), 0, int(float(mb) * 1e6)
    while size < target:
        s = ASK if i % 1000 == 999 else "please hold "
        parts.append(s); size += len(s); i += 1
    parts.append("Thank you for holding. Is there anything else I can help you with?")
    call = {"call_id": f"turn-{mb}MB", "metadata": {"channel": "voice", "language": "en"},
            "turns": [{"speaker": "customer", "text": "Hi, I was charged twice.", "start": 0, "end": 2},
                      {"speaker": "agent", "text": "".join(parts), "start": 2, "end": 3600}]}
    open(f"{work}/turn-{mb}MB.json", "w").write(json.dumps(call))
LINES = [("agent", "Thank you for calling Acme, my name is Sam."),
         ("customer", "I was charged twice for my order, this is terrible."),
         ("agent", "I'm sorry about that, may I put you on hold?"),
         ("customer", "Sure, that's not a problem."),
         ("agent", "Thank you for holding, the refund takes 3-5 business days."),
         ("customer", "OK thanks, please hold on.")]
call = {"call_id": f"turns-{turns}", "metadata": {"channel": "voice"},
        "turns": [{"speaker": LINES[i % 6][0], "text": LINES[i % 6][1],
                   "start": i * 2.0, "end": i * 2.0 + 1.5} for i in range(turns)]}
open(f"{work}/turns-{turns}.json", "w").write(json.dumps(call))
EOF
INPUTS=()
for mb in $TURN_MB; do INPUTS+=("turn-${mb}MB.json"); done
INPUTS+=("turns-$TURNS.json")
if [ "$JSONL_MB" != 0 ]; then
  # Generated calls average ~2.8 KB as native JSON Lines; all in one file.
  calls=$(( JSONL_MB * 1000 * 10 / 28 ))
  "$BIN" gen --calls "$calls" --out "$WORK/gen" --formats native_jsonl --seed 7 \
    --calls-per-file "$calls" --truth "$WORK/gen.truth.jsonl" >/dev/null 2>&1
  mv "$WORK/gen/native_jsonl/part-00000.jsonl" "$WORK/calls-${JSONL_MB}MB.jsonl"
  rm -rf "$WORK/gen" "$WORK/gen.truth.jsonl"
  INPUTS+=("calls-${JSONL_MB}MB.jsonl")
fi

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# One line per run in raw.txt: input, bytes, wall s, cpu s (user+sys), peak RSS KB.
: > "$RECORD/raw.txt"
for f in "${INPUTS[@]}"; do
  bytes=$(stat -c %s "$WORK/$f")
  for _ in $(seq "$RUNS"); do
    rc=0
    /usr/bin/time -v -o "$WORK/time" timeout "$TIMEOUT" "$BIN" run "$WORK/$f" \
      --rules rules --out "$WORK/out" --threads 1 --quiet 2>"$WORK/err" >/dev/null || rc=$?
    if [ "$rc" = 124 ]; then
      echo "$f $bytes timeout timeout 0" >> "$RECORD/raw.txt"
      break # the other runs would time out too
    elif [ "$rc" != 0 ]; then
      cat "$WORK/err" >&2; exit 1
    fi
    awk -v f="$f" -v b="$bytes" -F': ' '
      /Elapsed \(wall clock\)/ { n = split($2, t, ":"); wall = 0; for (i = 1; i <= n; i++) wall = wall * 60 + t[i] }
      /User time/ { cpu += $2 } /System time/ { cpu += $2 }
      /Maximum resident set size/ { rss = $2 }
      END { printf "%s %s %.2f %.2f %s\n", f, b, wall, cpu, rss }' "$WORK/time" >> "$RECORD/raw.txt"
  done
done

{
  echo "# callscore scaling, $(date +%Y-%m-%d)"
  echo
  echo "Command: \`TURN_MB=\"$TURN_MB\" TURNS=$TURNS JSONL_MB=$JSONL_MB benches/scaling.sh $RUNS\`;"
  echo "\`callscore run FILE --rules rules --threads 1\`, medians of $RUNS runs, outputs on disk."
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg); $($BIN --version)."
  echo
  echo "| input | MB | wall s | wall s/MB | CPU s | CPU s/MB | MB/s (wall) | peak RSS MB |"
  echo "|---|---|---|---|---|---|---|---|"
  for f in "${INPUTS[@]}"; do
    bytes=$(stat -c %s "$WORK/$f")
    mb=$(awk -v b="$bytes" 'BEGIN {printf "%.2f", b/1e6}')
    if grep -q "^$f .* timeout " "$RECORD/raw.txt"; then
      echo "| $f | $mb | > $TIMEOUT | > $(awk -v t="$TIMEOUT" -v m="$mb" 'BEGIN {printf "%.3f", t/m}') | | | | |"
      continue
    fi
    wall=$(grep "^$f " "$RECORD/raw.txt" | awk '{print $3}' | median)
    cpu=$(grep "^$f " "$RECORD/raw.txt" | awk '{print $4}' | median)
    rss=$(grep "^$f " "$RECORD/raw.txt" | awk '{print $5}' | median)
    awk -v f="$f" -v m="$mb" -v w="$wall" -v c="$cpu" -v r="$rss" 'BEGIN {
      printf "| %s | %s | %.2f | %.3f | %.2f | %.3f | %.1f | %.0f |\n", f, m, w, w/m, c, c/m, m/w, r/1024 }'
  done
} | tee "$RECORD/README.md"
echo "raw timings: $RECORD/raw.txt" >&2
