#!/usr/bin/env bash
# Runs a command under Open MPI on this machine, with the flags Open MPI needs here: as root it refuses to start
# without --allow-run-as-root; --oversubscribe lets more ranks than cores start; the byte transfer layers are the
# process itself and TCP on loopback (shared memory segments may be too small in containers).
# Usage: scripts/mpirun.sh -n 4 build/fleetsim sweep examples/sweep-estimate.yaml --db sweep.sqlite
set -euo pipefail
args=(--oversubscribe --mca btl self,tcp --mca btl_tcp_if_include lo --mca oob_tcp_if_include lo)
[[ $(id -u) -eq 0 ]] && args+=(--allow-run-as-root)
exec mpirun "${args[@]}" "$@"
