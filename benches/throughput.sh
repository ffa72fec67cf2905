#!/usr/bin/env bash
# End-to-end throughput of callscore against ripgrep on the same files and phrases.
#
# Usage: benches/throughput.sh [SIZE_MB] [RUNS]      (defaults: 1000 MB, 3 runs)
#   SCALE_MB=4000 also measures a second, larger corpus to show memory stays flat.
#   TX_MB (default SIZE_MB/3): size of the Amazon Transcribe corpus (one call a file) scored
#   with the default pack (rules/) against ripgrep -j2 and benches/peers/pyscore.py, the
#   script an analyst would write instead (json + pyahocorasick, no scoring).
#
# Prints a Markdown table (medians of RUNS runs) and writes it with the raw timings to
# benches/runs/<date>-<host>/. Needs: cargo, /usr/bin/time (GNU), ripgrep (installed with
# `cargo install ripgrep` if missing). Run on a quiet machine: numbers are wall-clock.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE_MB=${1:-1000}
RUNS=${2:-3}
SCALE_MB=${SCALE_MB:-}
WORK=${WORK:-$(mktemp -d /tmp/callscore-bench.XXXXXX)}
STAMP="$(date +%Y-%m-%d)-$(hostname -s)"
RECORD="benches/runs/$STAMP"
# A second run on the same day and host gets its own folder (-2, -3, …).
n=2; while [ -e "$RECORD" ]; do RECORD="benches/runs/$STAMP-$n"; n=$((n + 1)); done
mkdir -p "$RECORD"

