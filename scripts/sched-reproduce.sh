#!/usr/bin/env bash
# Replays the 17 traces of the FGD paper's evaluation with the paper's six
# policies (with --all, the deployed anchors and our variants; with
# --beyond, FGD and the policies that try to beat it) over seeds 42-51, side
# by side with the artifact's published summary. Writes
# OUT_DIR/{paper,ours,beyond}-table.md and the per-run CSV
# {paper,ours,beyond}-runs.csv.
#   scripts/sched-reproduce.sh DATA_DIR OUT_DIR [--all|--beyond]
# DATA_DIR is the alibaba-gpu-2023 folder (csv/ and fgd-expected-results/).
set -euo pipefail
usage="usage: $0 DATA_DIR OUT_DIR [--all|--beyond]"
data=${1:?$usage}
out=${2:?$usage}
mkdir -p "$out"
gpulet=${GPULET:-build/src/cli/gpulet}
traces=(default cpu050 cpu100 cpu200 cpu250 gpushare40 gpushare60 gpushare80
        gpushare100 multigpu20 multigpu30 multigpu40 multigpu50 gpuspec10
        gpuspec20 gpuspec25 gpuspec33)
pods=$(printf "$data/csv/openb_pod_list_%s.csv," "${traces[@]}")
policies=random,dotprod,gpuclustering,gpupacking,bestfit,fgd
name=paper
case ${3:-} in
  "") ;;
  --all)
    policies=fgd,hami-binpack,hami-spread,volcano-binpack,fgd-online,fgd-exact,fgd-exact-online
    name=ours ;;
  --beyond)
    policies=fgd,fgd-cpumem,fgd-lookahead,fgd-demand,fgd-cpumem-lookahead
    name=beyond ;;
  *) echo "$usage" >&2; exit 2 ;;
esac
"$gpulet" simulate \
  --nodes "$data/csv/openb_node_list_gpu_node.csv" \
  --pods "${pods%,}" \
  --policy "$policies" --seeds 42-51 --jobs 2 \
  --paper "$data/fgd-expected-results/summary_gpu_alloc_ratio_pct_by_arrived_pct.csv" \
  --output "$out/$name-runs.csv" > "$out/$name-table.md"
