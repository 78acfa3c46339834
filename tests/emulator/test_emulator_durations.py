from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sentinel_deploy.emulator.durations import normalize_duration, parse_timespan
from sentinel_deploy.emulator.log_analytics import kql_timespan


@pytest.mark.parametrize(("sent", "stored"), [
    ("PT70M", "PT1H10M"), ("PT24H", "P1D"), ("P14D", "P14D"), ("PT5M", "PT5M"),
    ("PT3600.0S", "PT1H"), ("P1DT2H", "P1DT2H"), ("PT1.5S", "PT1.5S"), ("pt0s", "PT0S"),
])
def test_durations_normalize_like_the_service(sent: str, stored: str) -> None:
    assert normalize_duration(sent) == stored


@pytest.mark.parametrize("bad", ["", "P", "PT", "P1DT", "70m", "1h", "P1Y"])
def test_malformed_durations_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        normalize_duration(bad)


def test_every_timespan_form_parses() -> None:
    now = datetime(2024, 5, 1, 12, tzinfo=UTC)
    start, end = datetime(2024, 5, 1, tzinfo=UTC), datetime(2024, 5, 2, tzinfo=UTC)
    assert parse_timespan("PT3600.0S", now) == (now - timedelta(hours=1), now)
    assert parse_timespan("2024-05-01T00:00:00.000Z/2024-05-02T00:00:00.000Z") == (start, end)
    assert parse_timespan("2024-05-01T00:00:00Z/P1D") == (start, end)
    assert parse_timespan("P1D/2024-05-02T00:00:00Z") == (start, end)
    assert parse_timespan("2024-05-01T00:00:00/2024-05-02T00:00:00") == (start, end)
    assert parse_timespan(None) is None


def test_kql_timespan_text() -> None:
    assert kql_timespan(timedelta(hours=1)) == "01:00:00"
    assert kql_timespan(timedelta(days=1, seconds=5, microseconds=500000)) == "1.00:00:05.5000000"
    assert kql_timespan(-timedelta(minutes=1)) == "-00:01:00"
