"""Reporters: diagnostics out as text for people, JSON for scripts, SARIF for code scanning."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from sentinel_deploy.output.base import Reporter, Summary, display_path
from sentinel_deploy.output.human import HumanReporter
from sentinel_deploy.output.json_report import JsonReporter
from sentinel_deploy.output.sarif import SarifReporter

FORMATS = ("human", "json", "sarif")


def make_reporter(name: str, root: Path | None = None, *,
                  rule_descriptions: Mapping[str, str] | None = None,
                  color: bool | None = None) -> Reporter:
    """The reporter for `--output NAME`; paths are shown relative to `root`."""
    if name == "human":
        return HumanReporter(root, color=color)
    if name == "json":
        return JsonReporter(root)
    if name == "sarif":
        return SarifReporter(root, rule_descriptions)
    raise ValueError(f"unknown output format {name!r}; use one of: {', '.join(FORMATS)}")


__all__ = ["FORMATS", "HumanReporter", "JsonReporter", "Reporter", "SarifReporter", "Summary",
           "display_path", "make_reporter"]