command -v rg >/dev/null 2>&1 || cargo install ripgrep --locked
python3 -c "import ahocorasick" 2>/dev/null || pip install --quiet pyahocorasick
[ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
cargo build --release --locked
BIN=target/release/callscore

# Generated calls average ~2.8 KB as native JSON Lines; generate about SIZE_MB of them.
gen_corpus() { # $1 = MB, $2 = dir, $3 = phrases
  local calls=$(( $1 * 1000 * 10 / 28 ))
  rm -rf "$2" "$2.rules"
  "$BIN" gen --calls "$calls" --out "$2" --formats native_jsonl --seed 7 \
    --rules-out "$2.rules" --phrases "$3" --truth "$2.truth.jsonl" >/dev/null
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# time_cmd LABEL CMD... → appends "LABEL wall_s rss_kb" RUNS times to $RECORD/raw.txt
time_cmd() {
  local label=$1; shift
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$WORK/t" "$@" >/dev/null 2>"$WORK/err" || {
      # rg exits 1 when nothing matched; anything else is a failure.
      [ "$1" = rg ] || { cat "$WORK/err" >&2; exit 1; }
    }
    echo "$label $(cat "$WORK/t")" >> "$RECORD/raw.txt"
  done
}

med_wall() { grep "^$1 " "$RECORD/raw.txt" | awk '{print $2}' | median; }
med_rss() { grep "^$1 " "$RECORD/raw.txt" | awk '{print $3}' | median; }

# Every phrase and lexicon term of a pack, one per line: what ripgrep and the peer look for.
pack_phrases() { # $1 = rules dir
python3 - "$1" <<'EOF'
import sys, pathlib, tomllib
def walk(c, out):
    if isinstance(c, dict):
        for k, v in c.items():
            if k in ("any", "all") and isinstance(v, list): out.extend(x.strip("*") for x in v)
            elif k in ("terms",) and isinstance(v, dict): out.extend(v.keys())
            else: walk(v, out)
    elif isinstance(c, list):
        for x in c: walk(x, out)
out = []
for f in sorted(pathlib.Path(sys.argv[1]).rglob("*.toml")):
    walk(tomllib.loads(f.read_text()), out)
print("\n".join(sorted(set(p for p in out if p))))
EOF
}

: > "$RECORD/raw.txt"
CORPUS="$WORK/corpus"
echo "generating ~${SIZE_MB} MB corpus in $CORPUS" >&2
gen_corpus "$SIZE_MB" "$CORPUS" 1000
BYTES=$(du -sb "$CORPUS" | awk '{print $1}')
CALLS=$(find "$CORPUS" -name "*.jsonl" -exec cat {} + | wc -l)
# The same phrases for ripgrep: every phrase of the generated pack, one per line.
pack_phrases "$CORPUS.rules" > "$WORK/phrases.txt"
PHRASES=$(wc -l < "$WORK/phrases.txt")

time_cmd "cs-t1" "$BIN" run "$CORPUS" --rules "$CORPUS.rules" --out "$WORK/out" --threads 1 --quiet
time_cmd "cs-t2" "$BIN" run "$CORPUS" --rules "$CORPUS.rules" --out "$WORK/out" --threads 2 --quiet
time_cmd "rg-count-matches" rg --count-matches -F -i -f "$WORK/phrases.txt" "$CORPUS"
time_cmd "rg-lines" rg -c -F -i -f "$WORK/phrases.txt" "$CORPUS"
for p in 100 10000; do
  gen_corpus 200 "$WORK/p$p" "$p"
  time_cmd "cs-p$p" "$BIN" run "$WORK/p$p" --rules "$WORK/p$p.rules" --out "$WORK/out" --threads 1 --quiet
done
gen_corpus 200 "$WORK/p1000" 1000
time_cmd "cs-p1000" "$BIN" run "$WORK/p1000" --rules "$WORK/p1000.rules" --out "$WORK/out" --threads 1 --quiet
time_cmd "check-10000" "$BIN" check --rules "$WORK/p10000.rules"
# Amazon Transcribe files, one call a file (~7 KB each as generated), default pack.
TX_MB=${TX_MB:-$(( SIZE_MB / 3 ))}
TX="$WORK/tx"
rm -rf "$TX"
"$BIN" gen --calls $(( TX_MB * 1000 / 7 )) --out "$TX" --formats aws_transcribe --seed 7 >/dev/null
TX_BYTES=$(du -sb "$TX" | awk '{print $1}')
TX_CALLS=$(find "$TX" -name '*.json' | wc -l)
pack_phrases rules > "$WORK/default-phrases.txt"
DEFAULT_PHRASES=$(wc -l < "$WORK/default-phrases.txt")
time_cmd "tx-cs-t1" "$BIN" run "$TX" --rules rules --out "$WORK/out" --threads 1 --quiet
TX_OUT=$(du -cb "$WORK/out/calls.jsonl" "$WORK/out/calls.csv" | tail -1 | awk '{print $1}')
time_cmd "tx-cs-t2" "$BIN" run "$TX" --rules rules --out "$WORK/out" --threads 2 --quiet
time_cmd "tx-rg-j2" rg -j2 --count-matches -F -i -f "$WORK/default-phrases.txt" "$TX"
time_cmd "tx-py" python3 benches/peers/pyscore.py "$WORK/default-phrases.txt" "$TX" "$WORK/py.jsonl"
time_cmd "tx-cs-t1-all" "$BIN" run "$TX" --rules rules --out "$WORK/out" --threads 1 --quiet --evidence all

if [ -n "$SCALE_MB" ]; then
  gen_corpus "$SCALE_MB" "$WORK/big" 1000
  time_cmd "cs-big-t2" "$BIN" run "$WORK/big" --rules "$WORK/big.rules" --out "$WORK/out" --threads 2 --quiet
fi

mb() { awk -v b="$BYTES" -v s="$1" 'BEGIN {printf "%.1f", b/1e6/s}'; }
cps() { awk -v c="$CALLS" -v s="$1" 'BEGIN {printf "%.0f", c/s}'; }
T1=$(med_wall cs-t1); T2=$(med_wall cs-t2); RG=$(med_wall rg-count-matches); RGL=$(med_wall rg-lines)
{
  echo "# callscore throughput, $STAMP"
  echo
  echo "Command: \`benches/throughput.sh $SIZE_MB $RUNS\` (SCALE_MB=${SCALE_MB:-unset}); medians of $RUNS runs."
  echo "Corpus: $CALLS calls, $BYTES bytes of native JSON Lines (\`callscore gen --seed 7\`), $PHRASES phrases."
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; $(rg --version | head -1); $($BIN --version)."
  echo
  echo "| measure | wall s | MB/s | calls/s | peak RSS MB | ratio |"
  echo "|---|---|---|---|---|---|"
  echo "| callscore --threads 1 | $T1 | $(mb "$T1") | $(cps "$T1") | $(( $(med_rss cs-t1) / 1024 )) | |"
  echo "| callscore --threads 2 | $T2 | $(mb "$T2") | $(cps "$T2") | $(( $(med_rss cs-t2) / 1024 )) | 2 threads vs 1: $(awk -v a="$T1" -v b="$T2" 'BEGIN {printf "%.2fx", a/b}') |"
  echo "| rg --count-matches -F -i -f phrases | $RG | $(mb "$RG") | | $(( $(med_rss rg-count-matches) / 1024 )) | callscore(2 threads)/rg: $(awk -v a="$T2" -v b="$RG" 'BEGIN {printf "%.2f", a/b}') |"
  echo "| rg -c -F -i -f phrases (lines) | $RGL | $(mb "$RGL") | | $(( $(med_rss rg-lines) / 1024 )) | callscore(2 threads)/rg: $(awk -v a="$T2" -v b="$RGL" 'BEGIN {printf "%.2f", a/b}') |"
  for p in 100 1000 10000; do
    echo "| 200 MB, $p phrases, 1 thread | $(med_wall cs-p$p) | | | $(( $(med_rss cs-p$p) / 1024 )) | |"
  done
  echo "| throughput at 10 000 vs 100 phrases | | | | | $(awk -v a="$(med_wall cs-p100)" -v b="$(med_wall cs-p10000)" 'BEGIN {printf "%.0f%% of", 100*a/b}') the 100-phrase throughput |"
  echo "| check (compile) 10 000-phrase pack | $(med_wall check-10000) | | | $(( $(med_rss check-10000) / 1024 )) | |"
  if [ -n "$SCALE_MB" ]; then
    echo "| ${SCALE_MB} MB corpus, 2 threads | $(med_wall cs-big-t2) | | | $(( $(med_rss cs-big-t2) / 1024 )) | |"
  fi
  echo
  echo "Amazon Transcribe files, one call a file: $TX_CALLS calls, $TX_BYTES bytes; default pack (rules/, $DEFAULT_PHRASES phrases and terms)."
  echo
  TT1=$(med_wall tx-cs-t1); TT2=$(med_wall tx-cs-t2); TRG=$(med_wall tx-rg-j2); TPY=$(med_wall tx-py); TALL=$(med_wall tx-cs-t1-all)
  txmb() { awk -v b="$TX_BYTES" -v s="$1" 'BEGIN {printf "%.1f", b/1e6/s}'; }
  echo "| measure | wall s | MB/s | peak RSS MB | ratio |"
  echo "|---|---|---|---|---|"
  echo "| callscore --threads 1 | $TT1 | $(txmb "$TT1") | $(( $(med_rss tx-cs-t1) / 1024 )) | $(awk -v a="$TPY" -v b="$TT1" 'BEGIN {printf "%.2fx", a/b}') the Python peer; outputs (jsonl + csv) $(awk -v o="$TX_OUT" -v b="$TX_BYTES" 'BEGIN {printf "%.2f", o/b}') x the input |"
  echo "| callscore --threads 2 | $TT2 | $(txmb "$TT2") | $(( $(med_rss tx-cs-t2) / 1024 )) | 2 threads vs 1: $(awk -v a="$TT1" -v b="$TT2" 'BEGIN {printf "%.2fx", a/b}'); time vs rg -j2: $(awk -v a="$TT2" -v b="$TRG" 'BEGIN {printf "%.2f", a/b}') |"
  echo "| callscore --threads 1 --evidence all | $TALL | $(txmb "$TALL") | $(( $(med_rss tx-cs-t1-all) / 1024 )) | |"
  echo "| rg -j2 --count-matches -F -i -f phrases | $TRG | $(txmb "$TRG") | $(( $(med_rss tx-rg-j2) / 1024 )) | |"
  echo "| benches/peers/pyscore.py (1 core) | $TPY | $(txmb "$TPY") | $(( $(med_rss tx-py) / 1024 )) | |"
} | tee "$RECORD/README.md"
echo "raw timings: $RECORD/raw.txt" >&2
