"""Rewrites that need the exact columns at one point of a pipeline.

duckdb-kql 1.1.2 does not translate `project-reorder` or `column_ifexists`.
Both depend only on which columns flow into the operator, and that is known
exactly here: the query up to the operator is itself a query, which is
translated and bound by DuckDB to read its output columns. With them:

* `project-reorder A, B` becomes `project A, B, <every other column in its
  current order>`; only plain column names are handled (no wildcards, no
  asc/desc), each of which must be an input column;
* `column_ifexists("C", default)` becomes `['C']` when C is an input column
  (same case: Kusto names are case-sensitive), else `(default)`.

Only operators of a top-level pipeline are rewritten (of the query's last
statement or of a `let name = ...` statement), where the input is exactly the
pipeline before the operator. Inside a subquery (`join (...)`, `union (...)`),
a function body or a `materialize(...)` the input is not isolated this way,
and the text is left alone. A `column_ifexists` naming a column the same
operator assigns is also left alone, since which of the two it sees is not
certain.

The columns are those of the local tables as loaded, so a prepared query
redoes these rewrites whenever a table's shape changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sentinel_deploy.engine.lexing import Token, call_shape, next_code, tokenize

#: Translates and binds a query; returns its output columns, or None if it cannot.
ColumnsOf = Callable[[str], list[str] | None]

_OPERATORS = {"extend", "where", "filter", "project", "summarize", "sort", "order", "top"}
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def rewrite_shapes(text: str, columns_of: ColumnsOf) -> tuple[str, list[str]]:
    applied: list[str] = []
    skip = 0
    for _ in range(200):  # each pass rewrites one operator; a bound, not a limit in practice
        tokens = tokenize(text)
        sites = _sites(tokens)
        if skip >= len(sites):
            break
        prefix, segment = sites[skip]
        new = _resolve(tokens, prefix, segment, columns_of)
        if new is None:
            skip += 1
            continue
        text, what = new
        applied.append(what)
    return text, applied


def _code(tokens: list[Token], start: int, end: int) -> list[int]:
    return [j for j in range(start, end) if tokens[j].kind not in ("space", "comment")
            and tokens[j].text]


def _sites(tokens: list[Token]) -> list[tuple[str, tuple[int, int]]]:
    """(input query text, operator token range) of each candidate operator."""
    out: list[tuple[str, tuple[int, int]]] = []
    depth = 0
    stmt_start = 0
    pipes: list[int] = []
    bounds: list[tuple[int, list[int], int]] = []
    for j, tok in enumerate(tokens):
        if tok.kind != "other" or len(tok.text) != 1:
            continue
        if tok.text in "([{":
            depth += 1
        elif tok.text in ")]}":
            depth -= 1
        elif depth == 0 and tok.text == "|":
            pipes.append(j)
        elif depth == 0 and tok.text == ";":
            bounds.append((stmt_start, pipes, j))
            stmt_start, pipes = j + 1, []
    bounds.append((stmt_start, pipes, len(tokens)))
    for start, stmt_pipes, end in bounds:
        head = _expression_start(tokens, start, end)
        if head is None:
            continue
        before = "".join(t.text for t in tokens[:start])
        for k, pipe in enumerate(stmt_pipes):
            seg_end = stmt_pipes[k + 1] if k + 1 < len(stmt_pipes) else end
            if not _candidate(tokens, pipe + 1, seg_end):
                continue
            source = "".join(t.text for t in tokens[head:pipe])
            out.append((before + source, (pipe + 1, seg_end)))
    return out


def _expression_start(tokens: list[Token], start: int, end: int) -> int | None:
    """Where a statement's tabular pipeline starts: after `let name =`, or at once."""
    code = _code(tokens, start, end)
    if not code:
        return None
    first = tokens[code[0]].text
    if first == "let":
        if len(code) < 4 or tokens[code[1]].kind != "ident" or tokens[code[2]].text != "=":
            return None
        return code[3]
    if first in ("set", "declare", "alias", "pattern", "restrict"):
        return None
    return code[0]


def _candidate(tokens: list[Token], start: int, end: int) -> bool:
    code = _code(tokens, start, end)
    if not code:
        return False
    if _is_reorder(tokens, code):
        return True
    return tokens[code[0]].text in _OPERATORS and any(
        tokens[j].text == "column_ifexists" for j in code)


def _is_reorder(tokens: list[Token], code: list[int]) -> bool:
    return [tokens[j].text for j in code[:3]] == ["project", "-", "reorder"]


