#!/usr/bin/env python3
"""Writes the synthetic decoder-fidelity files: TIFF, GIF, BMP, PNG and JPEG variants of two
generated pictures, in the layouts the decoder-fidelity issue found misdecoded (tiled, planar,
JPEG/YCbCr, 1/2/4/16-bit, MinIsWhite, CMYK, associated alpha, palette, transparency, stray
JPEG bytes, BMP alpha bitfields, TIFF Orientation tags). Pillow writes what it can; libtiff's
tiffcp re-encodes those into tiles, planes and codecs; the rest is written byte by byte below
(a minimal TIFF/BMP/GIF writer), so nothing binary is committed. Deterministic (fixed seeds).
Usage: make_variants.py OUTDIR
"""
import os
import shutil
import struct
import subprocess
import sys

import numpy as np
from PIL import Image


def picture(seed, h, w):
    """Photo-like RGB: smooth colour fields, a few discs and mild noise (PDQ quality ~100)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    r = 128 + 90 * np.sin(x / (5 + seed)) * np.cos(y / 9)
    g = 40 + 170 * x / w
    b = 200 - 150 * y / h
    img = np.stack([r, g, b], axis=-1)
    for _ in range(5):
        cy, cx, rad = rng.uniform(0, h), rng.uniform(0, w), rng.uniform(5, 20)
        img[(y - cy) ** 2 + (x - cx) ** 2 < rad**2] = rng.uniform(0, 255, 3)
    img += rng.normal(0, 6, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


# --- a minimal TIFF writer: one strip, uncompressed, any bit depth / photometric -------------
SHORT, LONG = 3, 4


def pack_samples(values, bits):
    """Rows of samples (2-D array, one row per image row) MSB-first at `bits` per sample."""
    rows = []
    for row in values:
        if bits == 8:
            rows.append(row.astype(np.uint8).tobytes())
        elif bits == 16:
            rows.append(row.astype(">u2").tobytes())
        else:
            acc, n, out = 0, 0, bytearray()
            for v in row:
                acc = (acc << bits) | int(v)
                n += bits
                if n == 8:
                    out.append(acc)
                    acc, n = 0, 0
            if n:
                out.append(acc << (8 - n))
            rows.append(bytes(out))
    return b"".join(rows)


def write_tiff(path, width, height, bits, photometric, spp, data, extra=None, colormap=None,
               ycbcr_subsampling=None):
    """Big-endian TIFF, one uncompressed strip (16-bit samples are big-endian in `data`)."""
    tags = [(256, LONG, [width]), (257, LONG, [height]), (258, SHORT, [bits] * spp),
            (259, SHORT, [1]), (262, SHORT, [photometric]), (273, LONG, [0]),
            (277, SHORT, [spp]), (278, LONG, [height]), (279, LONG, [len(data)]),
            (284, SHORT, [1])]
    if colormap is not None:
        tags.append((320, SHORT, colormap))
    if extra is not None:
        tags.append((338, SHORT, extra))
    if ycbcr_subsampling is not None:
        tags.append((530, SHORT, ycbcr_subsampling))
    tags.sort()
    ifd_size = 2 + 12 * len(tags) + 4
    blob_at = 8 + ifd_size
    blobs = bytearray()
    entries = []
    data_at = None
    for tag, typ, vals in tags:
        size = 2 if typ == SHORT else 4
        raw = b"".join(struct.pack(">H" if typ == SHORT else ">I", v) for v in vals)
        if tag == 273:
            entries.append((tag, typ, 1, None))  # patched once the data offset is known
            continue
        if len(raw) <= 4:
            entries.append((tag, typ, len(vals), raw.ljust(4, b"\0")))
        else:
            entries.append((tag, typ, len(vals), struct.pack(">I", blob_at + len(blobs))))
            blobs += raw
            if len(blobs) % 2:
                blobs += b"\0"
        del size
    data_at = blob_at + len(blobs)
    out = bytearray(b"MM\x00\x2a" + struct.pack(">I", 8) + struct.pack(">H", len(tags)))
    for tag, typ, count, value in entries:
        if value is None:
            value = struct.pack(">I", data_at)
        out += struct.pack(">HHI", tag, typ, count) + value
    out += struct.pack(">I", 0) + blobs + data
    with open(path, "wb") as f:
        f.write(out)


def hand_tiffs(out, rgb):
    h, w, _ = rgb.shape
    grey = np.asarray(Image.fromarray(rgb).convert("L"))
    for bits in (1, 2, 4, 8):
        q = grey >> (8 - bits)
        for photometric, name in ((1, "minisblack"), (0, "miniswhite")):
            v = q if photometric == 1 else (2**bits - 1) - q
            write_tiff(f"{out}/tiff-grey{bits}-{name}.tiff", w, h, bits, photometric, 1,
                       pack_samples(v, bits))
    grey16 = grey.astype(np.uint16) * 257 + 3
    write_tiff(f"{out}/tiff-grey16.tiff", w, h, 16, 1, 1, pack_samples(grey16, 16))
    rgb16 = rgb.astype(np.uint16) * 257 + 100
    write_tiff(f"{out}/tiff-rgb16.tiff", w, h, 16, 2, 3, pack_samples(rgb16.reshape(h, -1), 16))
    alpha = (np.arange(w)[None, :] * 255 // (w - 1) * np.ones((h, 1))).astype(np.uint16)
    premult = (rgb.astype(np.uint16) * alpha[..., None] // 255).astype(np.uint8)
    rgba = np.concatenate([premult, alpha[..., None].astype(np.uint8)], axis=-1)
    write_tiff(f"{out}/tiff-rgba8-associated.tiff", w, h, 8, 2, 4,
               pack_samples(rgba.reshape(h, -1), 8), extra=[1])
    cmyk = np.asarray(Image.fromarray(rgb).convert("CMYK")).astype(np.uint16) * 257
    write_tiff(f"{out}/tiff-cmyk16.tiff", w, h, 16, 5, 4, pack_samples(cmyk.reshape(h, -1), 16))
    for bits in (1, 2, 4):
        n = 2**bits
        pal = Image.fromarray(rgb).quantize(colors=n)
        idx = np.asarray(pal)
        p = (pal.getpalette() + [0] * 768)[: 3 * n]
        colormap = [c * 257 for c in p[0::3]] + [c * 257 for c in p[1::3]] + \
                   [c * 257 for c in p[2::3]]
        write_tiff(f"{out}/tiff-palette{bits}.tiff", w, h, bits, 3, 1, pack_samples(idx, bits),
                   colormap=colormap)
    ycc = np.asarray(Image.fromarray(rgb).convert("YCbCr"))
    write_tiff(f"{out}/tiff-ycbcr-raw-1x1.tiff", w, h, 8, 6, 3,
               pack_samples(ycc.reshape(h, -1), 8), ycbcr_subsampling=[1, 1])


def pillow_tiffs(out, rgb):
    im = Image.fromarray(rgb)
    for comp in (None, "tiff_lzw", "tiff_adobe_deflate", "packbits", "jpeg"):
        im.save(f"{out}/tiff-rgb8-{comp or 'raw'}.tiff", compression=comp)
    im.convert("L").save(f"{out}/tiff-grey8-lzw.tiff", compression="tiff_lzw")
    im.convert("1").save(f"{out}/tiff-grey1-group4.tiff", compression="group4")
    im.convert("LA").save(f"{out}/tiff-la8.tiff", compression="tiff_lzw")
    rgba = im.copy()
    rgba.putalpha(Image.linear_gradient("L").resize(im.size))
    rgba.save(f"{out}/tiff-rgba8-unassociated.tiff", compression="tiff_adobe_deflate")
    im.quantize(colors=200).save(f"{out}/tiff-palette8-lzw.tiff", compression="tiff_lzw")
    im.convert("CMYK").save(f"{out}/tiff-cmyk8-lzw.tiff", compression="tiff_lzw")


TIFFCP = [  # (output, source, tiffcp options)
    ("tiff-rgb8-tiled-lzw", "tiff-rgb8-raw", ["-c", "lzw", "-t", "-w", "16", "-l", "16"]),
    ("tiff-rgb8-planar-deflate", "tiff-rgb8-raw", ["-p", "separate", "-c", "zip"]),
    ("tiff-rgb8-planar-tiled", "tiff-rgb8-raw", ["-p", "separate", "-t", "-w", "32", "-l", "32"]),
    ("tiff-rgb8-strips7-packbits", "tiff-rgb8-raw", ["-c", "packbits", "-r", "7"]),
    ("tiff-ycbcr-jpeg", "tiff-rgb8-raw", ["-c", "jpeg:90", "-r", "16"]),
    ("tiff-ycbcr-jpeg-tiled", "tiff-rgb8-raw", ["-c", "jpeg", "-t", "-w", "32", "-l", "32"]),
    ("tiff-rgb8-jpeg-rgb", "tiff-rgb8-raw", ["-c", "jpeg:r", "-r", "16"]),
    ("tiff-rgb16-tiled-lzw", "tiff-rgb16", ["-c", "lzw", "-t", "-w", "16", "-l", "16"]),
    ("tiff-grey16-tiled-deflate", "tiff-grey16", ["-c", "zip", "-t", "-w", "32", "-l", "16"]),
    ("tiff-grey4-lzw", "tiff-grey4-minisblack", ["-c", "lzw"]),
    ("tiff-grey2-miniswhite-tiled", "tiff-grey2-miniswhite", ["-t", "-w", "16", "-l", "16"]),
    ("tiff-cmyk16-lzw", "tiff-cmyk16", ["-c", "lzw"]),  # tiffcp splits planes of 8-bit only
    ("tiff-rgba8-associated-tiled", "tiff-rgba8-associated", ["-t", "-w", "16", "-l", "16"]),
    ("tiff-palette4-packbits", "tiff-palette4", ["-c", "packbits"]),
]


def tiffcp_variants(out):
    tiffcp = shutil.which("tiffcp")
    if not tiffcp:
        print("make_variants: no tiffcp; tiled/planar/JPEG TIFF variants skipped")
        return
    for name, src, opts in TIFFCP:
        subprocess.run([tiffcp, *opts, f"{out}/{src}.tiff", f"{out}/{name}.tiff"], check=True)
    subprocess.run([tiffcp, f"{out}/tiff-rgb8-tiff_lzw.tiff", f"{out}/tiff-grey8-lzw.tiff",
                    f"{out}/tiff-multipage.tiff"], check=True)


def oriented_tiffs(out, rgb):
    """TIFF Orientation tags 2-8: Pillow turns TIFF pages by the tag when it loads them (and
    only TIFF). Also through libtiff's RGBA reader (LZW YCbCr), which must not flip them first."""
    for o in range(2, 9):
        Image.fromarray(rgb).save(f"{out}/tiff-orientation{o}.tiff", tiffinfo={274: o})
    tiffcp, tiffset = shutil.which("tiffcp"), shutil.which("tiffset")
    if not (tiffcp and tiffset):
        return
    for o in (3, 6):
        name = f"{out}/tiff-ycbcr-lzw-orientation{o}.tiff"
        subprocess.run([tiffcp, "-c", "lzw", f"{out}/tiff-ycbcr-raw-1x1.tiff", name], check=True)
        subprocess.run([tiffset, "-s", "274", str(o), name], check=True)


