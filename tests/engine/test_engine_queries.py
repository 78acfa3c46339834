from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sentinel_deploy.catalog.model import Catalog, Column, FunctionSchema, Parameter
from sentinel_deploy.engine import LocalWorkspace
from sentinel_deploy.engine.compat import rewrite
from sentinel_deploy.objects.query_result import LOCAL_ENGINE_UNSUPPORTED, QueryFailed

NOW = datetime(2024, 1, 10, 12, tzinfo=UTC)


def _events(ws: LocalWorkspace) -> None:
    ws.load_rows("Events", [
        {"TimeGenerated": NOW - timedelta(hours=h), "Computer": f"pc{h}", "Count": h}
        for h in (1, 5, 30, 100)
    ])


def test_timespan_applies_outside_the_query(ws: LocalWorkspace) -> None:
    _events(ws)
    # No time filter in the query: the window alone hides older rows.
    assert ws.run("Events | count", now=NOW, timespan=timedelta(hours=6)).rows == [(2,)]
    assert ws.run("Events | count", now=NOW, timespan=None).rows == [(4,)]
    window = (NOW - timedelta(hours=30), NOW - timedelta(hours=5))
    rows = ws.run("Events | order by Count asc | project Count", now=NOW, timespan=window).rows
    assert rows == [(5,), (30,)]  # both ends inclusive, like query_datetimescope


def test_timespan_spares_tables_without_time(ws: LocalWorkspace) -> None:
    _events(ws)
    ws.load_rows("Static", [{"Name": "a", "Value": 1}])
    query = "Events | extend Name = 'a' | join kind=inner (Static) on Name | count"
    assert ws.run(query, now=NOW, timespan=timedelta(hours=2)).rows == [(1,)]


def test_query_now_pins_ago(ws: LocalWorkspace) -> None:
    _events(ws)
    assert ws.run("Events | where TimeGenerated > ago(6h) | count", now=NOW).rows == [(2,)]
    later = NOW + timedelta(hours=3)
    assert ws.run("Events | where TimeGenerated > ago(6h) | count", now=later).rows == [(1,)]
    assert ws.run("print n = now()", now=NOW).rows == [(NOW,)]


def test_prepared_query_translates_once(ws: LocalWorkspace) -> None:
    _events(ws)
    prepared = ws.prepare("Events | where TimeGenerated > ago(2h) | count")
    before = ws.translations
    # Rows after `now` are outside the window even though ago() would take them.
    counts = [
        prepared.run(NOW + timedelta(hours=h), timespan=timedelta(days=14)).rows[0][0]
        for h in (0, -4, -29, -99, 5)
    ]
    assert counts == [1, 1, 1, 1, 0]
    assert ws.translations == before  # only run-time values were rebound


def test_set_query_now_in_text_wins(ws: LocalWorkspace) -> None:
    prepared = ws.prepare("set query_now = datetime(2020-01-01); print n = now()")
    assert prepared.run(NOW).rows == [(datetime(2020, 1, 1, tzinfo=UTC),)]


def test_get_watchlist(tmp_path: Path, small_catalog: Catalog) -> None:
    (tmp_path / "watchlists").mkdir()
    (tmp_path / "watchlists" / "vips.csv").write_text(
        "UPN,Dept\nalice@contoso.com,Finance\nbob@contoso.com,HR\n", encoding="utf-8"
    )
    (tmp_path / "watchlists" / "hosts.csv").write_text("Host\npc1\n", encoding="utf-8")
    with LocalWorkspace(small_catalog) as ws:
        ws.load_dir(tmp_path)
        vips = ws.run(
            "_GetWatchlist('vips') | project SearchKey, Dept, WatchlistItem"
            " | order by SearchKey asc",
            now=NOW,
        ).rows
        none = ws.run("_GetWatchlist('nope') | count", now=NOW, timespan=timedelta(hours=1))
    assert vips[0][:2] == ("alice@contoso.com", "Finance")
    assert vips[0][2] == {"UPN": "alice@contoso.com", "Dept": "Finance"}
    assert none.rows == [(0,)]


def test_catalog_function_with_body(small_catalog: Catalog) -> None:
    small_catalog.functions["BigEvents"] = FunctionSchema(
        "BigEvents", parameters=(Parameter("threshold", "long", "10"),),
        columns=(Column("Computer", "string"),),
        body="Events | where Count > threshold | project Computer",
    )
    with LocalWorkspace(small_catalog) as ws:
        _events(ws)
        assert ws.run("BigEvents() | count", now=NOW).rows == [(2,)]
        assert ws.run("BigEvents(50) | count", now=NOW).rows == [(1,)]


@pytest.mark.parametrize(("query", "code"), [
    ("Events | where", "SyntaxError"),
    ("NoSuchTable | count", "SemanticError"),
    ("Events | project NoSuchColumn", "SemanticError"),
    # Valid in Kusto, not run by the local engine: a code of its own, not the query's fault.
    ("Events | make-series count() on TimeGenerated step 1h", LOCAL_ENGINE_UNSUPPORTED),
    ("Events | where ipv4_is_match(Computer, '10.0.0.1')", LOCAL_ENGINE_UNSUPPORTED),
])
def test_errors_map_to_log_analytics_codes(ws: LocalWorkspace, query: str, code: str) -> None:
    with pytest.raises(QueryFailed) as caught:
        ws.run(query, now=NOW)
    assert caught.value.code == code
    if code == LOCAL_ENGINE_UNSUPPORTED:
        assert caught.value.message.startswith("the local engine cannot run this query (")


def test_deprecated_aliases_rewritten(ws: LocalWorkspace) -> None:
    _events(ws)
    result = ws.run("Events | summarize s = makeset(Computer) | extend n = array_length(s)",
                    now=NOW)
    assert result.rows[0][1] == 4


def test_rewrite_leaves_strings_and_comments() -> None:
    text = "T | summarize makeset(x), makelist(y, 5) // makeset(z)\n| where a == 'makeset(q)'"
    out = rewrite(text)
    assert out.text == (
        "T | summarize make_set(x, 128), make_list(y, 5) // makeset(z)\n| where a == 'makeset(q)'"
    )
    assert out.applied == ["makeset -> make_set", "makelist -> make_list"]
    assert rewrite("T | extend makeset = 1").text == "T | extend makeset = 1"


def test_ipv4_is_private_expansion(ws: LocalWorkspace) -> None:
    query = (
        "datatable(ip:string)['10.1.2.3', '172.31.0.1', '172.32.0.1', '192.168.9.9',"
        " '8.8.8.8', 'nonsense'] | extend p = ipv4_is_private(ip) | project p"
    )
    rows = [r[0] for r in ws.run(query, now=NOW).rows]
    assert rows == [True, True, False, True, False, None]


def test_parenthesized_source_unwrapped() -> None:
    out = rewrite("(union isfuzzy=true (A | where x == 1), (B)) | extend y = 1")
    assert out.text == "union isfuzzy=true (A | where x == 1), (B) | extend y = 1"
    kept = "let f = (a:int) { A }; A | extend z = (x) | where (1 + 2) * 3 > 0"
    assert rewrite(kept).text == kept
