"""Sentinel's alerting decisions over a sequence of scheduled runs, without any KQL.

Kept free of the engine so the arithmetic can be checked on its own:

* runs: one every queryFrequency after `start`, the last at or before `end`
  (with queryPeriod == queryFrequency the windows tile [start, end]);
* trigger: the run's result count compared with triggerThreshold by
  triggerOperator (gt, lt, eq, ne; the API's GreaterThan... spellings too);
* grouping: AlertPerResult raises one alert per result row, capped at 150 per
  run as Sentinel documents (and one when a run triggers with no rows, e.g.
  `lt 1`); SingleAlert raises one alert per triggered run;
* suppression: after a run that raised alerts, runs before
  alert time + suppressionDuration raise none (they are counted as suppressed).
  A run exactly at the end of the suppression raises alerts again.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sentinel_deploy.objects.rule import Rule

MAX_ALERTS_PER_RUN = 150
NRT_FREQUENCY = timedelta(minutes=1)

_OPERATORS: dict[str, Callable[[int, int], bool]] = {
    "gt": operator.gt, "greaterthan": operator.gt,
    "lt": operator.lt, "lessthan": operator.lt,
    "eq": operator.eq, "equal": operator.eq,
    "ne": operator.ne, "notequal": operator.ne,
}


@dataclass(frozen=True, slots=True)
class Policy:
    frequency: timedelta
    period: timedelta
    operator: str = "gt"
    threshold: int = 0
    per_result: bool = False
    suppression: timedelta | None = None

    @classmethod
    def of(cls, rule: Rule) -> Policy:
        if rule.is_nrt:
            # NRT: every minute over the last minute; any result raises alerts.
            return cls(NRT_FREQUENCY, NRT_FREQUENCY, "gt", 0, _per_result(rule),
                       _suppression(rule))
        if rule.queryFrequency is None or rule.queryPeriod is None:
            raise ValueError("the rule needs queryFrequency and queryPeriod to be replayed")
        op = (rule.triggerOperator or "gt").strip().lower()
        if op not in _OPERATORS:
            raise ValueError(f"unknown triggerOperator {rule.triggerOperator!r}")
        return cls(rule.queryFrequency, rule.queryPeriod, op, rule.triggerThreshold or 0,
                   _per_result(rule), _suppression(rule))

    def triggers(self, results: int) -> bool:
        return _OPERATORS[self.operator](results, self.threshold)

    @property
    def grouping(self) -> str:
        return "AlertPerResult" if self.per_result else "SingleAlert"


@dataclass(frozen=True, slots=True)
class RunOutcome:
    at: datetime
    results: int
    triggered: bool
    suppressed: bool
    alerts: int


def _per_result(rule: Rule) -> bool:
    kind = rule.eventGroupingSettings.aggregationKind if rule.eventGroupingSettings else ""
    return (kind or "").lower() == "alertperresult"


def _suppression(rule: Rule) -> timedelta | None:
    return rule.suppressionDuration if rule.suppressionEnabled else None


def run_times(start: datetime, end: datetime, frequency: timedelta) -> list[datetime]:
    if frequency <= timedelta(0):
        raise ValueError("queryFrequency must be positive")
    count = int((end - start) / frequency)
    return [start + frequency * k for k in range(1, count + 1)]


def simulate(times: Sequence[datetime], counts: Sequence[int], policy: Policy
             ) -> list[RunOutcome]:
    outcomes: list[RunOutcome] = []
    quiet_until: datetime | None = None
    for at, results in zip(times, counts, strict=True):
        triggered = policy.triggers(results)
        suppressed = triggered and quiet_until is not None and at < quiet_until
        alerts = 0
        if triggered and not suppressed:
            # A triggered run raises at least one alert, even `lt` with no rows.
            alerts = max(1, min(results, MAX_ALERTS_PER_RUN)) if policy.per_result else 1
            if policy.suppression is not None:
                quiet_until = at + policy.suppression
        outcomes.append(RunOutcome(at, results, triggered, suppressed, alerts))
    return outcomes
