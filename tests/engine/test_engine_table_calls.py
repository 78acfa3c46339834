"""table("T") and let-functions that pass their parameter to table()."""

from __future__ import annotations

from datetime import UTC, datetime

from sentinel_deploy.engine import LocalWorkspace
from sentinel_deploy.engine.compat import rewrite
from sentinel_deploy.engine.table_calls import INLINED, TABLE_NAME

NOW = datetime(2024, 1, 2, tzinfo=UTC)
FUNC = "let f = (tableName:string) { table(tableName) | where Level > 1 // keep\n};\n"


def test_table_literal_becomes_name() -> None:
    assert rewrite("table('Events') | count").text == "Events | count"
    assert rewrite('table("My Table")').text == "['My Table']"
    # DataScope, a computed name, or a name the query binds with let: left alone.
    for text in ("table('Events', 'hotcache')", "table(strcat('E', 'vents'))",
                 "let Events = Static; table('Events')", "print x = 'table(\"E\")'"):
        assert rewrite(text).text == text


def test_function_is_inlined_at_each_call() -> None:
    result = rewrite(FUNC + 'union f("Events"), f("Static")')
    assert "table" not in result.text and "let f" not in result.text
    # The newline before `)` keeps the closing parenthesis out of the comment.
    assert result.text == ("\nunion ( Events | where Level > 1 // keep\n\n), "
                           "( Static | where Level > 1 // keep\n\n)")
    assert result.applied.count(INLINED) == 2 and result.applied.count(TABLE_NAME) == 2


def test_function_is_left_when_inlining_is_not_certain() -> None:
    left = [
        FUNC + "f(strcat('Ev', 'ents'))",  # not a literal
        "let f = (t:string) { table(t) | where Computer == t }; f('Events')",  # other use
        "let f = (t:string) { let X = table(t); X }; f('Events')",  # a let in the body
        "let f = (t:string, n:int) { table(t) | take n }; f('Events', 1)",  # two params
        "let n = 1; let f = (t:string) { table(t) | take n }; let n = 2; f('Events')",
    ]
    for text in left:
        assert INLINED not in rewrite(text).applied, text


def test_inlined_function_runs(ws: LocalWorkspace) -> None:
    ws.load_rows("Events", [
        {"TimeGenerated": "2024-01-01T00:00:00Z", "Computer": "a", "Level": 3},
        {"TimeGenerated": "2024-01-01T00:00:00Z", "Computer": "b", "Level": 1},
    ])
    prepared = ws.prepare(
        FUNC + 'let A = f("Events");\nunion isfuzzy=true A, f("Events") | project Computer')
    assert prepared.rewrites.count(INLINED) == 2
    assert prepared.run(NOW).rows == [("a",), ("a",)]


def test_function_is_left_when_a_later_parameter_could_capture_a_name() -> None:
    text = ("let f = (t:string) { table(t) | take n };\n"
            "let g = (n:int) { f('Events') }; g(1)")
    assert INLINED not in rewrite(text).applied
