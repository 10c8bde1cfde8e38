#!/usr/bin/env bash
# Sets up the machine, builds gpulet three ways and runs every test:
#   1. ASan + UBSan build, all tests, then the node chaos soak for 60 s on
#      that build (scripts/soak.sh; its invariants are the test);
#   2. ThreadSanitizer build, the tests labelled "concurrency";
#   3. every libFuzzer target for 20 s (scripts/fuzz.sh; clang, ASan+UBSan);
#   4. the Helm chart and static manifests rendered with real Helm and
#      checked against the Kubernetes schema (scripts/helm-test.sh);
#   5. the container image built (scripts/image.sh) and run under podman
#      (scripts/image-test.sh; skipped with its reason where containers
#      cannot run);
#   6. release build (warnings are errors), all tests — its ctest summary is
#      the last thing printed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

jobs=$(nproc)
# TSan cannot map its shadow memory with the kernel's largest ASLR setting.
if [[ -w /proc/sys/vm/mmap_rnd_bits ]] && (( $(cat /proc/sys/vm/mmap_rnd_bits) > 28 )); then
  echo 28 > /proc/sys/vm/mmap_rnd_bits
fi

echo "== asan build and tests"
scripts/build.sh asan
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
   UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
   ctest --output-on-failure -j "$jobs")

echo "== node chaos soak, 60 s, asan build"
GPULET_BUILD_DIR=build-asan ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 scripts/soak.sh 60 1

echo "== tsan build and concurrency tests"
scripts/build.sh tsan
# Without address-space randomisation TSan's shadow mapping always fits,
# whatever the kernel's setting.
no_aslr=()
if setarch "$(uname -m)" -R true 2>/dev/null; then no_aslr=(setarch "$(uname -m)" -R); fi
(cd build-tsan && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/../scripts/tsan.supp" \
   "${no_aslr[@]}" ctest --output-on-failure -j "$jobs" -L concurrency --no-tests=ignore)

echo "== fuzzing, 20 s per target"
scripts/fuzz.sh 20

echo "== helm chart and manifests"
scripts/helm-test.sh

echo "== container image (run only where podman can run containers)"
scripts/image.sh
scripts/image-test.sh

echo "== release build and tests"
scripts/build.sh release
cd build && ctest --output-on-failure -j "$jobs"
