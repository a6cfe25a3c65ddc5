#!/usr/bin/env python3
"""Markdown summary of a `hashsieve bench --json` report (for bench/results/ and the README).

usage: summarize_bench.py REPORT.json [--plot PNG] [--owed TEXT ...] > SUMMARY.md
"""
import argparse
import json


def si(v):
    for div, p in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
        if v >= div:
            v /= div
            break
    else:
        p = ""
    return f"{v:.3g}{p}"


def rate(r, key):
    x = r["rates"].get(key)
    return f'{si(x["median"])} ({si(x["min"])}-{si(x["max"])})' if x else ""


def cores(r):
    # Process CPU seconds per wall second: the share of the cores the run really got.
    c, s = r.get("cpu_seconds"), r["seconds"]["median"]
    return f'{c["median"] / s:.2f}' if c and s > 0 else ""


def stages(r):
    return ", ".join(f"{k} {v * 100:.0f}%" for k, v in r["stage_shares"].items() if v >= 0.005)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("report")
    ap.add_argument("--plot", help="plot path to link, relative to the summary")
    ap.add_argument("--owed", action="append", default=[], help="a line for 'Owed'")
    a = ap.parse_args()
    with open(a.report) as f:
        rep = json.load(f)
    m, meth = rep["machine"], rep["method"]
    out = []
    out.append(f'# hashsieve bench: {m["cpu_model"]}, {m["cpus_usable"]} CPUs, {rep["date_utc"][:10]}\n')
    out.append(f'- Machine: {m["cpu_model"]} ({m["physical_cores"]} cores / {m["logical_cpus"]} threads,'
               f' {m["cpus_usable"]} usable; {m["cpu_flags_of_note"]}), {m["mem_total_bytes"] / 2**30:.1f} GiB,'
               f' {m["kernel"]}')
    out.append(f'- GPU: {"; ".join(m["gpu"].splitlines())}')
    out.append(f'- Build: {m["build_type"]}, {m["compiler"]}, commit {m["commit"]}')
    out.append(f'- Method: {meth["warmup"]} warm-up + {meth["repeat"]} timed runs per configuration; median'
               ' (min-max); every run\'s output checked before its time is kept')
    out.append(f'- Command: `{rep["command"]}`')
    load = rep.get("load_average", {})
    if load.get("start") and load.get("end"):
        out.append(f'- Load average (1 min) at start {load["start"][0]:.2f}, at end {load["end"][0]:.2f}'
                   f' on {m["cpus_usable"]} CPUs: other work on the machine shares these cores')
    inp = rep["inputs"]
    if "corpus" in inp:
        c = inp["corpus"]
        out.append(f'- Corpus: {c["path"]}: {c["files"]} files, {c["bytes"] / 2**20:.0f} MiB'
                   f' (videos sampled at {inp["video_fps"]} frame/s)')
    if "synthetic" in inp:
        out.append(f'- Kernel frames: synthetic {inp["synthetic"]}')
    out.append(f'- Match: {inp["queries"]} queries x {inp["list_size"]} list entries, threshold {inp["threshold"]}')
    if a.plot:
        out.append(f"\n![throughput vs threads and batch size]({a.plot})")
    out.append("\n| workload | backend | variant | threads | batch | seconds | cores used | files/s | MP/s |"
               " frames/s | comparisons/s | peak RSS | stage shares |")
    out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    skipped = []
    for r in rep["results"]:
        if r["status"] != "ok":
            skipped.append(r)
            continue
        s = r["seconds"]
        variant = r["variant"] + (" (peer baseline)" if r.get("peer_baseline") else "")
        out.append(f'| {r["workload"]} | {r["backend"]} | {variant} | {r["threads"]} | {r["batch_size"]} |'
                   f' {s["median"]:.3g} ({s["min"]:.3g}-{s["max"]:.3g}) | {cores(r)} | {rate(r, "files_per_s")} |'
                   f' {rate(r, "mp_per_s")} | {rate(r, "frames_per_s")} | {rate(r, "comparisons_per_s")} |'
                   f' {r["peak_rss_bytes"] / 2**20:.0f} MiB | {stages(r)} |')
    if rep["peers"]:
        out.append("\n| peer | input | threads | peer rate | hashsieve rate (configuration) | hashsieve / peer |")
        out.append("|---|---|---|---|---|---|")
        for p in rep["peers"]:
            if p["status"] != "ok":
                out.append(f'| {p["peer"]} | {p["input"]} | {p["threads"]} | {p["status"]} | | |')
                continue
            out.append(f'| {p["peer"]} | {p["input"]} | {p["threads"]} | {si(p["rate"]["median"])} {p["unit"]} |'
                       f' {si(p["hashsieve_rate"])} ({p["hashsieve_config"]}) |'
                       f' **{p["ratio_hashsieve_over_peer"]:.2f}x** |')
        out.append("\nPeer checks: " + "; ".join(f'{p["peer"]} on {p["input"]}: {p["check"]}' for p in rep["peers"]))
    if skipped:
        reasons = {}
        for r in skipped:
            reasons.setdefault(r["status"], []).append(f'{r["workload"]}/{r["backend"]}')
        out.append("\nNot measured: " + "; ".join(f'{k} ({", ".join(sorted(set(v)))})' for k, v in reasons.items()))
    checks = sorted({f'{r["workload"]}: {r["check"]}' for r in rep["results"] if r["status"] == "ok"})
    out.append("\nChecks per run: " + "; ".join(checks))
    if a.owed:
        out.append("\nOwed:")
        out.extend(f"- {line}" for line in a.owed)
    print("\n".join(out))


if __name__ == "__main__":
    main()
