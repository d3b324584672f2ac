#!/usr/bin/env bash
# Quick start, tests: installs what is missing, builds, and runs the whole test suite (unit, golden scenario and
# validation tests) with CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh
ctest --test-dir "${FLEETSIM_BUILD_DIR:-build}" --output-on-failure -j "$(nproc)"
