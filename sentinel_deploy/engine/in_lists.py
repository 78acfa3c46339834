"""`x in (L)` where L is a one-row list made by `summarize make_list(...)`.

A common corpus idiom builds a list in a `let` and tests membership in it:

    let known = T | summarize make_list(Ip);
    S | where SrcIp !in (known)

Kusto's `in` takes a tabular expression's first column as the values, and its
documentation says nested arrays are flattened into a single list of values
(`x in (dynamic([1,[2,3]]))` is `x in (1,2,3)`): the test is against the
elements of the list. duckdb-kql 1.1.2 instead compares x with the list value
itself and DuckDB refuses to bind it (VARCHAR against VARCHAR[]).

`summarize` with one aggregate and no `by` returns exactly one row and one
column, so `toscalar(known)` is that list, and `x in (toscalar(known))` tests
x against the same elements (duckdb-kql translates `in` over a dynamic array
as membership). Only this exact shape is rewritten: the `let` is the only
binding of the name in the query, its last operator is `summarize [name =]
make_list|make_set|makelist|makeset(...)` with nothing after it, and the
operand of `in`, `!in`, `in~` or `!in~` is that bare name in parentheses.
"""

from __future__ import annotations

from sentinel_deploy.engine.lexing import Token, call_shape, next_code, prev_code, punctuation

APPLIED = "x in (summarize make_list) -> x in (toscalar(...))"
_LIST_AGGREGATES = {"make_list", "make_set", "makelist", "makeset"}


def scalar_list_operands(tokens: list[Token], applied: list[str]) -> None:
    lists = _one_row_lists(tokens)
    if not lists:
        return
    for i, tok in enumerate(tokens):
        if tok.kind != "ident" or tok.text != "in":
            continue
        before = prev_code(tokens, i)
        if before is not None and tokens[before].text == "!":
            before = prev_code(tokens, before)
        if before is not None and tokens[before].text in ("find", "search", "."):
            continue
        opening = next_code(tokens, i)
        if opening is not None and tokens[opening].text == "~":
            opening = next_code(tokens, opening)
        name = next_code(tokens, opening) if opening is not None else None
        close = next_code(tokens, name) if name is not None else None
        if (opening is None or name is None or close is None or tokens[opening].text != "("
                or tokens[close].text != ")" or tokens[name].text not in lists):
            continue
        tokens[name].text = f"toscalar({tokens[name].text})"
        applied.append(APPLIED)


def _one_row_lists(tokens: list[Token]) -> set[str]:
    """Names bound once, at top level, to `... | summarize make_list(...)`."""
    bound: dict[str, int] = {}
    declared: set[str] = set()  # parameter or column declarations `name:type`
    found: set[str] = set()
    depth = 0
    for i, tok in enumerate(tokens):
        if tok.kind == "other" and tok.text in "([{":
            depth += 1
        elif tok.kind == "other" and tok.text in ")]}":
            depth -= 1
        if tok.kind == "ident":
            after = next_code(tokens, i)
            if after is not None and tokens[after].text == ":":
                declared.add(tok.text)
        if tok.kind != "ident" or tok.text != "let":
            continue
        name = next_code(tokens, i)
        if name is None or tokens[name].kind != "ident":
            continue
        bound[tokens[name].text] = bound.get(tokens[name].text, 0) + 1
        if depth == 0 and _ends_in_list_summarize(tokens, name):
            found.add(tokens[name].text)
    return {n for n in found if bound[n] == 1 and n not in declared}


def _ends_in_list_summarize(tokens: list[Token], name: int) -> bool:
    """Whether the statement `let <name> = ...;` ends in `| summarize [x =] make_list(...)`."""
    eq = next_code(tokens, name)
    if eq is None or tokens[eq].text != "=":
        return False
    last_pipe: int | None = None
    end: int | None = None
    for j, text, depth in punctuation(tokens, eq + 1):
        if depth == 0 and text == "|":
            last_pipe = j
        elif depth == 0 and text == ";":
            end = j
            break
    if last_pipe is None or end is None:
        return False
    op = next_code(tokens, last_pipe)
    if op is None or tokens[op].text != "summarize":
        return False
    agg = next_code(tokens, op)
    if agg is not None and tokens[agg].kind == "ident":
        eq2 = next_code(tokens, agg)
        if eq2 is not None and tokens[eq2].text == "=":
            agg = next_code(tokens, eq2)
    if agg is None or tokens[agg].text not in _LIST_AGGREGATES:
        return False
    opening = next_code(tokens, agg)
    if opening is None or tokens[opening].text != "(":
        return False
    close, _ = call_shape(tokens, opening)
    return close is not None and next_code(tokens, close) == end
