#!/usr/bin/env python3
"""Pivots `gpulet simulate --output` CSVs into one Markdown table per arrival
level: one row per trace, one column per policy, mean ± std over seeds, plus
the mean over traces and each policy's per-trace wins against a reference.
With --diff each cell also shows the difference to the reference's mean,
and the table ends with wins, losses and losses by more than one std (the
larger of the two policies' stds on that trace).

  scripts/sched-compare.py --arrival 130 --reference 06-FGD [--diff] RUNS.csv
"""
import argparse
import csv
import statistics
from collections import defaultdict


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("runs", nargs="+")
    parser.add_argument("--arrival", default="130")
    parser.add_argument("--reference", default="06-FGD")
    parser.add_argument("--diff", action="store_true")
    args = parser.parse_args()
    values = defaultdict(list)  # (workload, policy) -> [value per seed]
    policies, workloads = [], []
    for path in args.runs:
        with open(path, newline="") as f:
            for row in csv.DictReader(f):
                key = (row["workload"], row["sc_policy"])
                if row[args.arrival] == "":
                    continue
                values[key].append(float(row[args.arrival]))
                if row["sc_policy"] not in policies:
                    policies.append(row["sc_policy"])
                if row["workload"] not in workloads:
                    workloads.append(row["workload"])
    print(f"| trace @{args.arrival} % | " + " | ".join(policies) + " |")
    print("| --- |" + " ---: |" * len(policies))
    means = defaultdict(list)
    wins = defaultdict(int)
    losses = defaultdict(int)
    big_losses = defaultdict(int)
    for w in workloads:
        cells = []
        ref = values.get((w, args.reference))
        for p in policies:
            v = values.get((w, p))
            if not v:
                cells.append("-")
                continue
            mean = statistics.fmean(v)
            std = statistics.pstdev(v)
            means[p].append(mean)
            cell = f"{mean:.2f} ± {std:.2f}"
            if ref:
                delta = mean - statistics.fmean(ref)
                if delta > 0:
                    wins[p] += 1
                elif delta < 0:
                    losses[p] += 1
                    if -delta > max(std, statistics.pstdev(ref)):
                        big_losses[p] += 1
                if args.diff and p != args.reference:
                    cell += f" ({delta:+.2f})"
            cells.append(cell)
        print(f"| {w.replace('openb_pod_list_', '')} | " + " | ".join(cells) + " |")
    print("| **mean over traces** | " + " | ".join(
        f"**{statistics.fmean(means[p]):.2f}**" if means[p] else "-"
        for p in policies) + " |")
    print(f"| traces above {args.reference} | " + " | ".join(
        f"{wins[p]}/{len(means[p])}" for p in policies) + " |")
    if args.diff:
        print(f"| traces below {args.reference} (by > 1 std) | " + " | ".join(
            f"{losses[p]} ({big_losses[p]})" for p in policies) + " |")


if __name__ == "__main__":
    main()
