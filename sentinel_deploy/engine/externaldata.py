"""`externaldata` as a local stand-in: an empty table with the declared columns.

`externaldata(Col:type, ...) [url, ...] with (...)` makes Kusto download the
files at run time. A local run has no network and duckdb-kql 1.1.2 does not
translate the operator, so the call becomes `datatable(Col:type, ...) []`:
a table with exactly the declared columns and types and **no rows**.

This is a stand-in, not an equivalent: the query's logic is run and checked
(columns, types, joins against the feed), but the feed contributes nothing,
so a rule that fires only on a match with the downloaded list (an IOC feed,
a list of known-good user agents) cannot be shown to fire locally. Each use is
listed in `PreparedQuery.rewrites` as `externaldata -> empty datatable
(stand-in)`, and the coverage script counts such queries among those that ran
through a stand-in, as it does for ASIM parser stand-ins.

The column list is copied verbatim (Kusto and `datatable` share the
`Name:type` syntax); the URL list and the `with (...)` properties only say
where and how to read the files, which an empty stand-in does not need. The
text is left alone where the shape is not exactly `externaldata (...) [...]`
with an optional `with (...)`, or where `externaldata` is a member access.
"""

from __future__ import annotations

from sentinel_deploy.engine.lexing import (
    Token,
    matching_close,
    next_code,
    prev_code,
    replace_span,
)

APPLIED = "externaldata -> empty datatable (stand-in)"


def empty_externaldata(tokens: list[Token], applied: list[str]) -> None:
    """Rewrite each `externaldata (...) [...] [with (...)]` in place."""
    for i, tok in enumerate(tokens):
        if tok.kind != "ident" or tok.text.lower() != "externaldata":
            continue
        before = prev_code(tokens, i)
        if before is not None and tokens[before].text == ".":
            continue
        columns_open = next_code(tokens, i)
        if columns_open is None or tokens[columns_open].text != "(":
            continue
        columns_close = matching_close(tokens, columns_open)
        urls_open = next_code(tokens, columns_close) if columns_close is not None else None
        if urls_open is None or tokens[urls_open].text != "[":
            continue
        end = matching_close(tokens, urls_open)
        if end is None:
            continue
        with_at = next_code(tokens, end)
        if with_at is not None and tokens[with_at].text.lower() == "with":
            props_open = next_code(tokens, with_at)
            if props_open is None or tokens[props_open].text != "(":
                continue
            end = matching_close(tokens, props_open)
            if end is None:
                continue
        assert columns_close is not None
        columns = "".join(t.text for t in tokens[columns_open:columns_close + 1])
        replace_span(tokens, i, end, f"datatable{columns} []")
        applied.append(APPLIED)
