#!/usr/bin/env bash
# Checks gpulet against a real NVIDIA driver on the GPU machine it runs on,
# and writes what it saw under OUT_DIR (one file per check, and summary.txt):
#   scripts/gpu-node-check.sh OUT_DIR
# Environment:
#   GPULET        gpulet to run (default build-static/src/cli/gpulet)
#   DRIVER_ROOT   where the driver's files are (default /)
#   DEV_ROOT      whose dev/ holds the device nodes (default /)
#   PLUGIN_BENCH  device_plugin_bench, optional: the kubelet's view of
#                 `gpulet device-plugin` on this driver (a wrapper that sets
#                 NVIDIA_DRIVER_ROOT/NVIDIA_DEV_ROOT is the GPULET it runs)
#   CUDA_CHECKPOINT  NVIDIA's cuda-checkpoint, optional (default: what
#                 gpulet finds): `gpulet checkpoint status|suspend|resume`
#                 of a CUDA process (built here with cc, the driver API
#                 through dlopen) that checks its GPU data afterwards
#   CRIU, CRIU_PLUGIN_DIR  optional: criu and a directory holding gpulet's
#                 cuda_plugin.so: criu dump and restore of such a process
# Every check runs whatever the one before it did; the script exits 0
# unless it could not start. Needs no network.
set -uo pipefail
cd "$(dirname "$0")/.."

out=${1:?usage: scripts/gpu-node-check.sh OUT_DIR}
mkdir -p "$out"
gpulet=${GPULET:-build-static/src/cli/gpulet}
driver_root=${DRIVER_ROOT:-/}
dev_root=${DEV_ROOT:-/}
node_flags=(--driver-root "$driver_root" --dev-root "$dev_root")
summary=$out/summary.txt
: >"$summary"
TIMEFORMAT='%R'

# check NAME COMMAND...: runs it, output to OUT_DIR/NAME.txt, one summary
# line with its exit status and wall time.
check() {
  local name=$1 seconds rc
  shift
  seconds=$( { time "$@" >"$out/$name.txt" 2>&1; } 2>&1 )
  rc=$?
  printf '%-28s rc=%-3s %6ss  %s\n' "$name" "$rc" "$seconds" "$*" | tee -a "$summary"
}

{
  echo "# host"
  uname -a
  cat /etc/os-release 2>/dev/null | sed -n 's/^PRETTY_NAME=//p'
  nvidia-smi --query-gpu=index,name,uuid,pci.bus_id,driver_version,memory.total,mig.mode.current,compute_cap \
    --format=csv 2>&1
  ls -l /dev/nvidia* 2>&1
  echo "# driver root $driver_root"
  ls "$driver_root" 2>&1
  for d in bin lib lib64 lib/x86_64-linux-gnu usr/lib/x86_64-linux-gnu; do
    [[ -d $driver_root/$d ]] && { echo "## $d"; ls "$driver_root/$d" | head -80; }
  done
  command -v cuda-checkpoint || true
} >"$out/host.txt" 2>&1

check version "$gpulet" --version
check info "$gpulet" info "${node_flags[@]}"
check info-json "$gpulet" info --json "${node_flags[@]}"
check doctor "$gpulet" doctor "${node_flags[@]}" --allocate 1
check doctor-json "$gpulet" doctor "${node_flags[@]}" --allocate 1 --json
check cdi-generate "$gpulet" cdi generate "${node_flags[@]}" --output "$out/cdi-nvidia.yaml"
check cdi-validate "$gpulet" cdi validate "$out/cdi-nvidia.yaml"
check cdi-generate-json "$gpulet" cdi generate "${node_flags[@]}" --format json \
  --device-name-strategy uuid --output "$out/cdi-nvidia.json"
check labels "$gpulet" feature-discovery "${node_flags[@]}" --oneshot --no-timestamp \
  --use-node-feature-api=false --output-file "$out/labels.txt"

# The node agent for a few seconds without a kubelet: what it logs, its
# health and metrics endpoints, its memory.
metrics=127.0.0.1:19400
fetch() {
  curl -s "$1" 2>/dev/null ||
    python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1]).read().decode())' "$1"
}
"$gpulet" node "${node_flags[@]}" --kubelet-socket "" --metrics-address "$metrics" \
  --use-node-feature-api=false --output-file "$out/node-labels.txt" --sleep-interval 60s \
  >"$out/node.log" 2>&1 &
