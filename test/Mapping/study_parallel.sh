#!/usr/bin/env bash
# A study sharded 3 ways with GNU parallel (2 job slots) and merged must equal the
# single-process run byte for byte, CSV and JSON (docs/ci.md); and the study's rows for one
# model and chip must equal `snnc-map --sweep` over the same grid; scripts/slurm/study.sbatch,
# run as the tasks of a 3-task array, gives the same merged result.
# usage: study_parallel.sh SNNC SNNC_MAP SOURCE_DIR WORK
set -euo pipefail
SNNC=$1 MAP=$2 SRC=$3 WORK=$4
command -v parallel >/dev/null || { echo "GNU parallel is not installed (scripts/setup)"; exit 1; }
rm -rf "$WORK" && mkdir -p "$WORK/shards" && cd "$WORK"
"$SNNC" "$SRC/test/Import/Inputs/tiny-mlp.onnxtext" -o tiny.bin 2>/dev/null
"$SNNC" "$SRC/models/digits-bntt-mlp/model.onnx" -o digits.bin 2>/dev/null
cat > study.json <<'JSON'
{"name": "ctest-study", "models": ["tiny.bin", "digits.bin"], "hardware": ["loihi1", "loihi2"],
 "grid": {"core.compartments": [16, 64, 1024], "weight_bits": [2, 8]},
 "gates": {"max_cores": 6}}
JSON
"$MAP" study study.json --csv single.csv --json single.json --quiet
"$MAP" study study.json --list-jobs --shards 3 --out-dir shards > jobs.txt
test "$(wc -l < jobs.txt)" = 3
parallel -j2 --halt now,fail=1 < jobs.txt
"$MAP" merge merged.csv shards/*.csv
"$MAP" merge merged.json shards/*.json
cmp <(sort single.csv) <(sort merged.csv)
cmp single.csv merged.csv
cmp single.json merged.json
# Every shard holds a third of the 24 points, and some points are not ok.
for i in 0 1 2; do test "$(($(wc -l < shards/shard-$i-of-3.csv) - 1))" = 8; done
grep -q ',unmappable,' single.csv && grep -q ',over_gate,' single.csv && grep -q ',ok,' single.csv
# --fail-on-unmappable on the merge: exit 3.
set +e; "$MAP" merge gated.csv shards/*.csv --fail-on-unmappable 2>/dev/null; rc=$?; set -e
test $rc = 3
# The Slurm array script, run as its three tasks would be (no Slurm needed).
for i in 0 1 2; do
  SLURM_ARRAY_TASK_ID=$i SLURM_ARRAY_TASK_COUNT=3 SNNC_MAP="$MAP" \
    bash "$SRC/scripts/slurm/study.sbatch" study.json slurm
done
"$MAP" merge slurm.csv slurm/shard-*.csv
cmp single.csv slurm.csv
# The study's rows for (tiny.bin, loihi2) are snnc-map --sweep's rows.
"$MAP" tiny.bin --hw loihi2 --sweep core.compartments=16,64,1024 --sweep weight_bits=2,8 \
  --max-cores 6 --csv sweep.csv
cmp <(tail -n +2 sweep.csv) <(grep '^[0-9]*,tiny.bin,loihi2,' single.csv | cut -d, -f4-)
echo "study-parallel: ok ($(($(wc -l < single.csv) - 1)) points, 3 shards)"
