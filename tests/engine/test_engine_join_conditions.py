"""`join ... on A and B` becomes the documented comma form."""

from __future__ import annotations

from datetime import UTC, datetime

from sentinel_deploy.engine import LocalWorkspace
from sentinel_deploy.engine.compat import rewrite
from sentinel_deploy.engine.join_conditions import APPLIED

NOW = datetime(2024, 1, 2, tzinfo=UTC)
JOIN = ("Events | join kind=inner (Static | project N = Name, V = Value)"
        " on $left.Computer == $right.N and $left.Level == $right.V")


def test_and_between_equalities_becomes_comma() -> None:
    result = rewrite(JOIN + " | count")
    assert result.text.endswith("on $left.Computer == $right.N , $left.Level == $right.V | count")
    assert result.applied == [APPLIED]


def test_other_conditions_and_other_ands_are_left() -> None:
    left = [
        "E | join (S) on $left.A == $right.B or $left.C == $right.D",
        "E | join (S) on $left.A == $right.B and tolower($left.C) == $right.D",
        "E | join (S) on $left.A == $right.B and $right.D == $left.C",
        "E | where a == 1 and b == 2",
        "E | join (S | where a == 1 and b == 2) on A",
        "E | lookup (S) on $left.A == $right.B and $left.C == $right.D",
    ]
    for text in left:
        assert rewrite(text).text == text, text


def test_both_conditions_apply(ws: LocalWorkspace) -> None:
    ws.load_rows("Events", [
        {"TimeGenerated": "2024-01-01T00:00:00Z", "Computer": "a", "Level": 1},
        {"TimeGenerated": "2024-01-01T00:00:00Z", "Computer": "a", "Level": 2},
    ])
    ws.load_rows("Static", [{"Name": "a", "Value": 2}])
    assert ws.prepare(JOIN + " | project Computer, Level").run(NOW).rows == [("a", 2)]
