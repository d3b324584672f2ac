#!/usr/bin/env bash
# Installs, from Debian 12 packages, everything fleetsim needs to build, test and benchmark.
# Idempotent: packages already present are skipped, so a second run costs a few seconds.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config clang-format
  libyaml-cpp-dev nlohmann-json3-dev libfmt-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev libnlopt-dev
  python3-dev pybind11-dev  # the Python module (import fleetsim)
  libopenmpi-dev openmpi-bin  # sweeps across ranks (mpirun -n N fleetsim sweep, scripts/mpirun.sh)
  libsqlite3-dev  # sweep results (fleetsim sweep --db)
  libprotobuf-dev protobuf-compiler  # Chakra execution traces (protobuf streams) in and out of `simulate`
  libjs-chart.js  # Chart.js, embedded at build time into HTML reports (compare/demo --html)
  chromium        # the headless browser test of the HTML report (tests/report_browser_test.sh)
  clang libclang-rt-14-dev  # scripts/fuzz.sh: libFuzzer and the sanitizer runtimes of Debian 12's clang 14
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing packages: ${missing[*]}; run as root (or with sudo)" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
