"""`x in (L)` where L is `summarize make_list(...)`: membership in the list's elements."""

from __future__ import annotations

from datetime import UTC, datetime

from sentinel_deploy.engine import LocalWorkspace
from sentinel_deploy.engine.compat import rewrite
from sentinel_deploy.engine.in_lists import APPLIED

NOW = datetime(2024, 1, 2, tzinfo=UTC)
LIST = "let known = Static | where Value > 0 | summarize makelist(Name);\n"


def test_in_list_operand_becomes_toscalar() -> None:
    result = rewrite(LIST + "Events | where Computer !in (known)")
    assert result.text.endswith("Events | where Computer !in (toscalar(known))")
    assert result.applied == [APPLIED, "makelist -> make_list"]
    for op in ("in", "in~", "!in~"):
        assert APPLIED in rewrite(LIST + f"Events | where Computer {op} (known)").applied


def test_other_shapes_are_left() -> None:
    left = [
        "let known = Static | summarize make_list(Name) by Value;\nE | where C in (known)",
        "let known = Static | summarize make_list(Name), count();\nE | where C in (known)",
        "let known = Static | project Name;\nE | where C in (known)",
        LIST + "let known = Static;\nE | where C in (known)",  # bound twice
        LIST + "E | where C in (known, 'x')",
        LIST + "E | where C has_any (known)",
    ]
    for text in left:
        assert APPLIED not in rewrite(text).applied, text


def test_membership_is_in_the_elements(ws: LocalWorkspace) -> None:
    ws.load_rows("Static", [{"Name": "a", "Value": 1}, {"Name": "b", "Value": 0}])
    ws.load_rows("Events", [
        {"TimeGenerated": "2024-01-01T00:00:00Z", "Computer": c} for c in ("a", "b", "c")])
    inside = ws.prepare(LIST + "Events | where Computer in (known) | project Computer")
    outside = ws.prepare(LIST + "Events | where Computer !in (known) | project Computer")
    assert inside.run(NOW).rows == [("a",)]
    assert sorted(outside.run(NOW).rows) == [("b",), ("c",)]
    # An empty list: summarize without `by` still gives one row, an empty list.
    none = ws.prepare("let known = Static | where Value > 5 | summarize make_list(Name);\n"
                      "Events | where Computer in (known) | count")
    assert none.run(NOW).rows == [(0,)]


def test_make_set_membership_is_in_the_elements(ws: LocalWorkspace) -> None:
    # duckdb-kql's make_set is JSON: without the rewrite x was compared with
    # the whole list's JSON text, so nothing matched and no error said so.
    ws.load_rows("Static", [{"Name": "a", "Value": 1}, {"Name": "b", "Value": 1}])
    ws.load_rows("Events", [
        {"TimeGenerated": "2024-01-01T00:00:00Z", "Computer": c} for c in ("a", "c")])
    prepared = ws.prepare("let known = Static | summarize make_set(Name);\n"
                          "Events | where Computer in (known) | project Computer")
    assert prepared.rewrites == [APPLIED]
    assert prepared.run(NOW).rows == [("a",)]
