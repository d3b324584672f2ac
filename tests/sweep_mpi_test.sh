#!/usr/bin/env bash
# Issue 13: `mpirun -n 2 fleetsim sweep` (rank 0 writes, rank 1 evaluates) stores the same rows as one process.
# Usage (from the source root): tests/sweep_mpi_test.sh FLEETSIM_BINARY OUT_DIR
set -euo pipefail
fleetsim=$1
out=$2
rm -rf "$out"
mkdir -p "$out"
cat >"$out/sweep.yaml" <<YAML
base: $(pwd)/examples/sweep-base-llama3-70b.yaml
command: estimate
keep: [step_time_s, mfu, memory.fits]
axes:
  cluster.accelerator: [h100, b200, mi300x]
  cluster.count: {from: 512, to: 4096, factor: 2}
  training.parallelism.tp: [1, 2, 4, 8]
  training.micro_batch: [1, 2, 3]
YAML
"$fleetsim" sweep "$out/sweep.yaml" --db "$out/one.sqlite" >/dev/null
scripts/mpirun.sh -n 2 "$fleetsim" sweep "$out/sweep.yaml" --db "$out/two.sqlite" >/dev/null
# Both databases through the same reader: every row, by point number.
"$fleetsim" sweep "$out/sweep.yaml" --db "$out/one.sqlite" --resume --format csv >"$out/one.csv" 2>/dev/null
"$fleetsim" sweep "$out/sweep.yaml" --db "$out/two.sqlite" --resume --format csv >"$out/two.csv" 2>/dev/null
rows=$(($(wc -l <"$out/one.csv") - 1))
if [[ $rows -ne 144 ]]; then
  echo "FAIL: $rows rows in the single-process database, 144 expected" >&2
  exit 1
fi
if ! cmp -s "$out/one.csv" "$out/two.csv"; then
  echo "FAIL: the 2-rank sweep differs from the single-process one:" >&2
  diff "$out/one.csv" "$out/two.csv" | head -20 >&2
  exit 1
fi
echo "2 MPI ranks and 1 process: the same $rows rows"
