from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sentinel_deploy.catalog.model import Catalog, Column, FunctionSchema, Parameter, TableSchema
from sentinel_deploy.engine import LocalWorkspace
from sentinel_deploy.engine.compat import rewrite

NOW = datetime(2024, 1, 2, tzinfo=UTC)
SIG = {"F": [("a", "1"), ("b", "'*'"), ("c", "dynamic([])")], "G": [("x", None), ("y", "2")]}


@pytest.fixture
def asim_ws() -> LocalWorkspace:
    catalog = Catalog(
        tables={"Events": TableSchema("Events", (
            Column("TimeGenerated", "datetime"), Column("Computer", "string"),
            Column("Count", "long")))},
        functions={"_Im_Dns": FunctionSchema(
            "_Im_Dns",
            parameters=(Parameter("starttime", "datetime", "datetime(null)"),
                        Parameter("srcipaddr", "string", "'*'"),
                        Parameter("domain_has_any", "dynamic", "dynamic([])")),
            columns=(Column("TimeGenerated", "datetime"), Column("DnsQuery", "string"),
                     Column("Type", "string")))},
    )
    ws = LocalWorkspace(catalog)
    yield ws
    ws.close()


def test_named_arguments_become_positional() -> None:
    assert rewrite("F(c=X) | count", SIG).text == "F(1, '*', X) | count"
    assert rewrite("F(2, c = X)", SIG).text == "F(2, '*', X)"
    assert rewrite("F(b == 1)", SIG).text == "F(b == 1)"  # a comparison, not a name
    assert rewrite("G(y=3)", SIG).text == "G(y=3)"  # x has no default: left alone
    assert rewrite("F(z=3)", SIG).text == "F(z=3)"  # not a declared parameter
    assert rewrite("let F = (c:int) { T }; F(c=1)", SIG).text.endswith("F(c=1)")


def test_standin_reads_backing_rows_and_ignores_parameters(asim_ws: LocalWorkspace) -> None:
    asim_ws.load_rows("_Im_Dns", [
        {"TimeGenerated": "2024-01-01T10:00:00Z", "DnsQuery": "evil.example"},
        {"TimeGenerated": "2023-01-01T10:00:00Z", "DnsQuery": "old.example"},
    ])
    prepared = asim_ws.prepare(
        "_Im_Dns(domain_has_any=dynamic(['nothing.example'])) | project DnsQuery, Type")
    assert prepared.rewrites == ["_Im_Dns(name=...) -> positional"]
    result = prepared.run(NOW, timedelta(days=7))
    # Parameters are not applied; the request window is, as for a table.
    assert result.rows == [("evil.example", "")]
    assert asim_ws.prepare("_Im_Dns | count").run(NOW).rows == [(2,)]


def test_standin_without_rows_is_empty(asim_ws: LocalWorkspace) -> None:
    assert asim_ws.prepare("_Im_Dns() | count").run(NOW).rows == [(0,)]


def test_project_reorder_uses_input_columns(asim_ws: LocalWorkspace) -> None:
    prepared = asim_ws.prepare("Events | extend X = 1 | project-reorder X, Computer")
    assert prepared.rewrites == ["project-reorder -> project (columns from the input)"]
    names = [c.name for c in prepared.run(NOW).columns]
    assert names == ["X", "Computer", "TimeGenerated", "Count"]


def test_project_reorder_of_unknown_column_is_left(asim_ws: LocalWorkspace) -> None:
    from sentinel_deploy.objects.query_result import QueryFailed

    with pytest.raises(QueryFailed):
        asim_ws.prepare("Events | project-reorder Nope")


def test_column_ifexists_resolved_from_input(asim_ws: LocalWorkspace) -> None:
    prepared = asim_ws.prepare(
        "Events | extend A = column_ifexists('Computer', 'x'), B = column_ifexists('Nope', 'd')"
        " | project A, B")
    assert sorted(prepared.rewrites) == ["column_ifexists -> column (columns from the input)",
                                         "column_ifexists -> default (columns from the input)"]
    asim_ws.load_rows("Events", [{"TimeGenerated": "2024-01-01T00:00:00Z", "Computer": "h1"}])
    assert prepared.run(NOW).rows == [("h1", "d")]


def test_column_ifexists_follows_loaded_columns(asim_ws: LocalWorkspace) -> None:
    prepared = asim_ws.prepare("Events | project R = column_ifexists('Extra', 'none')")
    asim_ws.load_rows("Events", [{"TimeGenerated": "2024-01-01T00:00:00Z", "Extra": "e"}])
    # Loading added the column, so the rewrite is redone against the new shape.
    assert prepared.run(NOW).rows == [("e",)]


def test_column_ifexists_after_same_operator_assignment_is_left(asim_ws: LocalWorkspace) -> None:
    from sentinel_deploy.objects.query_result import QueryFailed

    with pytest.raises(QueryFailed):
        asim_ws.prepare("Events | extend Q = 1, R = column_ifexists('Q', 0)")


def test_source_opening_a_group_is_unwrapped() -> None:
    text = "E | join (\n(union S, T)\n| where x) on a"
    assert rewrite(text).text == "E | join (\nunion S, T\n| where x) on a"
    # Not a pipeline source: a call's or a list's parentheses stay.
    for kept in ("E | where f((a)) | count", "E | join ((S)) on a", "E | where x in ((1), 2)"):
        assert rewrite(kept).text == kept


def test_legacy_cap_does_not_unbalance_source_unwrapping() -> None:
    # makeset's `)` becomes `, 128)`; the group around the union is still found.
    text = "(union (T | summarize s = makeset(a)), S)\n| count"
    assert rewrite(text).text == "union (T | summarize s = make_set(a, 128)), S\n| count"
