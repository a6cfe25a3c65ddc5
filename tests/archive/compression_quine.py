"""Compressed files that contain themselves (quines), for the archive-cycle tests.

Russ Cox's construction ("Zip Files All The Way Down", 2010) over DEFLATE: L n emits the next n
bytes (a stored block), R n copies the last n bytes of output (a fixed-Huffman block); every op
is padded to the same size with empty blocks, so that op counts and byte counts agree. The
CRC-32 in the framing appears in the output too: it is the fixed point of an affine map over
GF(2), found by Gaussian elimination. Written for these tests; needs only the standard library.
"""
import struct
import zlib

LEN_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99,
            115, 131, 163, 195, 227, 258]
LEN_EXTRA = [0] * 8 + [1] * 4 + [2] * 4 + [3] * 4 + [4] * 4 + [5] * 4 + [0]
DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025,
             1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
DIST_EXTRA = [0, 0, 0, 0] + [i // 2 for i in range(2, 28)]


class Bits:
    def __init__(self):
        self.bits = []

    def value(self, v, n):  # LSB first: header fields and extra bits
        self.bits += [(v >> i) & 1 for i in range(n)]

    def code(self, v, n):  # Huffman codes go MSB first
        self.bits += [(v >> (n - 1 - i)) & 1 for i in range(n)]

    def align(self):
        self.bits += [0] * (-len(self.bits) % 8)

    def tobytes(self):
        assert len(self.bits) % 8 == 0
        return bytes(sum(b << i for i, b in enumerate(self.bits[k:k + 8]))
                     for k in range(0, len(self.bits), 8))


def empty_fixed(w):
    w.value(0, 1)
    w.value(1, 2)
    w.code(0, 7)  # end of block (256)


def stored_header(w, n, final=False):
    w.value(int(final), 1)
    w.value(0, 2)
    w.align()
    w.value(n, 16)
    w.value(n ^ 0xFFFF, 16)


def copy_block(w, n, final):
    w.value(int(final), 1)
    w.value(1, 2)
    i = max(k for k in range(len(LEN_BASE)) if LEN_BASE[k] <= n)
    sym = 257 + i
    w.code(sym - 256, 7) if sym < 280 else w.code(0xC0 + sym - 280, 8)
    w.value(n - LEN_BASE[i], LEN_EXTRA[i])
    d = max(k for k in range(len(DIST_BASE)) if DIST_BASE[k] <= n)
    w.code(d, 5)
    w.value(n - DIST_BASE[d], DIST_EXTRA[d])
    w.code(0, 7)


def op_lit(n, unit):
    """L n in exactly `unit` bytes (empty fixed blocks first), or None."""
    for k in range(8):
        w = Bits()
        for _ in range(k):
            empty_fixed(w)
        stored_header(w, n)
        if len(w.bits) == unit * 8:
            return w.tobytes()
    return None


def op_rep(n, unit, final=False):
    """R n in exactly `unit` bytes: a copy then empty blocks (the last non-final one stored, to
    reach a byte boundary); a final copy comes after the empty blocks."""
    for k in range(8):
        w = Bits()
        if final:
            for _ in range(k):
                empty_fixed(w)
            copy_block(w, n, True)
            if len(w.bits) > unit * 8 - 8:
                w.align()
        else:
            copy_block(w, n, False)
            for _ in range(k):
                empty_fixed(w)
            stored_header(w, 0)
        if len(w.bits) == unit * 8:
            return w.tobytes()
    return None


def crc_fixed_point(build):
    """x with crc32(build(x)) == x; build(x) is affine in x's bits. None when singular."""
    c0 = zlib.crc32(build(0))
    cols = [zlib.crc32(build(1 << i)) ^ c0 ^ (1 << i) for i in range(32)]  # (M + I) e_i
    # Solve sum x_i cols[i] = c0 over GF(2).
    rows = [(sum(((cols[i] >> r) & 1) << i for i in range(32)), (c0 >> r) & 1) for r in range(32)]
    x, pivots = 0, []
    for col in range(32):
        piv = next((j for j in range(len(rows)) if (rows[j][0] >> col) & 1 and j not in pivots),
                   None)
        if piv is None:
            return None
        pivots.append(piv)
        for j in range(len(rows)):
            if j != piv and (rows[j][0] >> col) & 1:
                rows[j] = (rows[j][0] ^ rows[piv][0], rows[j][1] ^ rows[piv][1])
    for col, piv in enumerate(pivots):
        x |= rows[piv][1] << col
    return x


PROGRAM = [("Lp", ["P", "Lp"]), ("Rp", []), ("L1", ["Rp"]), ("L1", ["L1"]),
           ("L4", ["Rp", "L1", "L1", "L4"]), ("R4", []), ("L4", ["R4", "L4", "R4", "L4"]),
           ("R4", []), ("L4", ["R4", "L0", "L0", "Ls"]), ("R4", []), ("L0", []), ("L0", []),
           ("Ls", ["Rs", "S"]), ("Rs", [])]  # P = the gzip header, S = its trailer


def quine(frame, p, s):
    """Bytes equal to their own DEFLATE-decompressed content framed by `frame(crc, csize,
    usize) -> (prefix, suffix)` of p and s bytes: the prefix and suffix lie outside the DEFLATE
    stream and appear, as literals, inside it too."""
    for unit in range(6, 17):
        ops = {"Lp": op_lit(p + unit, unit), "Rp": op_rep(p + unit, unit),
               "L1": op_lit(unit, unit), "L4": op_lit(4 * unit, unit),
               "R4": op_rep(4 * unit, unit), "L0": op_lit(0, unit),
               "Ls": op_lit(unit + s, unit), "Rs": op_rep(unit + s, unit, final=True)}
        if None in ops.values():
            continue
        csize = unit * sum(1 + len(d) for _, d in PROGRAM) + (p - unit) + (s - unit)
        usize = p + csize + s

        def build(crc, ops=ops, csize=csize, usize=usize):
            prefix, suffix = frame(crc, csize, usize)
            tok = dict(ops, P=prefix, S=suffix)
            deflate = b"".join(tok[n] + b"".join(tok[t] for t in d) for n, d in PROGRAM)
            assert len(deflate) == csize
            return prefix + deflate + suffix

        crc = crc_fixed_point(build)
        if crc is not None:
            return build(crc)
    return None


def gzip_quine():
    """A .gz file that decompresses to itself."""
    for mtime in range(64):  # another header when the CRC system is singular
        q = quine(lambda crc, csize, usize: (
            struct.pack("<BBBBIBB", 0x1F, 0x8B, 8, 0, mtime, 0, 255),
            struct.pack("<II", crc, usize & 0xFFFFFFFF)), 10, 8)
        if q is not None and zlib.decompress(q, 31) == q:
            return q
    raise RuntimeError("no gzip quine found")


def zip_quine(name=b"self.zip"):
    """A ZIP file whose one member (deflated) is the ZIP file itself."""
    for time in range(64):
        def frame(crc, csize, usize):
            local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, time, 0x21, crc, csize,
                                usize, len(name), 0) + name
            central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, time, 0x21,
                                  crc, csize, usize, len(name), 0, 0, 0, 0, 0, 0) + name
            end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central),
                              usize - len(central) - 22, 0)
            return local, central + end
        q = quine(frame, 30 + len(name), 46 + len(name) + 22)
        if q is not None:
            return q
    raise RuntimeError("no zip quine found")


if __name__ == "__main__":
    import sys
    sys.stdout.buffer.write(zip_quine() if sys.argv[1:] == ["zip"] else gzip_quine())
