"""Field-level differences between the body we would send and what the workspace holds.

The service normalizes what it stores (durations come back as `PT1H10M` for
`70m`, server-side fields appear, empty collections may vanish), so values are
compared in a canonical form: only properties we send count, durations as
seconds, absent equals empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sentinel_deploy.objects.durations import DurationError, parse_duration

_DURATION_KEYS = frozenset(
    {"queryFrequency", "queryPeriod", "suppressionDuration", "lookbackDuration"})
# Fields the deploy flow owns: a rule held disabled after a failed check differs
# from the file only here, and that is not a content change.
FLOW_FIELDS = frozenset({"enabled"})


@dataclass(frozen=True, slots=True)
class FieldChange:
    path: str
    before: Any
    after: Any


def _canonical(key: str, value: Any) -> Any:
    if key in _DURATION_KEYS and isinstance(value, str):
        try:
            return parse_duration(value).total_seconds()
        except DurationError:
            return value
    if isinstance(value, dict):
        return {k: _canonical(k, v) for k, v in value.items() if not _empty(v)}
    if isinstance(value, list):
        return [_canonical(key, v) for v in value]
    return value


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == {}


def diff_bodies(desired: dict[str, Any], current: dict[str, Any] | None,
                ignore: frozenset[str] = frozenset()) -> list[FieldChange]:
    """Changes from `current` to `desired`, over the properties `desired` sets."""
    if current is None:
        return [FieldChange("", None, desired)]
    changes: list[FieldChange] = []
    if desired.get("kind") != current.get("kind"):
        changes.append(FieldChange("kind", current.get("kind"), desired.get("kind")))
    have = current.get("properties", {})
    for key, want in desired.get("properties", {}).items():
        if key in ignore:
            continue
        before, after = _canonical(key, have.get(key)), _canonical(key, want)
        if _empty(before) and _empty(after):
            continue
        if before != after:
            changes.append(FieldChange(f"properties.{key}", have.get(key), want))
    return changes
