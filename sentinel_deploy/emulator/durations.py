"""ISO 8601 durations and Log Analytics timespans, parsed and printed like the services do."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

# Days/hours/minutes/seconds only: years and months have no fixed length, and
# neither service accepts them for rule schedules or query timespans.
_DURATION = re.compile(
    r"^(?P<sign>-)?P(?:(?P<w>\d+(?:\.\d+)?)W)?(?:(?P<d>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<m>\d+(?:\.\d+)?)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$",
    re.IGNORECASE,
)


def parse_duration(text: str) -> timedelta:
    """`PT70M`, `P1DT2H`, `PT3600.0S` → timedelta; ValueError when not a duration."""
    stripped = text.strip()
    match = _DURATION.match(stripped)
    groups = match.groupdict() if match else {}
    parts = {k: float(v) for k, v in groups.items() if k != "sign" and v}
    # The pattern alone accepts `P` and `PT`; a duration needs at least one component.
    if not parts or stripped[-1] in "Tt":
        raise ValueError(f"not an ISO 8601 duration: {text!r}")
    delta = timedelta(
        weeks=parts.get("w", 0),
        days=parts.get("d", 0),
        hours=parts.get("h", 0),
        minutes=parts.get("m", 0),
        seconds=parts.get("s", 0),
    )
    return -delta if groups.get("sign") else delta


def format_duration(delta: timedelta) -> str:
    """Print the way .NET's XmlConvert does, which is what Sentinel sends back.

    `70m` comes back as `PT1H10M` and `24h` as `P1D`: storing that form is what
    makes a naive diff against the source show a change forever.
    """
    if delta < timedelta(0):
        return "-" + format_duration(-delta)
    micros = delta // timedelta(microseconds=1)
    days, rest = divmod(micros, 86_400_000_000)
    hours, rest = divmod(rest, 3_600_000_000)
    minutes, rest = divmod(rest, 60_000_000)
    seconds, micro = divmod(rest, 1_000_000)
    out = "P" + (f"{days}D" if days else "")
    clock = ""
    if hours:
        clock += f"{hours}H"
    if minutes:
        clock += f"{minutes}M"
    if seconds or micro:
        frac = f".{micro:06d}".rstrip("0") if micro else ""
        clock += f"{seconds}{frac}S"
    if clock:
        out += "T" + clock
    return out if out != "P" else "PT0S"


def normalize_duration(text: str) -> str:
    return format_duration(parse_duration(text))


def _parse_instant(text: str) -> datetime:
    value = datetime.fromisoformat(text.strip())
    # Log Analytics reads an instant without an offset as UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def parse_timespan(text: str | None,
                   now: datetime | None = None) -> tuple[datetime, datetime] | None:
    """Every form the query API takes: `PT1H` (ending now), `start/end`, `start/PT1H`, `PT1H/end`.

    Returns (start, end) in UTC, or None for no timespan; ValueError when malformed.
    """
    if text is None or not text.strip():
        return None
    now = now or datetime.now(UTC)
    if "/" not in text:
        return now - parse_duration(text), now
    first, second = (part.strip() for part in text.split("/", 1))
    if first[:1].upper() == "P":
        end = _parse_instant(second)
        return end - parse_duration(first), end
    start = _parse_instant(first)
    if second[:1].upper() == "P":
        return start, start + parse_duration(second)
    return start, _parse_instant(second)
