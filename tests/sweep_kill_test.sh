#!/usr/bin/env bash
# Issue 13: a sweep killed halfway (SIGKILL, no chance to clean up) continues with --resume: nothing stored is
# computed again, and the database ends with every point once.
# Usage (from the source root): tests/sweep_kill_test.sh FLEETSIM_BINARY OUT_DIR
set -euo pipefail
fleetsim=$1
out=$2
rm -rf "$out"
mkdir -p "$out"
cat >"$out/sweep.yaml" <<YAML
base: $(pwd)/examples/sweep-base-llama3-70b.yaml
command: estimate
keep: [step_time_s, mfu]
axes:
  cluster.accelerator: [h100, h200, b200, mi300x]
  cluster.count: {from: 512, to: 16384, factor: 2}
  training.parallelism.tp: [1, 2, 4, 8]
  training.parallelism.pp: [1, 2, 4, 8, 16]
  training.micro_batch: [1, 2, 4, 8]
  training.recompute: [none, selective, full]
  training.zero: [1, 3]
YAML
total=11520
count_rows() {
  python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from points').fetchone()[0])" "$1"
}
"$fleetsim" sweep "$out/sweep.yaml" --db "$out/s.sqlite" >/dev/null 2>&1 &
pid=$!
# Wait for some committed rows, then kill it without warning.
for _ in $(seq 1 600); do
  sleep 0.05
  [[ -f $out/s.sqlite ]] && rows=$(count_rows "$out/s.sqlite" 2>/dev/null || echo 0) && ((rows > 2000)) && break
done
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
before=$(count_rows "$out/s.sqlite")
if ((before == 0 || before >= total)); then
  echo "FAIL: the sweep was killed with $before of $total rows stored; expected some but not all" >&2
  exit 1
fi
summary=$("$fleetsim" sweep "$out/sweep.yaml" --db "$out/s.sqlite" --resume --format json 2>/dev/null |
  python3 -c "import json,sys; j=json.load(sys.stdin); print(j['already_stored'], j['run'], len(j['rows']), len({r['id'] for r in j['rows']}))")
read -r stored run rows distinct <<<"$summary"
if ((stored != before || run != total - before || rows != total || distinct != total)); then
  echo "FAIL: killed at $before rows; resume found $stored stored, ran $run, ended with $rows rows ($distinct distinct)" >&2
  exit 1
fi
echo "killed at $before of $total rows; --resume ran the other $run and recomputed none"