node_pid=$!
sleep 5
{
  echo "# /healthz"; fetch "http://$metrics/healthz"; echo
  echo "# /metrics"; fetch "http://$metrics/metrics"
  echo "# status"; grep -E '^(VmRSS|RssAnon|RssFile|Threads)' "/proc/$node_pid/status"
  echo "# resident KiB by mapping, largest first"
  awk '/^[0-9a-f]+-[0-9a-f]+ / {name = (NF >= 6 ? $6 : "[anon]")} /^Rss:/ {rss[name] += $2}
       END {for (n in rss) if (rss[n] > 0) print rss[n], n}' "/proc/$node_pid/smaps" | sort -rn | head -15
} >"$out/node-endpoints.txt" 2>&1
kill -TERM "$node_pid" 2>/dev/null
wait "$node_pid"
echo "node                         rc=$?  (SIGTERM after 5 s)" | tee -a "$summary"

if [[ -n ${PLUGIN_BENCH:-} ]]; then
  nvml=""
  for d in lib64 lib lib/x86_64-linux-gnu usr/lib/x86_64-linux-gnu usr/lib64; do
    if [[ -e $driver_root/$d/libnvidia-ml.so.1 ]]; then nvml=$driver_root/$d/libnvidia-ml.so.1; break; fi
  done
  check plugin-bench "$PLUGIN_BENCH" --gpulet "$gpulet" --nvml-library "$nvml" \
    --machine real-driver --allocates 2000 --restarts 20
fi

# A CUDA process holding 1 GiB of GPU memory filled with a pattern; once
# the file STOP exists it reads the memory back and writes "same" or
# "DIFFERENT" to RESULT. Built here: the driver API through dlopen, no
# CUDA headers.
holder=""
work=$(mktemp -d)
if command -v cc >/dev/null; then
  cat >"$work/cuda_holder.c" <<'EOF'
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
typedef int (*init_fn)(unsigned);
typedef int (*device_get_fn)(int*, int);
typedef int (*ctx_create_fn)(void**, unsigned, int);
typedef int (*mem_alloc_fn)(unsigned long long*, size_t);
typedef int (*htod_fn)(unsigned long long, const void*, size_t);
typedef int (*dtoh_fn)(void*, unsigned long long, size_t);
int main(int argc, char** argv) {
  if (argc != 4) { fprintf(stderr, "usage: cuda_holder READY STOP RESULT\n"); return 2; }
  void* cuda = dlopen("libcuda.so.1", RTLD_NOW);
  if (!cuda) { fprintf(stderr, "%s\n", dlerror()); return 1; }
  int device = 0; void* ctx = NULL; unsigned long long ptr = 0;
  size_t size = (size_t)1 << 30, words = size / sizeof(unsigned);
  unsigned* data = malloc(size); unsigned* back = malloc(size);
  for (size_t i = 0; i < words; ++i) data[i] = (unsigned)(i * 2654435761u);
  int rc = ((init_fn)dlsym(cuda, "cuInit"))(0);
  if (!rc) rc = ((device_get_fn)dlsym(cuda, "cuDeviceGet"))(&device, 0);
  if (!rc) rc = ((ctx_create_fn)dlsym(cuda, "cuCtxCreate_v2"))(&ctx, 0, device);
  if (!rc) rc = ((mem_alloc_fn)dlsym(cuda, "cuMemAlloc_v2"))(&ptr, size);
  if (!rc) rc = ((htod_fn)dlsym(cuda, "cuMemcpyHtoD_v2"))(ptr, data, size);
  if (rc) { fprintf(stderr, "CUDA error %d\n", rc); return 1; }
  FILE* ready = fopen(argv[1], "w"); fprintf(ready, "%d\n", getpid()); fclose(ready);
  while (access(argv[2], F_OK) != 0) usleep(50000);
  rc = ((dtoh_fn)dlsym(cuda, "cuMemcpyDtoH_v2"))(back, ptr, size);
  FILE* result = fopen(argv[3], "w");
  fprintf(result, "%s (cuMemcpyDtoH %d)\n", !rc && !memcmp(data, back, size) ? "same" : "DIFFERENT", rc);
  fclose(result);
  return 0;
}
EOF
  cc -O2 -o "$work/cuda_holder" "$work/cuda_holder.c" -ldl >"$out/cuda-holder-build.txt" 2>&1 && holder=$work/cuda_holder
