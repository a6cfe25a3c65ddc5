"""Hostile-input mutations for the soak: each takes the bytes of a corpus file (and an RNG) and
returns new bytes, or None when the mutation does not apply to that file. Pure standard library;
every mutation is deterministic given the RNG state.
"""
import struct
import zlib

PNG_SIG = b"\x89PNG\r\n\x1a\n"
# Dimensions a hostile header claims: zero, one, the 16-bit edge, the 31-bit edge and the corpus's
# bombs; products around and far beyond the default 200-megapixel limit.
ABSURD_DIMS = [0, 1, 2, 4, 65535, 65536, 14142, 14143, 60000, 200_000_000, 0x7FFFFFFF,
               0xFFFFFFFF]


def bitflip(data, rng):
    """1..32 random bit flips; half of them land in the first KiB, where the headers are."""
    if not data:
        return None
    out = bytearray(data)
    for _ in range(rng.randint(1, 32)):
        span = min(len(out), 1024) if rng.random() < 0.5 else len(out)
        pos = rng.randrange(span)
        out[pos] ^= 1 << rng.randrange(8)
    return bytes(out)


def truncate(data, rng):
    """Cut anywhere: inside the signature, inside the headers, or part way through the data."""
    if len(data) < 2:
        return None
    choice = rng.random()
    if choice < 0.3:
        cut = rng.randrange(0, min(len(data), 64))
    elif choice < 0.6:
        cut = rng.randrange(0, min(len(data), 4096))
    else:
        cut = rng.randrange(1, len(data))
    return data[:cut]


def splice(data, other, rng):
    """The head of one file (its headers) on the body of another."""
    if len(data) < 16 or len(other) < 16:
        return None
    head = rng.randint(8, min(len(data), 2048))
    tail = rng.randrange(0, len(other))
    return data[:head] + other[tail:]


def overwrite_run(data, rng):
    """A run of zeros, 0xff or one repeated byte over part of the file (a damaged sector)."""
    if len(data) < 8:
        return None
    out = bytearray(data)
    start = rng.randrange(len(out))
    length = min(len(out) - start, rng.choice([1, 16, 512, 4096, 65536]))
    fill = rng.choice([0x00, 0xFF, rng.randrange(256)])
    out[start:start + length] = bytes([fill]) * length
    return bytes(out)


# --- absurd dimensions in the format's own header ------------------------------------------


def _dims(rng):
    return rng.choice(ABSURD_DIMS), rng.choice(ABSURD_DIMS)


def png_dims(data, rng, dims=None):
    """PNG IHDR width/height replaced, CRC recomputed so the chunk still checks out."""
    if not data.startswith(PNG_SIG) or data[12:16] != b"IHDR" or len(data) < 33:
        return None
    w, h = dims or _dims(rng)
    ihdr = bytearray(data[16:29])
    ihdr[0:8] = struct.pack(">II", w & 0xFFFFFFFF, h & 0xFFFFFFFF)
    crc = zlib.crc32(b"IHDR" + bytes(ihdr)) & 0xFFFFFFFF
    return data[:16] + bytes(ihdr) + struct.pack(">I", crc) + data[33:]


