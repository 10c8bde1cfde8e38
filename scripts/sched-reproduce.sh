#!/usr/bin/env bash
# Replays the 17 traces of the FGD paper's evaluation with the paper's six
# policies (and, with --all, the deployed anchors and our variants) over
# seeds 42-51, side by side with the artifact's published summary. Writes
# OUT_DIR/{paper,ours}-table.md and the per-run CSV {paper,ours}-runs.csv.
#   scripts/sched-reproduce.sh DATA_DIR OUT_DIR [--all]
# DATA_DIR is the alibaba-gpu-2023 folder (csv/ and fgd-expected-results/).
set -euo pipefail
data=${1:?usage: $0 DATA_DIR OUT_DIR [--all]}
out=${2:?usage: $0 DATA_DIR OUT_DIR [--all]}
mkdir -p "$out"
gpulet=${GPULET:-build/src/cli/gpulet}
traces=(default cpu050 cpu100 cpu200 cpu250 gpushare40 gpushare60 gpushare80
        gpushare100 multigpu20 multigpu30 multigpu40 multigpu50 gpuspec10
        gpuspec20 gpuspec25 gpuspec33)
pods=$(printf "$data/csv/openb_pod_list_%s.csv," "${traces[@]}")
policies=random,dotprod,gpuclustering,gpupacking,bestfit,fgd
name=paper
if [[ ${3:-} == --all ]]; then
  policies=fgd,hami-binpack,hami-spread,volcano-binpack,fgd-online,fgd-exact,fgd-exact-online
  name=ours
fi
"$gpulet" simulate \
  --nodes "$data/csv/openb_node_list_gpu_node.csv" \
  --pods "${pods%,}" \
  --policy "$policies" --seeds 42-51 --jobs 2 \
  --paper "$data/fgd-expected-results/summary_gpu_alloc_ratio_pct_by_arrived_pct.csv" \
  --output "$out/$name-runs.csv" > "$out/$name-table.md"
