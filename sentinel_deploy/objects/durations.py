"""Durations as rules write them (`5m`, `1h`, `14d`) and as the API wants them (`PT5M`, `P14D`).

The service answers with its own normalized ISO 8601 form (`70m` comes back as
`PT1H10M`), so comparing rules means comparing `timedelta`s, never strings.
"""

from __future__ import annotations

import re
from datetime import timedelta

_KQL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(d|h|m|s|ms|min|sec|hr|hrs|day|days)\s*$", re.IGNORECASE)
_ISO = re.compile(
    r"^P(?:(?P<d>\d+(?:\.\d+)?)D)?(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<m>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<s>\d+(?:\.\d+)?)S)?)?$",
    re.IGNORECASE,
)
_UNIT_SECONDS = {
    "d": 86400, "day": 86400, "days": 86400,
    "h": 3600, "hr": 3600, "hrs": 3600,
    "m": 60, "min": 60,
    "s": 1, "sec": 1,
    "ms": 0.001,
}


class DurationError(ValueError):
    pass


def parse_duration(value: object) -> timedelta:
    """Accept the rule-file forms (`5m`, `14d`), ISO 8601 (`PT5M`) and timedelta."""
    if isinstance(value, timedelta):
        return value
    if not isinstance(value, str) or not value.strip():
        raise DurationError(f"{value!r} is not a duration; write it like 5m, 1h or 14d")
    text = value.strip()
    match = _KQL.match(text)
    if match:
        return timedelta(seconds=float(match.group(1)) * _UNIT_SECONDS[match.group(2).lower()])
    match = _ISO.match(text)
    if match and any(match.groupdict().values()):
        parts = {k: float(v) for k, v in match.groupdict().items() if v}
        return timedelta(days=parts.get("d", 0), hours=parts.get("h", 0),
                         minutes=parts.get("m", 0), seconds=parts.get("s", 0))
    raise DurationError(f"{value!r} is not a duration; write it like 5m, 1h or 14d (or PT5M)")


def to_iso8601(delta: timedelta) -> str:
    """The normalized form the alertRules API returns: `PT5M`, `PT1H10M`, `P14D`, `P1DT2H`."""
    total = int(delta.total_seconds())
    if total <= 0:
        return "PT0S"
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    out = "P" + (f"{days}D" if days else "")
    clock = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + (
        f"{seconds}S" if seconds else "")
    return out + ("T" + clock if clock else "")


def to_kql(delta: timedelta) -> str:
    """A KQL timespan literal in the largest whole unit: `14d`, `1h`, `90m`, `30s`."""
    total = delta.total_seconds()
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if total >= size and total % size == 0:
            return f"{int(total // size)}{unit}"
    return f"{int(total * 1000)}ms"
