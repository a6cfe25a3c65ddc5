#!/usr/bin/env python3
"""Plots a `hashsieve bench --json` report: throughput against threads (one panel per workload)
and against batch size, medians with min-max error bars. Usage: plot_bench.py REPORT.json OUT.png
"""
import json
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")  # files only; no display on build and CI machines
import matplotlib.pyplot as plt  # noqa: E402

# The rate each workload is judged by, and its axis label.
PRIMARY = {
    "decode": ("files_per_s", "files/s"),
    "hash": ("files_per_s", "files/s"),
    "scan": ("files_per_s", "files/s"),
    "kernel": ("frames_per_s", "frames/s"),
    "match": ("comparisons_per_s", "comparisons/s"),
}
ORDER = ["decode", "hash", "kernel", "match", "scan"]


def series(results, x_key, fixed_key):
    """{(workload, label): [(x, median, min, max)]} for ok records with the primary rate."""
    out = defaultdict(list)
    for r in results:
        if r["status"] != "ok" or r["workload"] not in PRIMARY or r.get("peer_baseline"):
            continue
        rate = r["rates"].get(PRIMARY[r["workload"]][0])
        if not rate:
            continue
        if fixed_key == "batch_size":
            # A match call takes all queries at once: its "batch" is the query count.
            fixed = f'{r["batch_size"]} queries' if r["workload"] == "match" else f'batch {r["batch_size"]}'
        else:
            fixed = f'{r["threads"]} threads'
        label = f'{r["backend"]} {r["variant"]}, {fixed}'
        out[(r["workload"], label)].append((r[x_key], rate["median"], rate["min"], rate["max"]))
    return {k: sorted(v) for k, v in out.items()}


def draw(ax, points, label):
    xs = [p[0] for p in points]
    med = [p[1] for p in points]
    lo = [p[1] - p[2] for p in points]
    hi = [p[3] - p[1] for p in points]
    ax.errorbar(xs, med, yerr=[lo, hi], marker="o", capsize=3, label=label)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1]) as f:
        report = json.load(f)
    results = report["results"]
    by_threads = series(results, "threads", "batch_size")
    by_batch = series(results, "batch_size", "threads")
    workloads = [w for w in ORDER if any(k[0] == w for k in by_threads)]
    # A batch panel only where some configuration was measured at more than one batch size.
    batch_lines = {k: v for k, v in by_batch.items() if len(v) > 1}
    panels = len(workloads) + (1 if batch_lines else 0)
    if panels == 0:
        sys.exit("plot_bench.py: no successful result to plot")
    cols = min(3, panels)
    rows = (panels + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, 4.0 * rows), squeeze=False)
    flat = [ax for row in axes for ax in row]
    for ax, w in zip(flat, workloads):
        for (wl, label), pts in by_threads.items():
            if wl == w:
                draw(ax, pts, label)
        ax.set_title(w)
        ax.set_xlabel("threads")
        ax.set_ylabel(PRIMARY[w][1])
        ax.set_xticks(sorted({p[0] for (wl, _), pts in by_threads.items() if wl == w for p in pts}))
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    if batch_lines:
        ax = flat[len(workloads)]
        for (wl, label), pts in batch_lines.items():
            draw(ax, pts, f"{wl} {label}")
        ax.set_xscale("log", base=2)
        ax.set_title("batch size")
        ax.set_xlabel("frames per hash call")
        ax.set_ylabel("rate (unit of the workload)")
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    for ax in flat[panels:]:
        ax.axis("off")
    m = report["machine"]
    fig.suptitle(
        f'hashsieve bench, {report["date_utc"][:10]}: {m["cpu_model"]}, {m["cpus_usable"]} CPUs'
        f' usable; {"GPU: " + m["gpu"].splitlines()[-1] if m["cuda_device"] else "no GPU"};'
        f' {m["build_type"]} {m["commit"]}\nmedian of {report["method"]["repeat"]} checked runs,'
        " bars min-max",
        fontsize=9,
    )
    fig.tight_layout()
    fig.savefig(sys.argv[2], dpi=110)
    print(f"plot: {sys.argv[2]}")


if __name__ == "__main__":
    main()
