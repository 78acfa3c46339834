"""Expected rows against result rows.

An expected row names some of the result's columns; it matches a result row
when every named column is equal after the expected value is read as the
column's type (YAML gives text for a datetime, a number for a long, a mapping
for a dynamic). Order-insensitive matching pairs expected and result rows one
to one (bipartite matching), so rows naming different columns cannot steal
each other's partner the way a greedy pass could.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sentinel_deploy.objects.durations import DurationError, parse_duration
from sentinel_deploy.objects.query_result import QueryResult
from sentinel_deploy.testing.cases import Expectation


@dataclass(slots=True)
class Verdict:
    passed: bool
    message: str = ""
    #: expected row index -> result row index, for the rows that matched.
    pairs: dict[int, int] = field(default_factory=dict)
    missing_columns: list[str] = field(default_factory=list)


def judge(expect: Expectation, result: QueryResult) -> Verdict:
    actual = result.as_dicts()
    problems: list[str] = []
    if expect.count is not None and len(actual) != expect.count:
        problems.append(f"expected {expect.count} row(s), got {len(actual)}")
    verdict = Verdict(passed=True)
    if expect.rows is not None:
        names = set(result.column_names())
        wanted = {k for row in expect.rows for k in row}
        verdict.missing_columns = sorted(wanted - names)
        if verdict.missing_columns:
            problems.append("the result has no column(s) "
                            + ", ".join(verdict.missing_columns))
        else:
            verdict.pairs = (_ordered(expect.rows, actual) if expect.ordered
                             else _unordered(expect.rows, actual))
            unmatched = len(expect.rows) - len(verdict.pairs)
            extra = len(actual) - len(verdict.pairs)
            if (unmatched or extra) and not problems:
                what = "in this order " if expect.ordered else ""
                problems.append(f"rows differ {what}({unmatched} expected row(s) not found, "
                                f"{extra} unexpected result row(s))")
    verdict.passed = not problems
    verdict.message = "; ".join(problems)
    return verdict


def row_matches(expected: dict[str, Any], actual: dict[str, Any]) -> bool:
    return all(k in actual and value_equal(v, actual[k]) for k, v in expected.items())


def value_equal(expected: Any, actual: Any) -> bool:
    if expected is None:
        return actual is None or actual == ""
    if actual is None:
        return expected == ""
    if isinstance(actual, bool):
        return _as_bool(expected) is actual
    if isinstance(actual, datetime):
        other = _as_datetime(expected)
        return other is not None and other == actual
    if isinstance(actual, timedelta):
        try:
            return parse_duration(expected) == actual
        except (DurationError, TypeError, ValueError):
            return False
    if isinstance(actual, int | float):
        try:
            number = float(expected)
        except (TypeError, ValueError):
            return False
        return math.isclose(number, float(actual), rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(actual, dict | list):
        if isinstance(expected, str):
            try:
                expected = json.loads(expected)
            except ValueError:
                return False
        return expected == actual
    return _text(expected) == str(actual)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    return {"true": True, "false": False, "1": True, "0": False}.get(str(value).lower())


def _as_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    try:
        parsed = datetime.fromisoformat(str(value).strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _ordered(expected: list[dict[str, Any]], actual: list[dict[str, Any]]) -> dict[int, int]:
    return {i: i for i, (e, a) in enumerate(zip(expected, actual, strict=False))
            if row_matches(e, a)}


def _unordered(expected: list[dict[str, Any]], actual: list[dict[str, Any]]) -> dict[int, int]:
    """Maximum one-to-one matching (Kuhn's augmenting paths); cases are small."""
    edges = [[j for j, a in enumerate(actual) if row_matches(e, a)] for e in expected]
    owner: dict[int, int] = {}  # result row -> expected row

    def augment(i: int, seen: set[int]) -> bool:
        for j in edges[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(len(expected)):
        augment(i, set())
    return {i: j for j, i in owner.items()}
