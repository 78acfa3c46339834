"""externaldata runs locally as an empty table with the declared columns."""

from __future__ import annotations

from datetime import UTC, datetime

from sentinel_deploy.engine import LocalWorkspace
from sentinel_deploy.engine.compat import rewrite
from sentinel_deploy.engine.externaldata import APPLIED

NOW = datetime(2024, 1, 2, tzinfo=UTC)
FEED = ('externaldata(Role:string, Rank:long, Seen:datetime, Extra:dynamic)'
        ' [@"https://example.invalid/feed.csv", h"https://example.invalid/b.csv"]'
        ' with (format="csv", ignoreFirstRecord=True)')


def test_externaldata_becomes_empty_datatable() -> None:
    result = rewrite(f"let Feed = {FEED};\nFeed | count")
    assert result.text == (
        "let Feed = datatable(Role:string, Rank:long, Seen:datetime, Extra:dynamic) [];"
        "\nFeed | count")
    assert result.applied == [APPLIED]
    # Without `with (...)`, and inside materialize().
    bare = rewrite("materialize(externaldata(A:string)[ 'u' ])").text
    assert bare == "materialize(datatable(A:string) [])"


def test_externaldata_in_strings_comments_and_members_is_left() -> None:
    for text in ('print "externaldata(A:string)[\'u\']"', "// externaldata(A:string)['u']",
                 "T | extend x = d.externaldata(A)['u']"):
        assert rewrite(text).text == text


def test_externaldata_query_runs_with_declared_types(ws: LocalWorkspace) -> None:
    prepared = ws.prepare(
        f"let Feed = {FEED};\n"
        "Events | join kind=leftouter (Feed | project Computer = Role, Rank) on Computer"
        " | project Computer, Rank")
    assert APPLIED in prepared.rewrites
    ws.load_rows("Events", [{"TimeGenerated": "2024-01-01T00:00:00Z", "Computer": "h1"}])
    result = prepared.run(NOW)
    assert [(c.name, c.type) for c in result.columns] == [("Computer", "string"), ("Rank", "long")]
    assert result.rows == [("h1", None)]  # the feed has no rows locally
    feed = ws.prepare(f"{FEED} | getschema | project ColumnName, ColumnType").run(NOW)
    assert feed.rows == [("Role", "string"), ("Rank", "long"), ("Seen", "datetime"),
                         ("Extra", "dynamic")]
