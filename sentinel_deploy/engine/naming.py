"""Names: which table a data file feeds, and what a header really calls a column."""

from __future__ import annotations

import re
from pathlib import Path

#: Data file kinds the loader reads, by suffix.
SUFFIXES: dict[str, str] = {
    ".csv": "csv",
    ".json": "json",
    ".jsonl": "json",
    ".ndjson": "json",
    ".parquet": "parquet",
}

# The portal appends the display zone to datetime headers. `[Local Time]` is
# the exporting browser's zone, which the file does not record, so it is read
# as UTC (the same assumption as `[UTC]`); see docs in engine/__init__.py.
_ZONE_SUFFIX = re.compile(r"\s*\[(?:UTC|Local Time)\]\s*$", re.IGNORECASE)


def clean_header(header: str) -> str:
    return _ZONE_SUFFIX.sub("", header.strip().lstrip("\ufeff")).strip()


def table_from_filename(path: Path) -> str:
    """`DeviceProcessEvents__anything.csv` -> `DeviceProcessEvents`."""
    stem = path.name
    for suffix in SUFFIXES:
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    return stem.split("__", 1)[0]


def file_kind(path: Path) -> str | None:
    return SUFFIXES.get(path.suffix.lower())