fi
# start_holder TAG: starts one in its own session; sets holder_pid.
start_holder() {
  rm -f "$work/$1.ready" "$work/$1.stop" "$work/$1.result"
  setsid "$holder" "$work/$1.ready" "$work/$1.stop" "$work/$1.result" </dev/null \
    >"$work/$1.log" 2>&1 &
  holder_pid=$!
  for _ in $(seq 300); do [[ -s $work/$1.ready ]] && break; sleep 0.1; done
}
# finish_holder TAG: lets it check its data; prints the verdict.
finish_holder() {
  touch "$work/$1.stop"
  for _ in $(seq 300); do [[ -s $work/$1.result ]] && break; sleep 0.1; done
  cat "$work/$1.result" 2>/dev/null || { echo "no result"; cat "$work/$1.log"; }
}
apps() { nvidia-smi --query-compute-apps=pid,used_memory --format=csv,noheader 2>&1 | tr '\n' ' '; }

if [[ -n $holder ]]; then
  tool=()
  if [[ -n ${CUDA_CHECKPOINT:-} ]]; then tool=(--cuda-checkpoint "$CUDA_CHECKPOINT"); fi
  start_holder gpulet
  echo "nvidia-smi apps: $(apps)" >"$out/smi-apps.txt"
  check ckpt-status "$gpulet" checkpoint status --pid "$holder_pid" "${node_flags[@]}" "${tool[@]}"
  check ckpt-suspend "$gpulet" checkpoint suspend --pid "$holder_pid" "${node_flags[@]}" "${tool[@]}"
  echo "nvidia-smi apps, suspended: $(apps)" >>"$out/smi-apps.txt"
  check ckpt-status-suspended "$gpulet" checkpoint status --pid "$holder_pid" "${node_flags[@]}" "${tool[@]}"
  check ckpt-resume "$gpulet" checkpoint resume --pid "$holder_pid" "${node_flags[@]}" "${tool[@]}"
  check ckpt-status-resumed "$gpulet" checkpoint status --pid "$holder_pid" "${node_flags[@]}" "${tool[@]}"
  echo "nvidia-smi apps, resumed: $(apps)" >>"$out/smi-apps.txt"
  echo "cuda-holder (gpulet)         $(finish_holder gpulet)" | tee -a "$summary"

  if [[ -n ${CRIU:-} && -n ${CRIU_PLUGIN_DIR:-} ]]; then
    check criu-check "$CRIU" check
    start_holder criu
    before=$(apps)
    images=$work/images
    mkdir -p "$images"
    export GPULET_CUDA_CHECKPOINT=${CUDA_CHECKPOINT:-}
    check criu-dump "$CRIU" dump -t "$holder_pid" -D "$images" -L "$CRIU_PLUGIN_DIR" -v4 -o dump.log
    after_dump=$(apps)
    check criu-restore "$CRIU" restore -D "$images" -L "$CRIU_PLUGIN_DIR" -v4 -o restore.log -d
    sleep 0.5
    {
      echo "nvidia-smi apps before dump: $before"
      echo "after dump: $after_dump"
      echo "after restore: $(apps)"
      echo "process $holder_pid: $(ps -o stat=,cmd= -p "$holder_pid" 2>&1)"
      for log in dump restore; do
        echo "# $log.log: plugin lines"
        grep -E 'cuda_plugin|Plugin "|Dumping finished|Restore finished|Error' "$images/$log.log" | tail -40
      done
      du -sh "$images"
    } >"$out/criu.txt" 2>&1
    echo "cuda-holder (criu)           $(finish_holder criu)" | tee -a "$summary"
    cp "$images/dump.log" "$images/restore.log" "$out/" 2>/dev/null
  fi
fi
rm -rf "$work"
exit 0
