#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) in build-fuzz/ with clang, ASan and
# UBSan, and runs each in turn on a copy of its seed corpus.
#   scripts/fuzz.sh [seconds-per-target] [target...]
# Default: 20 seconds for every target, which keeps the whole step (warm
# ccache build and runs) within CI's 6 minutes on 2 cores. Prints one line
# per target and exits non-zero when any run ends in a crash, a leak, a
# timeout or a sanitizer report; the input that did it is kept under
# build-fuzz/fuzz-runs/<target>/ (see docs/reliability.md to reproduce).
# New corpus entries stay in build-fuzz/, never in fuzz/corpus/.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-20}
shift || true
if ! [[ $seconds =~ ^[0-9]+$ ]] || ((seconds < 1)); then
  echo "usage: $0 [seconds-per-target] [target...]" >&2
  exit 2
fi
scripts/setup.sh

dir=build-fuzz
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  # As scripts/build.sh: cache keys without the checkout's path.
  export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
  export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
fi
# Only the modules the parsers live in (and what they link) are built.
skip="mock/nvml;proto;src/plugin;src/node;src/doctor;src/cli;tests;bench"
skip+=";src/resources;src/allocation;src/health;src/checkpoint;mock/cuda_checkpoint"
CC=clang CXX=clang++ cmake -S . -B "$dir" -G Ninja "${launcher[@]}" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGPULET_FUZZ=ON "-DGPULET_SKIP_DIRS=$skip" >/dev/null

targets=("$@")
if ((${#targets[@]} == 0)); then
  for source in fuzz/*_fuzzer.cc; do
    name=${source#fuzz/}
    targets+=("${name%.cc}")
  done
fi
cmake --build "$dir" -j "$(nproc)" --target "${targets[@]}"

# libFuzzer's final statistics and its last status line ("#N ... cov: C
# ft: F corp: ...") hold the figures of the table.
final_stat() { sed -n "s/^stat::$1: *//p" "$2" | tail -n 1; }
status_field() { grep -E '^#[0-9]+' "$2" | tail -n 1 | sed -n "s/.* $1: \([0-9]*\).*/\1/p"; }

failed=0
rows=()
for target in "${targets[@]}"; do
  work=$dir/fuzz-runs/$target
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/artifacts"
  cp fuzz/corpus/"$target"/* "$work/corpus/"
  log=$work/log
  start=$SECONDS
  rc=0
  # One input takes milliseconds; 25 s is a hang even on a loaded machine
  # (10 s gave false timeouts at a load average of 20).
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$dir/fuzz/$target" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$work/corpus" >"$log" 2>&1 || rc=$?
  result=ok
  artifacts=$(find "$work/artifacts" -type f -print -quit)
  if ((rc != 0)) || [[ -n $artifacts ]]; then
    result="FAILED rc=$rc ${artifacts:-(see $log)}"
    failed=1
    grep -m 8 -E 'ERROR: |runtime error|==[0-9]+==|Test unit written|terminate called|what\(\)' "$log" >&2 || true
  fi
  rows+=("$(printf '%-22s %7s %12s %9s %7s %8s %8s  %s' "$target" "$((SECONDS - start))" \
    "$(final_stat number_of_executed_units "$log")" "$(final_stat average_exec_per_sec "$log")" \
    "$(status_field cov "$log")" "$(status_field ft "$log")" \
    "$(find "$work/corpus" -type f | wc -l)" "$result")")
done

printf '%-22s %7s %12s %9s %7s %8s %8s  %s\n' target seconds executions exec/s cov ft corpus result
printf '%s\n' "${rows[@]}"
exit "$failed"
