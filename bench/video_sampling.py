#!/usr/bin/env python3
"""What each --video-sampling mode gives on the corpus's video variants.

For each mode (frame: vPDQ's frame-number rule, the default; time: presentation timestamps),
the originals of the corpus's video groups are hashed into a list, then every variant marked
"match-original" in the manifest is scanned against it; the table holds the vPDQ match
percentages of the variant against its own original (python-threatexchange calls a video a
match at query % >= 80). Usage: video_sampling.py HASHSIEVE CORPUS WORKDIR > table.md
"""
import json
import pathlib
import subprocess
import sys

MODES = ("frame", "time")


def run(cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def main():
    cli, corpus, work = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
    work.mkdir(parents=True, exist_ok=True)
    manifest = [json.loads(l) for l in (corpus / "manifest.jsonl").read_text().splitlines() if l]
    videos = [m for m in manifest if m["kind"] == "video"]
    originals = {m["group"]: m for m in videos if m["expected"] == "ok"}
    variants = [m for m in videos if m["expected"] == "match-original" and m["group"] in originals]

    results = {}  # (variant path, mode) -> (query %, compared %, query frames)
    for mode in MODES:
        records = work / f"originals-{mode}.jsonl"
        hsl = work / f"originals-{mode}.hsl"
        run([cli, "hash", "-q", "--video-sampling", mode, "-o", str(records),
             *[str(corpus / m["path"]) for m in originals.values()]])
        run([cli, "list", "build", str(records), "-o", str(hsl)])
        out = run([cli, "scan", "-q", "--threads", "2", "--video-sampling", mode, "--list", str(hsl),
                   *[str(corpus / m["path"]) for m in variants]])
        for line, m in zip(out.splitlines(), variants):
            rec = json.loads(line)
            own = str(corpus / originals[m["group"]]["path"])
            hit = [v for v in rec.get("video_matches", []) if v.get("list_id") == own]
            q = hit[0]["query_match_percent"] if hit else 0.0
            c = hit[0]["compared_match_percent"] if hit else 0.0
            results[(m["path"], mode)] = (q, c, len(rec.get("frames", [])))

    print("| variant | transform | frame: query % / compared % (frames) | time: query % / compared % (frames) |")
    print("|---|---|---|---|")
    for m in variants:
        cells = []
        for mode in MODES:
            q, c, n = results[(m["path"], mode)]
            cells.append(f"{q:.1f} / {c:.1f} ({n})")
        print(f'| `{m["path"]}` | {m["transform"]} | {cells[0]} | {cells[1]} |')


if __name__ == "__main__":
    main()