def gifs(out, rgb):
    im = Image.fromarray(rgb).quantize(colors=64)
    im.save(f"{out}/gif-plain.gif")
    # Transparent index whose palette colour is not white: Pillow's RGB keeps that colour.
    idx = np.asarray(im).copy()
    idx[::3, ::2] = 63
    pal = im.getpalette()[:192]
    pal[189:192] = [200, 30, 60]
    t = Image.fromarray(idx, "P")
    t.putpalette(pal)
    t.save(f"{out}/gif-transparent.gif", transparency=63)
    # No colour table at all (legal GIF89a): Pillow decodes the indices as grey levels.
    grey = np.asarray(Image.fromarray(rgb).convert("L")) >> 2
    h, w = grey.shape
    lzw = gif_lzw_uncompressed(grey.flatten(), 6)
    body = b"GIF89a" + struct.pack("<HHBBB", w, h, 0x00, 0, 0)
    body += b"\x2c" + struct.pack("<HHHHB", 0, 0, w, h, 0x00) + bytes([6])
    for i in range(0, len(lzw), 255):
        chunk = lzw[i:i + 255]
        body += bytes([len(chunk)]) + chunk
    body += b"\x00\x3b"
    with open(f"{out}/gif-no-colour-table.gif", "wb") as f:
        f.write(body)
    # The same with a transparent index: Pillow keeps the index as its grey level.
    gce = b"\x21\xf9\x04\x01\x00\x00" + bytes([int(grey[0, 0])]) + b"\x00"
    with open(f"{out}/gif-no-colour-table-transparent.gif", "wb") as f:
        f.write(body[:13] + gce + body[13:])
    # Image data cut short inside the LZW stream (sub-blocks and trailer intact): FFmpeg fills
    # the rest and only logs "LZW decode failed"; the file must be refused, not hashed.
    lzw = gif_lzw_uncompressed(np.asarray(im).flatten(), 6)
    pal = bytes(im.getpalette()[:192])
    short = b"GIF89a" + struct.pack("<HHBBB", w, h, 0x85, 0, 0) + pal
    short += b"\x2c" + struct.pack("<HHHHB", 0, 0, w, h, 0x00) + bytes([6])
    cut = lzw[: len(lzw) // 3]
    for i in range(0, len(cut), 255):
        short += bytes([len(cut[i:i + 255])]) + cut[i:i + 255]
    with open(f"{out}/gif-lzw-cut-short.gif", "wb") as f:
        f.write(short + b"\x00\x3b")


def sub_blocks(data):
    """GIF data sub-blocks (at most 255 bytes each) and the block terminator."""
    return b"".join(bytes([len(data[i:i + 255])]) + data[i:i + 255]
                    for i in range(0, len(data), 255)) + b"\x00"


def gif_inset_first_images(out, rgb):
    """A first image smaller than the logical screen: Pillow shows the rest of the screen in
    entry 0 of the image's colour table (the transparent entry when there is one), FFmpeg in
    the background colour. Global table with background index 5, local table only, with a
    transparent index, no colour table; and a screen smaller than the image or 0x0 (Pillow grows
    it to hold the image)."""
    im = Image.fromarray(rgb).quantize(colors=64)
    idx = np.asarray(im)
    h, w = idx.shape
    top, left = h // 4, w // 5
    sub = idx[top:top + h // 2, left:left + w // 2]
    sh, sw = sub.shape
    pal = bytes(im.getpalette()[:192])
    data = bytes([6]) + sub_blocks(gif_lzw_uncompressed(sub.flatten(), 6))

    def screen(sw_, sh_, flags, bg):
        return b"GIF89a" + struct.pack("<HHBBB", sw_, sh_, flags, bg, 0)

    def image(flags):
        return b"\x2c" + struct.pack("<HHHHB", left, top, sw, sh, flags)

    gce = b"\x21\xf9\x04\x01\x00\x00\x07\x00"  # transparent index 7
    files = {
        "gif-inset-global.gif": screen(w, h, 0x85, 5) + pal + image(0x00) + data,
        "gif-inset-local.gif": screen(w, h, 0x00, 5) + image(0x85) + pal + data,
        "gif-inset-transparent.gif": screen(w, h, 0x85, 5) + pal + gce + image(0x00) + data,
        "gif-inset-no-colour-table.gif": screen(w, h, 0x00, 5) + image(0x00) + data,
        "gif-screen-smaller-than-image.gif": screen(sw, sh, 0x85, 5) + pal + image(0x00) + data,
        "gif-screen-0x0.gif": screen(0, 0, 0x85, 5) + pal + image(0x00) + data,
    }
    for name, body in files.items():
        with open(f"{out}/{name}", "wb") as f:
            f.write(body + b"\x3b")


def gif_lzw_uncompressed(indices, min_code):
    """Valid GIF LZW without compression: a clear code before the table would grow a bit."""
    clear, end = 1 << min_code, (1 << min_code) + 1
    width = min_code + 1
    codes = [clear]
    run = 0
    for v in indices:
        codes.append(int(v))
        run += 1
        if run == (1 << min_code) - 2:  # keep the decoder's table below the next code width
            codes.append(clear)
            run = 0
    codes.append(end)
    acc = nbits = 0
    out = bytearray()
    for c in codes:
        acc |= c << nbits
        nbits += width
        while nbits >= 8:
            out.append(acc & 0xFF)
            acc >>= 8
            nbits -= 8
    if nbits:
        out.append(acc & 0xFF)
    return bytes(out)


BGRA_MASKS = (0x00FF0000, 0x0000FF00, 0x000000FF, 0xFF000000)  # bytes B G R A (Windows)
RGBA_MASKS = (0xFF000000, 0x00FF0000, 0x0000FF00, 0x000000FF)  # bytes A B G R (bmpsuite rgba32)


def bmp_bitfields(path, rgb, header_size, masks=BGRA_MASKS):
    """32-bit pixels with alpha bitfields in a BITMAPV4HEADER (108) or BITMAPV5HEADER (124)."""
    h, w, _ = rgb.shape
    alpha = np.full((h, w), 255, np.uint32)
    alpha[: h // 2] = 128
    chans = [rgb[..., 0].astype(np.uint32), rgb[..., 1].astype(np.uint32),
             rgb[..., 2].astype(np.uint32), alpha]
    words = np.zeros((h, w), np.uint32)
    for value, mask in zip(chans, masks):
        shift = (mask & -mask).bit_length() - 1
        words |= value << shift
    data = words[::-1].astype("<u4").tobytes()  # bottom-up rows
    dib = struct.pack("<IiiHHIIiiII", header_size, w, h, 1, 32, 3, len(data), 2835, 2835, 0, 0)
    dib += struct.pack("<IIII", *masks)
    dib += b"BGRs" + b"\0" * 36 + b"\0" * 12  # colour space, endpoints, gamma
    if header_size == 124:
        dib += struct.pack("<IIII", 4, 0, 0, 0)  # intent, profile data/size, reserved
    offset = 14 + len(dib)
    with open(path, "wb") as f:
        f.write(b"BM" + struct.pack("<IHHI", offset + len(data), 0, 0, offset) + dib + data)


def bmp_rle8(path, rgb, keep=1.0):
    """An 8-bit RLE BMP (compression 1), each pixel a run of one; `keep` < 1 cuts the RLE
    data short (the header still claims it all): FFmpeg's RLE decoder logs an overrun and
    returns the frame with the rest unpainted."""
    im = Image.fromarray(rgb).quantize(colors=64)
    idx = np.asarray(im)
    h, w = idx.shape
    rle = bytearray()
    for row in idx[::-1]:  # bottom-up
        for v in row:
            rle += bytes([1, int(v)])
        rle += b"\x00\x00"
    rle += b"\x00\x01"
    data = bytes(rle[: int(len(rle) * keep)])
    pal = im.getpalette()[: 3 * 256]
    pal += [0] * (3 * 256 - len(pal))
    table = b"".join(bytes([pal[3 * i + 2], pal[3 * i + 1], pal[3 * i], 0]) for i in range(256))
    dib = struct.pack("<IiiHHIIiiII", 40, w, h, 1, 8, 1, len(rle), 2835, 2835, 256, 0)
    offset = 14 + len(dib) + len(table)
    with open(path, "wb") as f:
        f.write(b"BM" + struct.pack("<IHHI", offset + len(rle), 0, 0, offset) + dib + table + data)


def bmp16(path, rgb, green_bits):
    """16-bit BMP: 5-5-5 as BI_RGB, 5-6-5 as BI_BITFIELDS (the two layouts Pillow reads)."""
    h, w, _ = rgb.shape
    r, g, b = (rgb[..., i].astype(np.uint16) for i in range(3))
    words = (r >> 3) << (5 + green_bits) | (g >> (8 - green_bits)) << 5 | (b >> 3)
    rows = [row.astype("<u2").tobytes() for row in words[::-1]]  # bottom-up
    data = b"".join(row + b"\0" * (-len(row) % 4) for row in rows)
    masks = b"" if green_bits == 5 else struct.pack("<III", 0xF800, 0x07E0, 0x001F)
    compression = 3 if masks else 0
    dib = struct.pack("<IiiHHIIiiII", 40, w, h, 1, 16, compression, len(data), 2835, 2835, 0, 0)
    offset = 14 + len(dib) + len(masks)
    with open(path, "wb") as f:
        f.write(b"BM" + struct.pack("<IHHI", offset + len(data), 0, 0, offset) + dib + masks + data)


def bmps(out, rgb):
    bmp16(f"{out}/bmp-rgb555.bmp", rgb, 5)
    bmp16(f"{out}/bmp-rgb565-bitfields.bmp", rgb, 6)
    bmp_rle8(f"{out}/bmp-rle8.bmp", rgb)
    bmp_rle8(f"{out}/bmp-rle8-cut-short.bmp", rgb, keep=0.6)
    Image.fromarray(rgb).save(f"{out}/bmp-rgb24.bmp")
    Image.fromarray(rgb).quantize(colors=16).save(f"{out}/bmp-pal4.bmp")
    bmp_bitfields(f"{out}/bmp-v4-rgba32.bmp", rgb, 108)
    bmp_bitfields(f"{out}/bmp-v5-rgba32.bmp", rgb, 124)
    bmp_bitfields(f"{out}/bmp-v5-rgba32-abgr-bytes.bmp", rgb, 124, RGBA_MASKS)
    bmp_bitfields(f"{out}/bmp-v4-rgba32-abgr-bytes.bmp", rgb, 108, RGBA_MASKS)


def jpegs(out, rgb):
    im = Image.fromarray(rgb)
    im.save(f"{out}/jpeg-baseline.jpg", quality=90)
    im.save(f"{out}/jpeg-progressive.jpg", quality=85, progressive=True)
    im.save(f"{out}/jpeg-444.jpg", quality=95, subsampling=0)
    im.convert("CMYK").save(f"{out}/jpeg-cmyk.jpg", quality=90)
    data = open(f"{out}/jpeg-baseline.jpg", "rb").read()
    # Only the EOI marker missing: Pillow ("image file is truncated") and we refuse both.
    for name in ("baseline", "progressive"):
        whole = open(f"{out}/jpeg-{name}.jpg", "rb").read()
        assert whole.endswith(b"\xff\xd9")
        with open(f"{out}/jpeg-{name}-no-eoi.jpg", "wb") as f:
            f.write(whole[:-2])
    # Stray bytes between two header segments (before any scan): libjpeg warns and goes on.
    for marker, name in ((b"\xff\xdb", "dqt"), (b"\xff\xc0", "sof")):
        at = data.index(marker)
        with open(f"{out}/jpeg-stray-before-{name}.jpg", "wb") as f:
            f.write(data[:at] + b"\x00\x13\x37" + data[at:])


def pngs(out, rgb):
    im = Image.fromarray(rgb).quantize(colors=32)
    pal = im.getpalette()[:96]
    pal[93:96] = [10, 200, 90]
    im.putpalette(pal)
    idx = np.asarray(im).copy()
    idx[1::4, ::3] = 31
    p = Image.fromarray(idx, "P")
    p.putpalette(pal)
    p.save(f"{out}/png-palette-trns.png", transparency=31)


def pcxs(out, rgb):
    """PCX as Pillow writes it, and with 0 DPI in the header (ImageMagick writes that): FFmpeg
    warns about the 0/0 aspect ratio it implies, which is no damage."""
    Image.fromarray(rgb).save(f"{out}/pcx-rgb.pcx")
    data = bytearray(open(f"{out}/pcx-rgb.pcx", "rb").read())
    data[12:16] = bytes(4)  # HDpi, VDpi
    with open(f"{out}/pcx-rgb-zero-dpi.pcx", "wb") as f:
        f.write(data)


def apngs(out, rgb):
    """APNG both ways: IDAT as the first animation frame, and IDAT as a default image that is
    not part of the animation (FFmpeg's APNG demuxer skips it; Pillow opens on it)."""
    frames = [Image.fromarray(rgb), Image.fromarray(rgb[::-1].copy()),
              Image.fromarray(255 - rgb)]
    frames[0].save(f"{out}/apng-idat-first-frame.png", save_all=True,
                   append_images=frames[1:], duration=100)
    frames[0].save(f"{out}/apng-default-image.png", save_all=True, append_images=frames[1:],
                   duration=100, default_image=True)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for seed, (h, w) in ((1, (75, 101)), (2, (64, 48))):
        d = os.path.join(out, f"pic{seed}")
        os.makedirs(d, exist_ok=True)
        rgb = picture(seed, h, w)
        pillow_tiffs(d, rgb)
        hand_tiffs(d, rgb)
        tiffcp_variants(d)
        oriented_tiffs(d, rgb)
        gifs(d, rgb)
        gif_inset_first_images(d, rgb)
        bmps(d, rgb)
        jpegs(d, rgb)
        pngs(d, rgb)
        apngs(d, rgb)
        pcxs(d, rgb)
    print(f"make_variants: wrote {sum(len(f) for _, _, f in os.walk(out))} files under {out}")


if __name__ == "__main__":
    main()
