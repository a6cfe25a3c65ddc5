#!/usr/bin/env python3
"""--decoder gpu against --decoder cpu: hashes a corpus both ways with the CLI and compares the
records file by file (identical, or PDQ/pHash distances), grouped by the decoder that produced
the gpu run's pixels. Prints a markdown report (also to --markdown FILE); exit 1 when the two
runs do not cover the same files or disagree on which files fail."""
import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile


def records(cli, corpus, decoder, threads, out):
    subprocess.run([cli, "hash", corpus, "--decoder", decoder, "--threads", str(threads),
                    "-q", "-o", out], check=False, stdin=subprocess.DEVNULL)
    with open(out, encoding="utf-8") as f:
        return {r.get("path_hex", r["path"]): r for r in map(json.loads, f)}


def distance(a, b):
    return bin(int(a, 16) ^ int(b, 16)).count("1")


def frame_hashes(r, key):
    if "frames" in r:
        return [f[key] for f in r["frames"]]
    return [r[key]]


def percentile(sorted_values, q):
    if not sorted_values:
        return 0
    return sorted_values[min(len(sorted_values) - 1, int(q * (len(sorted_values) - 1) + 0.5))]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--markdown")
    ap.add_argument("--goal-median", type=int, help="exit 1 when a group's median PDQ distance is above")
    ap.add_argument("--goal-p99", type=int, help="exit 1 when a group's p99 PDQ distance is above")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cpu = records(a.cli, a.corpus, "cpu", a.threads, os.path.join(tmp, "cpu.jsonl"))
        gpu = records(a.cli, a.corpus, "gpu", a.threads, os.path.join(tmp, "gpu.jsonl"))
    problems = []
    if set(cpu) != set(gpu):
        problems.append(f"paths differ: {len(set(cpu) ^ set(gpu))} in one run only")
    groups = collections.defaultdict(lambda: {"files": 0, "identical": 0, "pdq": [], "phash": []})
    worst = []
    for path in sorted(set(cpu) & set(gpu)):
        c, g = cpu[path], gpu[path]
        if ("error" in c) != ("error" in g) or c.get("error") != g.get("error"):
            problems.append(f"{path}: cpu {c.get('error', 'ok')}, gpu {g.get('error', 'ok')}")
            continue
        name = "error" if "error" in g else f"{g['kind']} via {g.get('decoder', '?')}"
        grp = groups[name]
        grp["files"] += 1
        g_cmp = {k: v for k, v in g.items() if k != "decoder"}
        if g_cmp == c:
            grp["identical"] += 1
        if "error" in g:
            continue
        pdq = max(distance(x, y) for x, y in zip(frame_hashes(c, "pdq"), frame_hashes(g, "pdq")))
        ph = max(distance(x, y) for x, y in zip(frame_hashes(c, "phash"), frame_hashes(g, "phash")))
        grp["pdq"].append(pdq)
        grp["phash"].append(ph)
        worst.append((pdq, ph, path))
    lines = [f"Corpus `{a.corpus}`: {len(cpu)} records (cpu run), {len(gpu)} (gpu run); "
             f"threads {a.threads}.", "",
             "| pixels from | files | identical records | differing | PDQ distance median / p99 / max | pHash max |",
             "|---|---|---|---|---|---|"]
    for name in sorted(groups):
        grp = groups[name]
        pdq = sorted(grp["pdq"])
        dist = (f"{percentile(pdq, 0.5)} / {percentile(pdq, 0.99)} / {pdq[-1]}" if pdq else "-")
        ph = max(grp["phash"]) if grp["phash"] else "-"
        lines.append(f"| {name} | {grp['files']} | {grp['identical']} | "
                     f"{grp['files'] - grp['identical']} | {dist} | {ph} |")
    total = sum(g["files"] for g in groups.values())
    same = sum(g["identical"] for g in groups.values())
    all_pdq = [w[0] for w in worst]
    lines += ["", f"All: {total} files compared, {same} identical records, {total - same} differing; "
              f"worst PDQ distance {max(all_pdq) if all_pdq else 0}."]
    worst.sort(reverse=True)
    if worst and worst[0][0] > 0:
        lines += ["", "Largest PDQ distances:", ""]
        lines += [f"- {p} (PDQ {d}, pHash {h})" for d, h, p in worst[:10] if d > 0]
    if problems:
        lines += ["", "Disagreements on which files fail:", ""] + [f"- {p}" for p in problems]
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if a.markdown:
        with open(a.markdown, "w", encoding="utf-8") as f:
            f.write(text)
    missed = []
    for name, grp in groups.items():
        pdq = sorted(grp["pdq"])
        if a.goal_median is not None and percentile(pdq, 0.5) > a.goal_median:
            missed.append(f"{name}: median above {a.goal_median}")
        if a.goal_p99 is not None and percentile(pdq, 0.99) > a.goal_p99:
            missed.append(f"{name}: p99 above {a.goal_p99}")
    for m in missed:
        print("goal missed:", m)
    return 1 if problems or missed else 0


if __name__ == "__main__":
    sys.exit(main())
