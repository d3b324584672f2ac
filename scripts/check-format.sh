#!/usr/bin/env bash
# Fails when a C++ file under src/, tools/, tests/, bench/ or validation/ is not clang-formatted (.clang-format).
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files 'src/*.h' 'src/*.cc' 'tools/*.cc' 'tests/*.cc' 'bench/*.cc' 'validation/*.cc' 'python/*.cc' 'fuzz/*.cc')
((${#files[@]} == 0)) && exit 0
clang-format --dry-run -Werror "${files[@]}"
