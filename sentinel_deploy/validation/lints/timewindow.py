"""A TimeGenerated filter reaching further back than queryPeriod sees only queryPeriod.

Sentinel hands a scheduled rule's query the data of the last queryPeriod and
nothing older, so `TimeGenerated > ago(14d)` in a rule with queryPeriod 1d
silently looks at one day. The heuristic is deliberately narrow, so what it
reports is real:

- `TimeGenerated >|>= ago(X)`, `ago(X) <|<= TimeGenerated`, and
  `TimeGenerated between (ago(X) .. ...)`, where X is a timespan literal or a
  name bound by `let name = <timespan literal>;`;
- any other column, any other expression (`startofday(ago(X))`, arithmetic),
  or a name bound to something else is ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

from sentinel_deploy.objects.diagnostics import Severity
from sentinel_deploy.validation.lints.base import LintContext, LintFinding, lint
from sentinel_deploy.validation.lints.tokens import Token, TokenView

_TIMESPAN = re.compile(r"(\d+(?:\.\d+)?)\s*([A-Za-z]+)\Z")
_UNITS = {
    "d": 86400.0, "day": 86400.0, "days": 86400.0,
    "h": 3600.0, "hr": 3600.0, "hrs": 3600.0, "hour": 3600.0, "hours": 3600.0,
    "m": 60.0, "min": 60.0, "minute": 60.0, "minutes": 60.0,
    "s": 1.0, "sec": 1.0, "second": 1.0, "seconds": 1.0,
    "ms": 0.001, "milli": 0.001, "millis": 0.001, "millisecond": 0.001,
    "milliseconds": 0.001,
}
TIME_COLUMN = "TimeGenerated"


def parse_timespan(text: str) -> timedelta | None:
    match = _TIMESPAN.match(text.strip())
    if not match or match.group(2).lower() not in _UNITS:
        return None
    return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2).lower()])


def timespan_lets(view: TokenView) -> dict[str, timedelta]:
    """`let name = 14d;` bindings; a name bound twice, or to anything else, is dropped."""
    out: dict[str, timedelta] = {}
    dropped: set[str] = set()
    tokens = view.tokens
    for i, token in enumerate(tokens):
        if token.text != "let" or i + 4 >= len(tokens) or tokens[i + 2].text != "=":
            continue
        name = tokens[i + 1].text
        value = parse_timespan(tokens[i + 3].text) if tokens[i + 4].text == ";" else None
        if value is None or name in out:
            dropped.add(name)
        else:
            out[name] = value
    return {k: v for k, v in out.items() if k not in dropped}


def _ago_at(view: TokenView, i: int, lets: dict[str, timedelta]) -> timedelta | None:
    """The X of `ago(X)` starting at token i, when X is a literal or a let-bound literal."""
    t = view.tokens
    if i + 3 >= len(t) or t[i].text != "ago" or t[i + 1].text != "(" or t[i + 3].text != ")":
        return None
    arg = t[i + 2]
    return parse_timespan(arg.text) if arg.kind == "number" else lets.get(arg.text)


def lookbacks(view: TokenView) -> Iterator[tuple[Token, timedelta]]:
    """(the `ago` token, X) for each TimeGenerated lower bound of the shapes above."""
    lets = timespan_lets(view)
    t = view.tokens
    for i, token in enumerate(t):
        if token.name != TIME_COLUMN:
            continue
        nxt, after, prev = view.next(i), view.next(i, 2), view.next(i, -1)
        candidates = []
        if nxt is not None and nxt.text in (">", ">="):
            candidates.append(i + 2)  # TimeGenerated > ago(X)
        if nxt is not None and nxt.text == "between" and after is not None and after.text == "(":
            candidates.append(i + 3)  # TimeGenerated between (ago(X) .. Y)
        if prev is not None and prev.text in ("<", "<=") and i >= 5 and t[i - 2].text == ")":
            candidates.append(i - 5)  # ago(X) < TimeGenerated
        for j in candidates:
            if (span := _ago_at(view, j, lets)) is not None:
                yield t[j], span


def human(span: timedelta) -> str:
    seconds = span.total_seconds()
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


@lint("SD220", "TimeGenerated filters reach back no further than queryPeriod (the rule "
               "sees only queryPeriod of data).", Severity.WARNING)
def lookback_within_period(ctx: LintContext) -> Iterator[LintFinding]:
    period = ctx.rule.queryPeriod
    if ctx.rule.is_nrt or not isinstance(period, timedelta):
        return
    for token, span in lookbacks(ctx.kql):
        if span > period:
            yield LintFinding(
                f"the query filters TimeGenerated to the last {human(span)}, but the rule's "
                f"queryPeriod is {human(period)}: it only ever sees {human(period)} of data",
                f"raise queryPeriod to {human(span)} (at most 14d), or shorten the filter",
                start=token.start, length=len(token.text))
