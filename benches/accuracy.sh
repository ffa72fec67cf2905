#!/usr/bin/env bash
# Accuracy of the default pack on labelled text: sentiment per language and set, drivers
# mined with `callscore suggest` from the train split of an intent set and scored on its
# val and test splits, mined from train + val and scored on test, and 5-fold
# cross-validation of train + val (a second split the settings were not chosen on). Every number comes from the release binary; benches/accuracy.py is
# the glue (reading the sets, computing the metrics).
#
# Usage: benches/accuracy.sh [DATA_DIR]      (default: ../shared/data)
#
# Prints the tables and records them under benches/runs/<date>-accuracy/ (README.md with
# the table and the command, numbers.json). Needs: cargo, python3.
set -euo pipefail
cd "$(dirname "$0")/.."

DATA=${1:-../shared/data}
STAMP="$(date +%Y-%m-%d)-accuracy"
RECORD="benches/runs/$STAMP"
n=2; while [ -e "$RECORD" ]; do RECORD="benches/runs/$STAMP-$n"; n=$((n + 1)); done
mkdir -p "$RECORD"

cargo build --release --locked
BIN=target/release/callscore
WORK=$(mktemp -d /tmp/callscore-accuracy.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

python3 benches/accuracy.py --bin "$BIN" --rules rules --data "$DATA" --work "$WORK" \
  --json "$RECORD/numbers.json" | tee "$WORK/table.md"

{
  echo "# Accuracy on labelled text ($(date +%Y-%m-%d))"
  echo
  echo "Command: \`benches/accuracy.sh $DATA\` (release build, commit $(git rev-parse --short HEAD))."
  echo "Sets, licences and metrics: benches/README.md, \"Accuracy on labelled text\"."
  echo
  cat "$WORK/table.md"
} > "$RECORD/README.md"
echo "recorded in $RECORD" >&2