_SOF_MARKERS = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def jpeg_dims(data, rng, dims=None):
    """JPEG SOFn height/width (16-bit each) replaced in every frame header."""
    if not data.startswith(b"\xff\xd8"):
        return None
    out = bytearray(data)
    pos, changed = 2, False
    w, h = dims or _dims(rng)
    while pos + 4 <= len(out) and out[pos] == 0xFF:
        marker = out[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            break
        length = struct.unpack(">H", out[pos + 2:pos + 4])[0]
        if marker in _SOF_MARKERS and pos + 9 <= len(out):
            out[pos + 5:pos + 9] = struct.pack(">HH", h & 0xFFFF, w & 0xFFFF)
            changed = True
        pos += 2 + length
    return bytes(out) if changed else None


def _gif_blocks(data):
    """Offsets of the logical screen descriptor and of each image descriptor."""
    if not data.startswith((b"GIF87a", b"GIF89a")) or len(data) < 13:
        return None, []
    pos = 13
    if data[10] & 0x80:
        pos += 3 * (2 << (data[10] & 7))
    images = []
    while pos < len(data):
        block = data[pos]
        if block == 0x3B:  # trailer
            break
        if block == 0x21:  # extension: label, then sub-blocks
            pos += 2
        elif block == 0x2C:  # image descriptor, optional local table, LZW code size, sub-blocks
            if pos + 10 > len(data):
                break
            images.append(pos)
            packed = data[pos + 9]
            pos += 10
            if packed & 0x80:
                pos += 3 * (2 << (packed & 7))
            pos += 1
        else:
            break
        while pos < len(data) and data[pos] != 0:
            pos += 1 + data[pos]
        pos += 1
    return 6, images


def gif_dims(data, rng, dims=None):
    """GIF logical screen and/or first image descriptor width/height (16-bit LE) replaced."""
    lsd, images = _gif_blocks(data)
    if lsd is None:
        return None
    out = bytearray(data)
    w, h = dims or _dims(rng)
    where = rng.choice(["screen", "image", "both"]) if images else "screen"
    if where in ("screen", "both"):
        out[lsd:lsd + 4] = struct.pack("<HH", w & 0xFFFF, h & 0xFFFF)
    if where in ("image", "both"):
        out[images[0] + 5:images[0] + 9] = struct.pack("<HH", w & 0xFFFF, h & 0xFFFF)
    return bytes(out)


def bmp_dims(data, rng, dims=None):
    """BMP info-header width/height (signed 32-bit: negative height means top-down)."""
    if not data.startswith(b"BM") or len(data) < 26:
        return None
    w, h = dims or _dims(rng)
    sign = rng.choice([1, -1])
    out = bytearray(data)
    out[18:26] = struct.pack("<ii", (w & 0x7FFFFFFF), sign * (h & 0x7FFFFFFF))
    return bytes(out)


def absurd_dims(data, rng):
    for fn in (png_dims, jpeg_dims, gif_dims, bmp_dims):
        out = fn(data, rng)
        if out is not None:
            return out
    return None


def gif_zero_frames(data, rng):
    """Every image descriptor of a GIF set to 0x0: zero-length frames."""
    _, images = _gif_blocks(data)
    if not images:
        return None
    out = bytearray(data)
    for pos in images:
        out[pos + 5:pos + 9] = b"\0\0\0\0"
    return bytes(out)


# --- MP4 boxes -----------------------------------------------------------------------------


def _mp4_boxes(data, start, end, path, found):
    """Collects (offset, size) of boxes named in `path` leaves, descending through containers."""
    containers = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts"}
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack(">I4s", data[pos:pos + 8])
        header = 8
        if size == 1 and pos + 16 <= end:
            size = struct.unpack(">Q", data[pos + 8:pos + 16])[0]
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            return
        if kind in path:
            found.append((pos, size, kind))
        if kind in containers:
            _mp4_boxes(data, pos + header, pos + size, path, found)
        pos += size


def mp4_zero_samples(data, rng):
    """Every sample size in each stsz box set to 0: a video of zero-length frames."""
    found = []
    _mp4_boxes(data, 0, len(data), {b"stsz"}, found)
    if not found:
        return None
    out = bytearray(data)
    for pos, size, _ in found:
        body = pos + 8
        sample_size, count = struct.unpack(">II", out[body + 4:body + 12])
        if sample_size != 0:
            out[body + 4:body + 8] = b"\0\0\0\0"
            continue
        first = body + 12
        n = min(count, (pos + size - first) // 4)
        out[first:first + 4 * n] = bytes(4 * n)
    return bytes(out)


def mp4_huge_duration(data, rng):
    """mvhd/mdhd: timescale 1 and a duration of 2^32-1 s (136 years), or 2^64-1 in version 1."""
    found = []
    _mp4_boxes(data, 0, len(data), {b"mvhd", b"mdhd"}, found)
    if not found:
        return None
    out = bytearray(data)
    for pos, _, _ in found:
        body = pos + 8
        if out[body] == 1:  # version 1: 64-bit times
            out[body + 20:body + 24] = struct.pack(">I", 1)
            out[body + 24:body + 32] = b"\xff" * 8
        else:
            out[body + 12:body + 16] = struct.pack(">I", 1)
            out[body + 16:body + 20] = b"\xff" * 4
    return bytes(out)


# --- endless streams -----------------------------------------------------------------------

# A 1x1 GIF frame: graphic control extension (delay 1 cs), descriptor, LZW data (min code size 2).
_GIF_FRAME = (b"\x21\xf9\x04\x00\x01\x00\x00\x00" + b"\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00"
              + b"\x02\x02\x44\x01\x00")
_GIF_HEAD = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00" + b"\x00\x00\x00\xff\xff\xff"
             + b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00")


def endless_gif(frames):
    """A looping 1x1 GIF of `frames` frames (about 23 bytes each), without a trailer when the
    frame count is odd (a stream that just stops)."""
    body = _GIF_HEAD + _GIF_FRAME * frames
    return body if frames % 2 else body + b"\x3b"


def repeat_stream(data, copies):
    """A concatenable stream (MPEG-TS, MJPEG, Annex B) repeated: a very long video."""
    return data * copies


# --- decompression bombs inside the limits ------------------------------------------------


def png_bomb(width, height):
    """A valid RGB PNG of width x height black pixels: a few hundred KiB that decode to
    width x height x 3 bytes. Rows are compressed as they are made, so memory stays small."""
    def chunk(kind, body):
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    comp = zlib.compressobj(9)
    row = bytes(1 + 3 * width)  # filter byte 0, then black pixels
    parts = []
    for _ in range(height):
        parts.append(comp.compress(row))
    parts.append(comp.flush())
    return PNG_SIG + chunk(b"IHDR", ihdr) + chunk(b"IDAT", b"".join(parts)) + chunk(b"IEND", b"")
