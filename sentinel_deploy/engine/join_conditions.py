"""`join ... on $left.A == $right.B and $left.C == $right.D` -> `..., ...`.

Kusto's join documentation: to specify several conditions, either use the
`and` keyword or separate them with commas; with commas they are evaluated
with `and`. duckdb-kql 1.1.2 reads the comma form but misreads `and` (it
takes `B and $left.C == $right.D` as one column name), so `and` between
conditions becomes a comma.

Only a join's `on` clause whose conditions, split at top-level `and`, are all
`$left.X == $right.Y`, the documented form, is rewritten; anything else there
(`or`, parentheses, a function of a column) is left alone.
"""

from __future__ import annotations

import re

from sentinel_deploy.engine.lexing import Token, prev_code

APPLIED = "join on ... and ... -> join on ..., ..."
_EQUALITY = re.compile(r"\$left\.[A-Za-z_][A-Za-z0-9_]*==\$right\.[A-Za-z_][A-Za-z0-9_]*\Z")


def comma_join_conditions(tokens: list[Token], applied: list[str]) -> None:
    for i, tok in enumerate(tokens):
        if tok.kind == "ident" and tok.text == "on" and _in_join(tokens, i):
            _rewrite_clause(tokens, i, applied)


def _in_join(tokens: list[Token], on: int) -> bool:
    """Whether the operator holding *on* (at the same bracket depth) is `join`."""
    depth = 0
    j = on
    while (j := prev_code(tokens, j)) is not None:
        text = tokens[j].text
        if tokens[j].kind == "other" and text in ")]}":
            depth += 1
        elif tokens[j].kind == "other" and text in "([{":
            if depth == 0:
                return False
            depth -= 1
        elif depth == 0 and text in ("|", ";"):
            return False
        elif depth == 0 and tokens[j].kind == "ident" and text == "join":
            before = prev_code(tokens, j)
            return before is not None and tokens[before].text == "|"
    return False


def _rewrite_clause(tokens: list[Token], on: int, applied: list[str]) -> None:
    parts: list[list[int]] = [[]]
    ands: list[int] = []
    depth = 0
    for j in range(on + 1, len(tokens)):
        tok = tokens[j]
        if tok.kind in ("space", "comment") or not tok.text:
            continue
        if tok.kind == "other" and tok.text in "([{":
            depth += 1
        elif tok.kind == "other" and tok.text in ")]}":
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and tok.text in ("|", ";"):
            break
        if depth == 0 and tok.kind == "ident" and tok.text == "and":
            ands.append(j)
            parts.append([])
        else:
            parts[-1].append(j)
    if not ands:
        return
    if not all(_EQUALITY.match("".join(tokens[j].text for j in part)) for part in parts):
        return
    for j in ands:
        tokens[j].kind, tokens[j].text = "other", ","
        applied.append(APPLIED)
