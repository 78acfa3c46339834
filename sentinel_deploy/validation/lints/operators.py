"""Operators Sentinel refuses or that a rule kind cannot use, and deprecated names.

Found by tokens (strings and comments are skipped), so the operator must
stand where KQL puts an operator: after `|`, or at the start of a statement.
"""

from __future__ import annotations

from collections.abc import Iterator

from sentinel_deploy.catalog.deprecated import DEPRECATED_FUNCTIONS, DEPRECATED_OPERATORS
from sentinel_deploy.objects.diagnostics import Severity
from sentinel_deploy.validation.lints.base import LintContext, LintFinding, lint
from sentinel_deploy.validation.lints.tokens import Token, TokenView

_OPERATOR_START = frozenset({"|", ";", "(", "{", "=", ","})
# Parameters an operator may take before its table list: `union kind=outer isfuzzy=true *`.
_PARAMS_BEFORE_TABLES = frozenset({"kind", "isfuzzy", "withsource", "hint"})


def operators(view: TokenView, name: str) -> Iterator[tuple[int, Token]]:
    """Tokens that are the tabular operator `name` (not a column or function of that name)."""
    for i, token in enumerate(view.tokens):
        if token.kind == "ident" and token.text == name:
            prev = view.next(i, -1)
            if prev is None or prev.text in _OPERATOR_START:
                yield i, token


def _first_table(view: TokenView, i: int) -> Token | None:
    """The token after `union`/`search` and their `name=value` parameters."""
    j = i + 1
    while (t := view.next(j, 0)) is not None and t.text.lower() in _PARAMS_BEFORE_TABLES:
        j += 3 if (eq := view.next(j)) is not None and eq.text == "=" else 1
        # hint.strategy=... is one dotted name
        while (d := view.next(j, 0)) is not None and d.text == ".":
            j += 2
    return view.next(j, 0)


@lint("SD210", "The query does not use `search *` or `union *` (Sentinel rejects them).")
def wildcard_sources(ctx: LintContext) -> Iterator[LintFinding]:
    for name in ("search", "union"):
        for i, token in operators(ctx.kql, name):
            first = _first_table(ctx.kql, i)
            if first is not None and first.text == "*":
                yield LintFinding(
                    f"`{name} *` reads every table in the workspace; Sentinel does not accept "
                    "it in an analytics rule",
                    "name the tables: union TableA, TableB (or search in (TableA) ...)",
                    start=token.start, length=first.end - token.start)


@lint("SD211", "An NRT rule's query uses neither join nor union (NRT rules may read one "
               "table only).")
def nrt_single_source(ctx: LintContext) -> Iterator[LintFinding]:
    if not ctx.rule.is_nrt:
        return
    for name in ("join", "union"):
        for _, token in operators(ctx.kql, name):
            yield LintFinding(f"NRT rules may not use `{name}`",
                              "make it a Scheduled rule, or query a single table",
                              start=token.start, length=len(token.text))


@lint("SD212", "The query uses current function and operator names, not deprecated ones.",
      Severity.WARNING)
def deprecated_names(ctx: LintContext) -> Iterator[LintFinding]:
    view = ctx.kql
    for i, token in enumerate(view.tokens):
        if token.kind != "ident":
            continue
        lowered = token.text
        after = view.next(i)
        before = view.next(i, -1)
        if (lowered in DEPRECATED_FUNCTIONS and after is not None and after.text == "("
                and (before is None or before.text != ".")):
            new = DEPRECATED_FUNCTIONS[lowered]
        elif lowered in DEPRECATED_OPERATORS and before is not None and before.text == "|":
            new = DEPRECATED_OPERATORS[lowered]
        else:
            continue
        yield LintFinding(f"{token.text} is deprecated; use {new}",
                          f"replace {token.text} with {new}" + (
                              " (note: the old makeset/makelist capped at 128 items by "
                              "default, the new ones at 1,048,576)"
                              if lowered in ("makeset", "makelist") else ""),
                          start=token.start, length=len(token.text))
