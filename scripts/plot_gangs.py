#!/usr/bin/env python3
"""Draws the GPU allocation ratio over time of a gang simulation report, one
line per policy, as a standalone SVG (standard library only).

  gpulet simulate --workload gangs --seeds 42-46 --format json > gangs.json
  scripts/plot_gangs.py gangs.json [-o docs/images/gangs-allocation.svg]

The report's series are seed means, already downsampled to at most 200
points of `allocation_ratio_series_step_s` seconds each.
"""
import argparse
import json
import os
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 760, 380
LEFT, RIGHT, TOP, BOTTOM = 60, 150, 30, 50
COLORS = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]


def series_points(policy):
    step_h = policy["allocation_ratio_series_step_s"] / 3600.0
    return [(i * step_h, 100.0 * y)
            for i, y in enumerate(policy["allocation_ratio_series"])]


def nice_step(span):
    for step in (1, 2, 4, 6, 12, 24, 48):
        if span / step <= 10:
            return step
    return 96


def render(report):
    policies = report["policies"]
    lines = {name: series_points(p) for name, p in sorted(policies.items())}
    max_h = max((pts[-1][0] for pts in lines.values() if pts), default=1.0)
    max_h = max(max_h, 1.0)
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM

    def x(hours):
        return LEFT + plot_w * hours / max_h

    def y(percent):
        return TOP + plot_h * (1 - percent / 100.0)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" '
           f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
           'font-family="sans-serif" font-size="12">',
           f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
           f'<text x="{LEFT}" y="18" font-size="14">GPU allocation ratio, '
           f'mean of seeds {escape(seeds_label(report["seeds"]))}</text>']
    for percent in range(0, 101, 20):
        out.append(f'<line x1="{LEFT}" y1="{y(percent):.1f}" x2="{LEFT + plot_w}" '
                   f'y2="{y(percent):.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{LEFT - 8}" y="{y(percent) + 4:.1f}" '
                   f'text-anchor="end">{percent}%</text>')
    step = nice_step(max_h)
    hour = 0
    while hour <= max_h + 1e-9:
        out.append(f'<line x1="{x(hour):.1f}" y1="{TOP + plot_h}" x2="{x(hour):.1f}" '
                   f'y2="{TOP + plot_h + 5}" stroke="#333"/>')
        out.append(f'<text x="{x(hour):.1f}" y="{TOP + plot_h + 18}" '
                   f'text-anchor="middle">{hour}</text>')
        hour += step
    out.append(f'<text x="{LEFT + plot_w / 2}" y="{HEIGHT - 10}" '
               'text-anchor="middle">simulated hours</text>')
    out.append(f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" '
               'fill="none" stroke="#333"/>')
    for index, (name, pts) in enumerate(lines.items()):
        color = COLORS[index % len(COLORS)]
        path = " ".join(f"{x(h):.1f},{y(p):.1f}" for h, p in pts)
        out.append(f'<polyline fill="none" stroke="{color}" stroke-width="1.5" '
                   f'points="{path}"/>')
        mean = 100.0 * policies[name]["allocation_ratio_mean"]
        legend_y = TOP + 16 + 20 * index
        out.append(f'<line x1="{LEFT + plot_w + 12}" y1="{legend_y - 4}" '
                   f'x2="{LEFT + plot_w + 32}" y2="{legend_y - 4}" '
                   f'stroke="{color}" stroke-width="3"/>')
        out.append(f'<text x="{LEFT + plot_w + 38}" y="{legend_y}">'
                   f'{escape(name)} ({mean:.1f}%)</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def seeds_label(seeds):
    if len(seeds) > 2 and seeds == list(range(seeds[0], seeds[-1] + 1)):
        return f"{seeds[0]}-{seeds[-1]}"
    return ",".join(str(s) for s in seeds)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", help="JSON of gpulet simulate --workload gangs")
    parser.add_argument("-o", "--output", default="docs/images/gangs-allocation.svg")
    args = parser.parse_args()
    with open(args.report) as f:
        report = json.load(f)
    svg = render(report)
    with open(args.output + ".tmp", "w") as f:
        f.write(svg)
    os.replace(args.output + ".tmp", args.output)


if __name__ == "__main__":
    main()
