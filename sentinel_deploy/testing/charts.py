"""Alerts over time as text: a bar per day and a sparkline of the runs."""

from __future__ import annotations

from collections.abc import Sequence

from sentinel_deploy.testing.backtest import DaySummary

_EIGHTHS = " ▏▎▍▌▋▊▉█"
_SPARKS = "▁▂▃▄▅▆▇█"


def bar(value: float, top: float, width: int) -> str:
    """A left-aligned bar of *width* cells, eighths of a cell for the remainder."""
    if top <= 0 or value <= 0:
        return " " * width
    eighths = max(1, round(value / top * width * 8))  # a non-zero day stays visible
    full, part = divmod(eighths, 8)
    text = "█" * full + (_EIGHTHS[part] if part else "")
    return text.ljust(width)


def day_bars(days: Sequence[DaySummary], width: int = 40) -> list[str]:
    top = max((d.alerts for d in days), default=0)
    return [f"{d.day.isoformat()} │{bar(d.alerts, top, width)}│ {d.alerts:>6,} alert(s)"
            f"  {d.triggered:>4} of {d.runs} run(s) triggered"
            + (f", {d.suppressed} suppressed" if d.suppressed else "")
            for d in days]


def sparkline(values: Sequence[int], width: int = 72) -> str:
    """Values summed into at most *width* buckets; a blank is a bucket with none."""
    if not values:
        return ""
    size = max(1, -(-len(values) // width))
    buckets = [sum(values[i:i + size]) for i in range(0, len(values), size)]
    top = max(buckets)
    if top == 0:
        return "▁" * len(buckets)
    return "".join(" " if b == 0 else _SPARKS[min(7, (b * 8 - 1) // top)] for b in buckets)
