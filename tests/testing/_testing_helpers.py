"""Paths and a file writer shared by the tests of `sentinel-deploy test` and `backtest`."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RULE = ROOT / "analytics" / "linux" / "bind_mount_hides_process.yaml"
CASES = RULE.with_suffix(".tests")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
