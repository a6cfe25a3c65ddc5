"""Shared fixtures: the small corpus (skips when absent) and the CLI binary (when built)."""
import os
import pathlib

import pytest


def _corpus():
    env = os.environ.get("HASHSIEVE_CORPUS")
    # tools/test makes it in build/corpus-small when HASHSIEVE_CORPUS is not set.
    default = pathlib.Path(__file__).resolve().parents[2] / "build" / "corpus-small"
    for c in ([env] if env else []) + [str(default)]:
        if c and (pathlib.Path(c) / "manifest.jsonl").is_file():
            return pathlib.Path(c)
    return None


@pytest.fixture(scope="session")
def corpus():
    c = _corpus()
    if c is None:
        pytest.skip("no small corpus (set HASHSIEVE_CORPUS)")
    return c


@pytest.fixture(scope="session")
def cli():
    p = os.environ.get("HASHSIEVE_CLI")
    if not p or not os.access(p, os.X_OK):
        pytest.skip("the hashsieve CLI is not built (HASHSIEVE_CLI)")
    return p


IMAGE_EXTS = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff"}
VIDEO_EXTS = {".mp4", ".mkv", ".mov", ".avi", ".webm"}


def corpus_files(root, exts, limit=None):
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in exts)
    return files[:limit] if limit else files


# Every VARIANT_STRIDE-th variant (the originals are up to 24 MP and slow in the Python oracles):
# the C++ oracle tests cover the whole corpus; these check the binding on real images quickly.
VARIANT_STRIDE = 4


def corpus_image_sample(root, stride=VARIANT_STRIDE):
    files = corpus_files(root / "images", IMAGE_EXTS)
    return [p for p in files if p.parent.name != "originals"][::stride]
