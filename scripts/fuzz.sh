#!/usr/bin/env bash
# Fuzzes fleetsim's input parsers with libFuzzer: builds the harnesses in fuzz/ with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer into build-fuzz/ (or $FLEETSIM_FUZZ_DIR), then runs each for SECONDS (default 60) on
# a corpus seeded from examples/, data/ and fuzz/seeds/. Usage: scripts/fuzz.sh [SECONDS] [HARNESS...]
# (harnesses: scenario quantity catalog trace chakra). A finding stops the script with exit 1 and leaves the input that
# triggered it in build-fuzz/findings/; rerun it with build-fuzz/<harness>_fuzzer <file>.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
harnesses=("$@")
((${#harnesses[@]} == 0)) && harnesses=(scenario quantity catalog trace chakra)
build=${FLEETSIM_FUZZ_DIR:-build-fuzz}

cmake -S fuzz -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=None >/dev/null
cmake --build "$build"

# Seeds: the scenario harness reads scenarios; the catalog harness one byte (even: a catalog file, odd: an
# overlay over the built-in catalog) followed by the text; the quantity harness one byte for the dimension (0 time,
# 1 bytes, 2 bandwidth, ... 9 money per power) followed by the text; the trace harness request traces.
seeds=$build/seeds
rm -rf "$seeds"
mkdir -p "$seeds/scenario" "$seeds/catalog" "$seeds/quantity" "$seeds/trace" "$seeds/chakra" "$build/findings"
cp examples/*.yaml data/demo/*.yaml fuzz/seeds/scenario/*.yaml "$seeds/scenario/"
for f in data/*.yaml; do
  { printf '\x00'; cat "$f"; } >"$seeds/catalog/file-$(basename "$f")"
done
for f in fuzz/seeds/overlay/*.yaml; do
  { printf '\x01'; cat "$f"; } >"$seeds/catalog/overlay-$(basename "$f")"
done
cp fuzz/seeds/trace/*.csv "$seeds/trace/"
# Chakra: ASTRA-sim's one-collective traces whole, and the head of the real PyTorch trace (a truncated stream).
chakra=../shared/traces/chakra
if [[ -d $chakra ]]; then
  cp "$chakra"/astra-sim-all-reduce-8npus-1MB/all_reduce.0.et "$seeds/chakra/all_reduce.et"
  cp "$chakra"/astra-sim-all-to-all-16npus-1MB/all_to_all.0.et "$seeds/chakra/all_to_all.et"
  head -c 6000 "$chakra"/pytorch-1rank/chakra.0.et >"$seeds/chakra/pytorch-head.et"
fi
cp fuzz/seeds/chakra/*.et "$seeds/chakra/"
i=0
for q in 0:1.5us 0:54d 0:66month 1:80GB 1:1.5TiB 2:400Gbps 2:3.35TB/s 3:989TFLOPS 4:700W 5:12MWh 6:\$50000 \
  6:\$3.3k 7:\$1.99/h 7:\$500/month 8:\$0.08/kWh 9:\$10M/MW; do
  printf "\\x$(printf %02x "${q%%:*}")%s" "${q#*:}" >"$seeds/quantity/seed$((i++))"
done

for h in "${harnesses[@]}"; do
  corpus=$build/corpus/$h
  mkdir -p "$corpus"
  echo "== $h: ${seconds}s"
  log=$build/$h.log
  # Inputs as large as each kind needs: scenarios are a few KB, catalog files up to ~30 KB, quantities short.
  dict=(-dict=fuzz/yaml.dict)
  max_len=8192
  [[ $h == catalog ]] && max_len=65536
  [[ $h == trace ]] && dict=() && max_len=4096
  [[ $h == quantity ]] && dict=() && max_len=256
  [[ $h == chakra ]] && dict=() && max_len=8192
  if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$build/${h}_fuzzer" "$corpus" "$seeds/$h" "${dict[@]}" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -max_len="$max_len" -print_final_stats=1 -artifact_prefix="$build/findings/$h-" >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "fuzz: $h found a problem; the input is in $build/findings/ (log: $log)" >&2
    exit 1
  fi
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$log" | sed "s/^/  $h /"
done