def _resolve(tokens: list[Token], prefix: str, segment: tuple[int, int],
             columns_of: ColumnsOf) -> tuple[str, str] | None:
    code = _code(tokens, *segment)
    if any(tokens[j].text == "|" for j in code):
        return None  # a nested pipeline: its input is not the prefix
    columns = columns_of(prefix)
    if columns is None:
        return None
    if _is_reorder(tokens, code):
        return _reorder(tokens, code, segment, columns)
    return _if_exists(tokens, code, columns)


def _reorder(tokens: list[Token], code: list[int], segment: tuple[int, int],
             columns: list[str]) -> tuple[str, str] | None:
    names: list[str] = []
    expect_name = True
    for j in code[3:]:
        tok = tokens[j]
        if expect_name and tok.kind == "ident":
            names.append(tok.text)
        elif not expect_name and tok.text == ",":
            pass
        else:
            return None  # wildcards, asc/desc, bracketed names: not handled
        expect_name = not expect_name
    if not names or expect_name or len(set(names)) != len(names):
        return None
    if any(n not in columns for n in names):
        return None
    rest = [c for c in columns if c not in names]
    listed = ", ".join(names + [_ident(c) for c in rest])
    first, last = code[0], code[-1]
    text = ("".join(t.text for t in tokens[:first]) + f"project {listed}"
            + "".join(t.text for t in tokens[last + 1:]))
    return text, "project-reorder -> project (columns from the input)"


def _if_exists(tokens: list[Token], code: list[int], columns: list[str]
               ) -> tuple[str, str] | None:
    for j in code:
        if tokens[j].text != "column_ifexists":
            continue
        opening = next_code(tokens, j)
        if opening is None or tokens[opening].text != "(":
            continue
        close, commas = call_shape(tokens, opening)
        name_at = next_code(tokens, opening)
        comma = next_code(tokens, name_at) if name_at is not None else None
        if (close is None or commas != 1 or name_at is None or comma is None
                or tokens[name_at].kind != "string" or tokens[comma].text != ","):
            continue
        name = _string_value(tokens[name_at].text)
        if name is None or name in _assigned_before(tokens, code, j):
            continue
        default = "".join(t.text for t in tokens[comma + 1:close]).strip()
        new = _ident(name) if name in columns else f"({default})"
        text = ("".join(t.text for t in tokens[:j]) + new
                + "".join(t.text for t in tokens[close + 1:]))
        found = "column" if name in columns else "default"
        return text, f"column_ifexists -> {found} (columns from the input)"
    return None


def _assigned_before(tokens: list[Token], code: list[int], call: int) -> set[str]:
    """Names the operator assigns in items before the one holding *call*.

    `extend a = 1, b = column_ifexists("a", 0)` may see the new `a`; the item's
    own target (`extend X = column_ifexists("X", "")`) is not defined yet
    when its value is computed, so it does not count.
    """
    items: list[list[int]] = [[]]
    depth = 0
    for j in code[1:]:
        text = tokens[j].text
        if tokens[j].kind == "other" and len(text) == 1 and text in "([{":
            depth += 1
        elif tokens[j].kind == "other" and len(text) == 1 and text in ")]}":
            depth -= 1
        if depth == 0 and text == ",":
            items.append([])
        else:
            items[-1].append(j)
    names: set[str] = set()
    for item in items:
        if call in item:
            return names
        for k in range(len(item) - 1):
            here, nxt = tokens[item[k]], tokens[item[k + 1]]
            after = tokens[item[k + 2]].text if k + 2 < len(item) else ""
            if here.kind == "ident" and nxt.text == "=" and after not in ("=", "~"):
                names.add(here.text)
    return names


def _string_value(text: str) -> str | None:
    """The value of a plain one-line string literal without escapes, else None."""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"" and "\\" not in text:
        return text[1:-1]
    return None


def _ident(name: str) -> str:
    if _PLAIN.match(name):
        return f"['{name}']" if name in _KEYWORDS else name
    return "['" + name.replace("\\", "\\\\").replace("'", "\\'") + "']"


#: Names that need brackets to be read as a column; brackets are always safe.
_KEYWORDS = frozenset({
    "and", "or", "not", "by", "on", "with", "in", "has", "contains", "between", "let",
    "where", "project", "extend", "summarize", "count", "true", "false", "null", "kind",
    "to", "of", "asc", "desc", "nulls", "first", "last", "limit", "take", "top", "sort",
    "order", "join", "union", "set", "print", "range", "type", "typeof", "dynamic",
})
