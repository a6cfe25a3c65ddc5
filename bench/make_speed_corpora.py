#!/usr/bin/env python3
"""Seeded image backlogs for the CPU speed ratios (hash vs decode), beside the small
corpus: a 12 MP JPEG backlog (photo-like: smooth gradients, shapes, sensor-like noise) and a
backlog of quickly decoded graphics (PNG screenshots and flat art, small JPEGs).
usage: make_speed_corpora.py OUT_DIR [--jpeg12mp N] [--graphics N]"""
import argparse
import os
import random

import numpy as np
from PIL import Image, ImageDraw


def photo(rng, w, h):
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    img = np.zeros((h, w, 3), np.float32)
    for c in range(3):
        fx, fy, ph = rng.uniform(0.5, 4), rng.uniform(0.5, 4), rng.uniform(0, 6.3)
        img[..., c] = 128 + 90 * np.sin(fx * x / w * 6.28 + ph) * np.cos(fy * y / h * 6.28)
    im = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    d = ImageDraw.Draw(im)
    for _ in range(40):
        x0, y0 = rng.randrange(w), rng.randrange(h)
        d.ellipse([x0, y0, x0 + rng.randrange(w // 4), y0 + rng.randrange(h // 4)],
                  fill=tuple(rng.randrange(256) for _ in range(3)))
    arr = np.asarray(im).astype(np.int16)
    noise = np.random.default_rng(rng.randrange(1 << 30)).integers(-6, 7, arr.shape)
    return Image.fromarray(np.clip(arr + noise, 0, 255).astype(np.uint8))


def graphic(rng, w, h):
    im = Image.new("RGB", (w, h), tuple(rng.randrange(256) for _ in range(3)))
    d = ImageDraw.Draw(im)
    for _ in range(rng.randrange(5, 30)):
        x0, y0 = rng.randrange(w), rng.randrange(h)
        box = [x0, y0, x0 + rng.randrange(w // 2), y0 + rng.randrange(h // 3)]
        d.rectangle(box, fill=tuple(rng.randrange(256) for _ in range(3)))
    for line in range(rng.randrange(5, 40)):
        d.text((rng.randrange(w // 2), 12 * line), "report %d %x" % (line, rng.randrange(1 << 30)),
               fill=(0, 0, 0))
    return im


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--jpeg12mp", type=int, default=12)
    ap.add_argument("--graphics", type=int, default=150)
    a = ap.parse_args()
    rng = random.Random(17)
    jdir, gdir = os.path.join(a.out, "jpeg-12mp"), os.path.join(a.out, "graphics")
    os.makedirs(jdir, exist_ok=True)
    os.makedirs(gdir, exist_ok=True)
    for i in range(a.jpeg12mp):
        photo(rng, 4000, 3000).save(os.path.join(jdir, "p%03d.jpg" % i), quality=90)
    sizes = [(1280, 720), (1920, 1080), (800, 600), (1366, 768)]
    for i in range(a.graphics):
        w, h = sizes[i % len(sizes)]
        if i % 3 == 2:  # small JPEGs, as in chat exports
            graphic(rng, 640, 480).save(os.path.join(gdir, "g%03d.jpg" % i), quality=85)
        else:
            graphic(rng, w, h).save(os.path.join(gdir, "g%03d.png" % i))


if __name__ == "__main__":
    main()
