#!/usr/bin/env bash
# Quick start, main job: installs what is missing, builds, and runs `fleetsim demo` (extra arguments go to fleetsim).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh
if (($# == 0)); then set -- demo; fi
exec ./build/fleetsim "$@"
