"""Hostile files for the scanner's tests and bench, made in milliseconds without ever holding
what they inflate to."""

import zlib

_MATCH = 258  # the longest match deflate can express


class _Bits:
    """A deflate bit stream: fields are written least significant bit first, Huffman codes
    most significant bit first."""

    def __init__(self) -> None:
        self.bits: list[int] = []

    def field(self, value: int, width: int) -> None:
        self.bits += [(value >> i) & 1 for i in range(width)]

    def code(self, value: int, width: int) -> None:
        self.bits += [(value >> i) & 1 for i in reversed(range(width))]

    def match(self) -> None:
        self.code(0b11000101, 8)  # fixed code of length symbol 285: 258 bytes, no extra bits
        self.code(0, 5)  # distance symbol 0: one byte back

    def take(self) -> bytes:
        assert len(self.bits) % 8 == 0
        out = bytes(sum(bit << i for i, bit in enumerate(self.bits[j : j + 8])) for j in range(0, len(self.bits), 8))
        self.bits = []
        return out


def deflate_bomb(inflated: int) -> bytes:
    """A zlib stream that inflates to about `inflated` spaces (one fixed-Huffman block of
    258-byte matches, 13 bits each: ~1:159), checksum included."""
    matches = max(1, (inflated - 1) // _MATCH)
    bits = _Bits()
    bits.field(1, 1)  # the final block
    bits.field(1, 2)  # fixed Huffman codes
    bits.code(0x30 + ord(" "), 8)  # the literal the matches repeat
    bits.match()  # 3 + 8 + 13 bits: byte-aligned from here
    head = bits.take()
    for _ in range(8):  # eight matches are 104 bits, a whole number of bytes
        bits.match()
    period = bits.take()
    repeats, rest = divmod(matches - 1, 8)
    for _ in range(rest):
        bits.match()
    bits.code(0, 7)  # end of block
    bits.bits += [0] * (-len(bits.bits) % 8)
    tail = bits.take()
    n = 1 + matches * _MATCH
    a = (1 + n * ord(" ")) % 65521
    b = (n + ord(" ") * n * (n + 1) // 2) % 65521  # adler32 of n spaces, in closed form
    return b"\x78\x01" + head + period * repeats + tail + ((b << 16) | a).to_bytes(4, "big")


def pdf_with_content(stream: bytes, media_box: str = "0 0 595 842") -> bytes:
    """A one-page PDF whose page content is the given FlateDecode stream."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [" + media_box.encode() + b"] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def pdf_bomb(inflated: int = 1 << 30) -> bytes:
    return pdf_with_content(deflate_bomb(inflated))


def _check() -> None:
    small = deflate_bomb(100_000)
    assert zlib.decompress(small) == b" " * (1 + ((100_000 - 1) // _MATCH) * _MATCH)


_check()
