#!/usr/bin/env bash
# Configures and builds one variant of gpulet.
#   scripts/build.sh [release|asan|tsan|run] [extra cmake args...]
# Build trees: build/ (release: everything), build-asan/ and build-tsan/
# (the tests and what they run, no benchmarks), build-run/ (scripts/run.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

variant=${1:-release}
shift || true
case "$variant" in
  release) dir=build;      target=all;       args=(-DGPULET_WERROR=ON) ;;
  asan)    dir=build-asan; target=all_tests; args=(-DGPULET_SANITIZE=address -DCMAKE_BUILD_TYPE=Debug) ;;
  tsan)    dir=build-tsan; target=all_tests; args=(-DGPULET_SANITIZE=thread -DCMAKE_BUILD_TYPE=RelWithDebInfo) ;;
  # scripts/run.sh: the node side of the binary and the mock library only,
  # unoptimised and without debug info, which compiles in half the time.
  run)     dir=build-run;  target="gpulet nvml_mock"
           args=(-DCMAKE_BUILD_TYPE=None "-DGPULET_SKIP_DIRS=src/sched;src/extender;tests;bench") ;;
  *) echo "usage: $0 [release|asan|tsan|run]" >&2; exit 2 ;;
esac
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  # Relative paths in the cache keys let another checkout of the same
  # sources reuse the objects.
  export CCACHE_BASEDIR="$PWD"
  # -g writes the build directory into the objects, so ccache hashes it by
  # default; a fresh clone at a new path would then rebuild everything.
  export CCACHE_NOHASHDIR=1
  export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
fi

cmake -S . -B "$dir" -G Ninja "${launcher[@]}" "${args[@]}" "$@" >/dev/null
read -r -a targets <<<"$target"
cmake --build "$dir" -j "$(nproc)" --target "${targets[@]}"
