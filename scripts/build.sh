#!/usr/bin/env bash
# Configures and builds fleetsim into build/ (or $FLEETSIM_BUILD_DIR); extra arguments go to CMake.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${FLEETSIM_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=${FLEETSIM_BUILD_TYPE:-Release} "$@" >/dev/null
cmake --build "$build_dir"
