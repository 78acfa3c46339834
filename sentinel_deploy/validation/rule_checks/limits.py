"""The alertRules API's limits, and the few helpers that test a value against them.

Numbers come from the Azure-Sentinel template validator
(`.script/tests/detectionTemplateSchemaValidation/Models`) and the API's documented
ranges; each is written here once and used by both rule-file and API-body checks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from sentinel_deploy.objects.durations import DurationError, parse_duration, to_kql
from sentinel_deploy.validation.rule_checks.base import Finding, Value

NAME_MAX = 256
DESCRIPTION_MAX = 5_000
QUERY_MAX = 10_000
SEVERITIES = ("Informational", "Low", "Medium", "High")
KINDS = ("Scheduled", "NRT")
SCHEDULE_MIN = timedelta(minutes=5)
SCHEDULE_MAX = timedelta(days=14)
LONG_PERIOD = timedelta(days=2)
LONG_PERIOD_MIN_FREQUENCY = timedelta(hours=1)
# Rule files use the short forms, the API the long ones; both are accepted.
TRIGGER_OPERATORS = {"gt": "GreaterThan", "lt": "LessThan", "eq": "Equal", "ne": "NotEqual"}
THRESHOLD_MIN, THRESHOLD_MAX = 0, 10_000
SUPPRESSION_MIN = timedelta(minutes=5)
SUPPRESSION_MAX = timedelta(hours=24)
TACTICS = (
    "InitialAccess", "Execution", "Persistence", "PrivilegeEscalation", "DefenseEvasion",
    "CredentialAccess", "Discovery", "LateralMovement", "Collection", "Exfiltration",
    "CommandAndControl", "Impact", "Reconnaissance", "ResourceDevelopment",
    "ImpairProcessControl", "InhibitResponseFunction",
)
TECHNIQUE = re.compile(r"^T\d{4}(\.\d{3})?$")
ENTITY_MAPPINGS_MIN, ENTITY_MAPPINGS_MAX = 1, 10
FIELD_MAPPINGS_MIN, FIELD_MAPPINGS_MAX = 1, 3
COLUMN_NAME = re.compile(r"^[a-zA-Z_]\w*$", re.ASCII)
COLUMN_NAME_MAX = 500  # Log Analytics' longest column name
CUSTOM_DETAILS_MAX = 20
CUSTOM_DETAIL_KEY = re.compile(r"^[a-zA-Z]\w*$", re.ASCII)
CUSTOM_DETAIL_KEY_MAX = 20
ALERT_NAME_FORMAT_MAX = 256
ALERT_DESCRIPTION_FORMAT_MAX = 5_000
PLACEHOLDERS_MAX = 3
PLACEHOLDER = re.compile(r"\{\{([^{}]*)\}\}")
AGGREGATION_KINDS = ("SingleAlert", "AlertPerResult")
LOOKBACK_MIN = timedelta(minutes=5)
LOOKBACK_MAX = timedelta(days=7)
MATCHING_METHODS = ("AllEntities", "AnyAlert", "Selected")
GUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


def human(delta: timedelta) -> str:
    return to_kql(delta)


def as_duration(value: Any) -> timedelta | None:
    try:
        return parse_duration(value)
    except DurationError:
        return None


def text_length(field: Value, label: str, maximum: int, minimum: int = 0) -> Iterator[Finding]:
    """A string field's length in [minimum, maximum]; absent fields are someone else's job."""
    if not field.present:
        return
    value = field.value
    if not isinstance(value, str):
        yield Finding(field.path, f"{label} must be text, not {type(value).__name__}")
    elif len(value) > maximum:
        yield Finding(field.path, f"{label} is {len(value):,} characters; the limit is "
                                  f"{maximum:,}", hint=f"shorten it by {len(value) - maximum:,}")
    elif len(value) < minimum or (minimum and not value.strip()):
        yield Finding(field.path, f"{label} is empty", hint=f"write the {label}")


def one_of(field: Value, label: str, allowed: tuple[str, ...]) -> Iterator[Finding]:
    if not field.present or field.value in allowed:
        return
    close = [a for a in allowed if isinstance(field.value, str)
             and a.lower() == field.value.strip().lower()]
    hint = (f"write {close[0]!r} (the API is case-sensitive)" if close
            else f"use one of: {', '.join(allowed)}")
    yield Finding(field.path, f"{label} {field.value!r} is not valid", hint=hint)


def duration_in(field: Value, label: str, low: timedelta,
                high: timedelta) -> Iterator[Finding]:
    if not field.present:
        return
    delta = as_duration(field.value)
    if delta is None:
        yield Finding(field.path, f"{label} {field.value!r} is not a duration",
                      hint="write it like 5m, 1h or 14d")
    elif not low <= delta <= high:
        yield Finding(field.path, f"{label} is {human(delta)}; it must be between "
                                  f"{human(low)} and {human(high)}")


def placeholders(text: str) -> list[str]:
    return PLACEHOLDER.findall(text)
