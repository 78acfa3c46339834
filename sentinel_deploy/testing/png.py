"""A bar chart of alerts over time as a PNG, in pure Python (zlib + struct).

matplotlib would be a 40 MB optional dependency for one picture; a PNG is a
signature, an IHDR, zlib-compressed scanlines and an IEND. The chart is an
8-bit palette image: one bar per bucket of runs (blue: alerts, grey: runs
whose alerts were suppressed), a line at each day boundary, and the day
(MM-DD) and the tallest bar's value written with a 3x5 pixel digit font.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from pathlib import Path

from sentinel_deploy.testing.schedule import RunOutcome

WHITE, BLACK, BLUE, GREY, LIGHT = 0, 1, 2, 3, 4
PALETTE = [(255, 255, 255), (40, 40, 40), (31, 119, 180), (170, 170, 170), (225, 225, 225)]
_FONT = {  # 3x5 glyphs, one row per 3-bit number, top row first
    "0": (7, 5, 5, 5, 7), "1": (2, 6, 2, 2, 7), "2": (7, 1, 7, 4, 7), "3": (7, 1, 7, 1, 7),
    "4": (5, 5, 7, 1, 1), "5": (7, 4, 7, 1, 7), "6": (7, 4, 7, 5, 7), "7": (7, 1, 1, 1, 1),
    "8": (7, 5, 7, 5, 7), "9": (7, 5, 7, 1, 7), "-": (0, 0, 7, 0, 0), ",": (0, 0, 0, 2, 4),
}
SCALE = 2  # font pixels per glyph dot


class Canvas:
    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.pixels = [bytearray(width) for _ in range(height)]

    def rect(self, x0: int, y0: int, x1: int, y1: int, color: int) -> None:
        for y in range(max(0, y0), min(self.height, y1)):
            row = self.pixels[y]
            lo, hi = max(0, x0), min(self.width, x1)
            if hi > lo:
                row[lo:hi] = bytes([color]) * (hi - lo)

    def text(self, x: int, y: int, text: str, color: int = BLACK) -> None:
        for ch in text:
            glyph = _FONT.get(ch)
            if glyph:
                for gy, bits in enumerate(glyph):
                    for gx in range(3):
                        if bits & (4 >> gx):
                            self.rect(x + gx * SCALE, y + gy * SCALE,
                                      x + (gx + 1) * SCALE, y + (gy + 1) * SCALE, color)
            x += 4 * SCALE

    def png(self) -> bytes:
        raw = b"".join(b"\x00" + bytes(row) for row in self.pixels)
        plte = b"".join(bytes(c) for c in PALETTE)
        return (b"\x89PNG\r\n\x1a\n"
                + _chunk(b"IHDR", struct.pack(">IIBBBBB", self.width, self.height, 8, 3, 0, 0, 0))
                + _chunk(b"PLTE", plte)
                + _chunk(b"IDAT", zlib.compress(raw, 9))
                + _chunk(b"IEND", b""))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def alerts_chart(runs: Sequence[RunOutcome], width: int = 960, height: int = 320) -> bytes:
    left, right, top, bottom = 48, 12, 16, 28
    canvas = Canvas(width, height)
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(runs)
    size = max(1, -(-n // plot_w))  # runs per bar
    buckets = [runs[i:i + size] for i in range(0, n, size)]
    alerts = [sum(r.alerts for r in b) for b in buckets]
    muted = [sum(r.suppressed for r in b) for b in buckets]
    peak = max([*alerts, *muted, 1])
    step = plot_w / max(1, len(buckets))
    base = top + plot_h
    canvas.rect(left, top, left + plot_w, top + 1, LIGHT)  # the peak's gridline
    canvas.text(4, top - 4, f"{peak:,}")
    canvas.text(4, base - 10, "0")
    last_day = None
    label_end = -1  # right edge of the last day label, so labels never overlap
    for i, bucket in enumerate(buckets):
        x0 = left + int(i * step)
        x1 = max(x0 + 1, left + int((i + 1) * step) - (1 if step >= 3 else 0))
        day = bucket[0].at.date()
        if day != last_day:
            canvas.rect(x0, top, x0 + 1, base, LIGHT)
            if x0 > label_end and x0 + 2 + 5 * 4 * SCALE <= width:
                canvas.text(x0 + 2, base + 6, bucket[0].at.strftime("%m-%d"))
                label_end = x0 + 2 + 5 * 4 * SCALE
            last_day = day
        for value, color in ((muted[i], GREY), (alerts[i], BLUE)):
            if value:
                h = max(1, round(value / peak * plot_h))
                canvas.rect(x0, base - h, x1, base, color)
    canvas.rect(left, base, left + plot_w, base + 1, BLACK)
    canvas.rect(left - 1, top, left, base + 1, BLACK)
    return canvas.png()


def write_chart(path: Path, runs: Sequence[RunOutcome]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(alerts_chart(runs))
