#!/usr/bin/env bash
# The chaos soak of `gpulet node` (tests/soak/): runs the real agent on the
# mock NVML against the kubelet emulator and the fake API server for the
# given time under a seeded random schedule of faults, prints the fault
# table and the invariant counters, and exits non-zero when an invariant
# broke or a fault was not survived.
#   scripts/soak.sh [seconds=60] [seed=1] [driver flags, e.g. --agent-log=FILE]
# GPULET_BUILD_DIR: the build tree to use (default build/); CI passes the
# ASan tree after `scripts/build.sh asan`. The soak's targets are built in
# it first (a no-op when they are current). GPULET_SOAK_REPORT: also write
# the tables to this file.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
seed=${2:-1}
shift $(( $# < 2 ? $# : 2 ))
dir=${GPULET_BUILD_DIR:-build}
if [[ ! -f "$dir/build.ninja" && ! -f "$dir/Makefile" ]]; then
  echo "soak: $dir is not a configured build tree (scripts/build.sh first)" >&2
  exit 2
fi
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
fi
cmake --build "$dir" -j "$(nproc)" --target gpulet nvml_mock gpulet_soak >/dev/null

args=(--seconds="$seconds" --seed="$seed" "$@")
[[ -n "${GPULET_SOAK_REPORT:-}" ]] && args+=(--report="$GPULET_SOAK_REPORT")
start=$(date +%s)
status=0
"$dir/tests/soak/gpulet_soak" "${args[@]}" || status=$?
echo "soak: ${seconds} s, seed ${seed}, $dir: wall $(( $(date +%s) - start )) s, exit $status"
exit "$status"
