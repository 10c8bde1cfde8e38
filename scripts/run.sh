#!/usr/bin/env bash
# Sets up the machine, builds gpulet and checks this node with
# `gpulet doctor`, ending with what the kubelet would receive for one pod
# asking for one GPU (--allocate 1). Builds only what it runs: the gpulet
# binary and the mock NVML library.
#
# Without an NVIDIA driver it runs on the bundled mock machine
# (GPULET_MOCK_MACHINE, default dgx-h100; also dgx-a100-mig, t4, hetero,
# gb200-nvl), with stand-ins for the driver's libraries and device nodes
# under build-run/mock-node/ as --driver-root.
#   scripts/run.sh [gpulet doctor arguments...]
# Exits with doctor's status: 0 when the node can serve GPUs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh run >/dev/null

gpulet=build-run/src/cli/gpulet
args=()
if ! [[ -d /proc/driver/nvidia/gpus && -n "$(ls -A /proc/driver/nvidia/gpus 2>/dev/null)" ]]; then
  export GPULET_MOCK_MACHINE=${GPULET_MOCK_MACHINE:-dgx-h100}
  library=$PWD/build-run/mock/nvml/libnvidia-ml.so.1
  root=$PWD/build-run/mock-node
  info=$("$gpulet" info --json --nvml-library "$library")
  version=$(sed -n 's/^  "driver_version": "\(.*\)",$/\1/p' <<<"$info")
  rm -rf "$root"
  mkdir -p "$root/dev" "$root/usr/lib/x86_64-linux-gnu"
  for node in nvidiactl nvidia-uvm nvidia-uvm-tools nvidia-modeset; do : >"$root/dev/$node"; done
  for minor in $(sed -n 's/^      "minor": \([0-9]*\),$/\1/p' <<<"$info"); do
    : >"$root/dev/nvidia$minor"
  done
  for lib in libcuda.so libnvidia-ml.so libnvidia-ptxjitcompiler.so; do
    : >"$root/usr/lib/x86_64-linux-gnu/$lib.$version"
  done
  echo "run: no NVIDIA driver here; using the mock machine $GPULET_MOCK_MACHINE" \
       "(driver $version, stand-in files under $root)" >&2
  args=(--nvml-library "$library" --driver-root "$root")
fi
case " $* " in
  *" --allocate"*) ;;
  *) args+=(--allocate 1) ;;
esac
exec "$gpulet" doctor "${args[@]}" "$@"
