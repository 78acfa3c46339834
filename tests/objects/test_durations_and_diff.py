from __future__ import annotations

from datetime import timedelta

import pytest

from sentinel_deploy.objects.durations import DurationError, parse_duration, to_iso8601, to_kql
from sentinel_deploy.objects.rule_diff import FLOW_FIELDS, diff_bodies


@pytest.mark.parametrize(("text", "delta"), [
    ("5m", timedelta(minutes=5)), ("1h", timedelta(hours=1)), ("14d", timedelta(days=14)),
    ("PT5M", timedelta(minutes=5)), ("P1DT2H", timedelta(days=1, hours=2)),
    ("PT3600.0S", timedelta(hours=1)), (" 2h ", timedelta(hours=2)),
])
def test_parse(text: str, delta: timedelta) -> None:
    assert parse_duration(text) == delta


@pytest.mark.parametrize("text", ["", "banana", "5 weeks", "P", "-5m"])
def test_parse_rejects(text: str) -> None:
    with pytest.raises(DurationError):
        parse_duration(text)


@pytest.mark.parametrize(("delta", "iso", "kql"), [
    (timedelta(minutes=5), "PT5M", "5m"), (timedelta(minutes=70), "PT1H10M", "70m"),
    (timedelta(days=14), "P14D", "14d"), (timedelta(days=1, hours=2), "P1DT2H", "26h"),
])
def test_format(delta: timedelta, iso: str, kql: str) -> None:
    assert to_iso8601(delta) == iso
    assert to_kql(delta) == kql


def body(**props: object) -> dict:
    return {"kind": "Scheduled", "properties": {"queryFrequency": "PT70M", "enabled": True,
                                                "tactics": ["Discovery"], **props}}


def test_service_normalized_durations_are_not_a_change() -> None:
    served = body(queryFrequency="PT1H10M", etag="x", lastModifiedUtc="2024-01-01")
    assert diff_bodies(body(), served) == []


def test_absent_equals_empty_and_flow_fields_ignored() -> None:
    assert diff_bodies(body(customDetails=None), body(customDetails={}, enabled=False),
                       ignore=FLOW_FIELDS) == []


def test_real_change_is_field_level() -> None:
    [change] = diff_bodies(body(tactics=["Impact"]), body())
    assert change.path == "properties.tactics"
    assert (change.before, change.after) == (["Discovery"], ["Impact"])
