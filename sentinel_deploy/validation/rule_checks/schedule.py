"""Schedule and trigger: how often the query runs, over what window, and when it alerts."""

from __future__ import annotations

from collections.abc import Iterator

from sentinel_deploy.objects.diagnostics import Severity
from sentinel_deploy.validation.rule_checks import limits as L
from sentinel_deploy.validation.rule_checks.base import Finding, Subject, check, is_nrt

_SCHEDULE_FIELDS = ("queryFrequency", "queryPeriod", "triggerOperator", "triggerThreshold")


@check("SD110", f"queryFrequency and queryPeriod are each between {L.human(L.SCHEDULE_MIN)} "
                f"and {L.human(L.SCHEDULE_MAX)}.")
def schedule_range(subject: Subject) -> Iterator[Finding]:
    if is_nrt(subject):
        return
    for name in ("queryFrequency", "queryPeriod"):
        yield from L.duration_in(subject.get(name), name, L.SCHEDULE_MIN, L.SCHEDULE_MAX)


@check("SD111", "queryPeriod is at least queryFrequency (no gaps between runs).")
def period_covers_frequency(subject: Subject) -> Iterator[Finding]:
    if is_nrt(subject):
        return
    frequency = L.as_duration(subject.get("queryFrequency").value)
    period = subject.get("queryPeriod")
    delta = L.as_duration(period.value)
    if frequency is not None and delta is not None and delta < frequency:
        yield Finding(period.path, f"queryPeriod {L.human(delta)} is shorter than queryFrequency "
                                   f"{L.human(frequency)}: events between runs would be missed",
                      hint=f"make queryPeriod at least {L.human(frequency)}")


@check("SD112", f"A rule that looks back {L.human(L.LONG_PERIOD)} or more runs at most every "
                f"{L.human(L.LONG_PERIOD_MIN_FREQUENCY)}.")
def long_period_frequency(subject: Subject) -> Iterator[Finding]:
    if is_nrt(subject):
        return
    field = subject.get("queryFrequency")
    frequency = L.as_duration(field.value)
    period = L.as_duration(subject.get("queryPeriod").value)
    if (frequency is not None and period is not None and period >= L.LONG_PERIOD
            and frequency < L.LONG_PERIOD_MIN_FREQUENCY):
        yield Finding(field.path, f"queryFrequency {L.human(frequency)} is below "
                                  f"{L.human(L.LONG_PERIOD_MIN_FREQUENCY)} while queryPeriod is "
                                  f"{L.human(period)}",
                      hint=f"with a queryPeriod of {L.human(L.LONG_PERIOD)} or more, run at most "
                           f"every {L.human(L.LONG_PERIOD_MIN_FREQUENCY)}")


@check("SD113", "An NRT rule has no schedule or trigger: it runs every minute and alerts on "
                "any result.", Severity.WARNING)
def nrt_without_schedule(subject: Subject) -> Iterator[Finding]:
    if not is_nrt(subject):
        return
    for name in _SCHEDULE_FIELDS:
        field = subject.get(name)
        if field.present:
            yield Finding(field.path, f"{name} has no effect on an NRT rule",
                          hint=f"remove {name}")


@check("SD114", "triggerOperator is gt, lt, eq or ne (GreaterThan, LessThan, Equal, NotEqual).")
def trigger_operator(subject: Subject) -> Iterator[Finding]:
    field = subject.get("triggerOperator")
    if not field.present or is_nrt(subject):
        return
    allowed = (*L.TRIGGER_OPERATORS, *L.TRIGGER_OPERATORS.values())
    yield from L.one_of(field, "triggerOperator", allowed)


@check("SD115", f"triggerThreshold is a whole number from {L.THRESHOLD_MIN} to "
                f"{L.THRESHOLD_MAX:,}.")
def trigger_threshold(subject: Subject) -> Iterator[Finding]:
    field = subject.get("triggerThreshold")
    if not field.present or is_nrt(subject):
        return
    value = field.value
    if isinstance(value, bool) or not isinstance(value, int):
        yield Finding(field.path, f"triggerThreshold {value!r} is not a whole number")
    elif not L.THRESHOLD_MIN <= value <= L.THRESHOLD_MAX:
        yield Finding(field.path, f"triggerThreshold {value:,} is outside "
                                  f"{L.THRESHOLD_MIN}–{L.THRESHOLD_MAX:,}")


@check("SD116", f"suppressionDuration is between {L.human(L.SUPPRESSION_MIN)} and "
                f"{L.human(L.SUPPRESSION_MAX)}, and is given when suppression is enabled.")
def suppression(subject: Subject) -> Iterator[Finding]:
    field = subject.get("suppressionDuration")
    yield from L.duration_in(field, "suppressionDuration", L.SUPPRESSION_MIN, L.SUPPRESSION_MAX)
    enabled = subject.get("suppressionEnabled")
    if enabled.value is True and not field.present:
        yield Finding(enabled.path, "suppressionEnabled is true but there is no "
                                    "suppressionDuration", hint="add e.g. suppressionDuration: 5h")
