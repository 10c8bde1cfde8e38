#!/usr/bin/env bash
# Sets up the machine, builds gpulet and runs its main job on this node.
# Without an NVIDIA driver it runs on the bundled mock machine
# (GPULET_MOCK_MACHINE, default dgx-h100; also dgx-a100-mig, t4, hetero).
#   scripts/run.sh [gpulet info arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh release >/dev/null

gpulet=build/src/cli/gpulet
if [[ -d /proc/driver/nvidia/gpus ]] && [[ -n "$(ls -A /proc/driver/nvidia/gpus 2>/dev/null)" ]]; then
  exec "$gpulet" info "$@"
fi
echo "run: no NVIDIA driver here; using the mock machine ${GPULET_MOCK_MACHINE:-dgx-h100}" >&2
export GPULET_MOCK_MACHINE=${GPULET_MOCK_MACHINE:-dgx-h100}
exec "$gpulet" info --nvml-library build/mock/nvml/libnvidia-ml.so.1 "$@"
