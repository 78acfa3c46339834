"""Deprecated KQL spellings duckdb-kql 1.1.2 does not know, rewritten to current ones.

Only documented exact aliases are rewritten (Kusto's docs list each under
"Deprecated aliases" of the current function), so a rewrite never changes
what a query means:

=================  ==================  =================================
old                new                 note
=================  ==================  =================================
makeset(x)         make_set(x, 128)    the legacy form's default cap is 128
makelist(x)        make_list(x, 128)   the legacy form's default cap is 128
make_dictionary    make_bag
parsejson          parse_json
toobject           todynamic
notempty           isnotempty
arraylength        array_length
extractall         extract_all
extractjson        extract_json
datepart           datetime_part
columnifexists     column_ifexists
anyif              take_anyif
=================  ==================  =================================

`makeset(x, n)` keeps its explicit cap. Measured: duckdb-kql 1.1.2 ignores
make_set/make_list's cap, so a local result can hold more than 128 elements
where Kusto's would stop; that is the engine's gap, not the rewrite's.

One function is expanded into its documented definition rather than renamed:
`ipv4_is_private(x)` is true for the RFC 1918 ranges 10/8, 172.16/12 and
192.168/16, false for other IPv4 addresses and null when x does not parse, so
it becomes three `parse_ipv4(x) between (...)` tests joined by `or` (measured
on duckdb-kql: CIDR input and unparsable text behave the same way). x is
repeated, which is safe because KQL expressions have no side effects.

Parentheses around a whole statement's source are dropped where the closing
one is followed by `|`, `;` or the end, and around the source of a pipeline
that opens another parenthesized group (`join ((union A, B) | where x)`) where
the closing one is followed by `|`: `(union A, B) | where x` is
`union A, B | where x` because pipes associate left, and duckdb-kql 1.1.2
refuses a parenthesized source. Parentheses anywhere else (a `let` lambda's
parameters, `join (...)`, arithmetic) are untouched.

Calls of a workspace function the catalog declares, with arguments by name
(`_Im_Dns(domain_has_any=Domains)`), become positional calls, which is all
duckdb-kql 1.1.2 accepts: each declared parameter up to the last one given
takes its argument, or its declared default when the call skips it
(`_Im_Dns(datetime(null), datetime(null), '*', Domains)`). That is how Kusto
binds named arguments, so nothing changes. A call naming an undeclared
parameter, skipping one without a default, or a function the query redefines
with `let` is left as written.

`externaldata(...) [...] with (...)` becomes an empty `datatable` with the
declared columns: a documented **stand-in**, not an equivalent, since a local
run has no network to read the files (see externaldata.py).

`table("T")` and let-functions that only pass their string parameter to
table() are resolved by name and inlined at each call (see table_calls.py).

`x in (L)`, where L is a `let` ending in `summarize make_list(...)`, becomes
`x in (toscalar(L))`: Kusto flattens the one-row list into its elements, and
duckdb-kql does so only for a scalar list (see in_lists.py).

`join ... on $left.A == $right.B and $left.C == $right.D` becomes the comma
form, which Kusto documents as the same (see join_conditions.py).

`argmax`/`argmin` are not rewritten: the legacy forms name their output
columns differently, so the rename would change the result's schema.

The rewrite is token-aware (lexing.py): names inside string literals (all
quote forms, verbatim and multi-line) and `//` comments are left alone, and a
name is only rewritten where it is called (followed by `(`) and not a member
access.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sentinel_deploy.catalog.deprecated import DEPRECATED_FUNCTIONS
from sentinel_deploy.engine.externaldata import empty_externaldata
from sentinel_deploy.engine.in_lists import scalar_list_operands
from sentinel_deploy.engine.join_conditions import comma_join_conditions
from sentinel_deploy.engine.lexing import (
    Token,
    call_shape,
    next_code,
    prev_code,
    punctuation,
    replace_span,
    tokenize,
)
from sentinel_deploy.engine.table_calls import rewrite_table_calls

# duckdb-kql translates `notnull` itself, and `any(x)` names its column any_x
# where take_any(x) names it x: renaming it would change the result's columns.
_TRANSLATED_BY_ENGINE = frozenset({"notnull", "any"})
ALIASES: dict[str, str] = {old: new for old, new in DEPRECATED_FUNCTIONS.items()
                           if old not in _TRANSLATED_BY_ENGINE}

#: Legacy aggregates whose default cap differs from the current function's.
LEGACY_CAP = {"makeset": "128", "makelist": "128"}

@dataclass(slots=True)
class Rewrite:
    text: str
    applied: list[str]  # "old -> new", once per occurrence


#: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 as inclusive ranges of parse_ipv4.
_PRIVATE_RANGES = ((167772160, 184549375), (2886729728, 2887778303), (3232235520, 3232301055))


def _ipv4_is_private(arg: str) -> str:
    tests = [f"parse_ipv4({arg}) between ({lo} .. {hi})" for lo, hi in _PRIVATE_RANGES]
    return "(" + " or ".join(tests) + ")"


EXPANSIONS = {"ipv4_is_private": _ipv4_is_private}


#: Function name -> its declared (parameter, default literal or None), in order.
Signatures = Mapping[str, Sequence[tuple[str, str | None]]]


def rewrite(text: str, signatures: Signatures | None = None) -> Rewrite:
    # First, so the inlined bodies get every later rewrite too.
    text, applied = rewrite_table_calls(text)
    tokens = tokenize(text)
    empty_externaldata(tokens, applied)
    # Before the alias renames, which rewrite `makelist(x)`'s closing bracket.
    scalar_list_operands(tokens, applied)
    comma_join_conditions(tokens, applied)
    if signatures:
        _positional_calls(tokens, signatures, applied)
    capped: list[tuple[int, str]] = []
    for i, tok in enumerate(tokens):
        if tok.kind == "ident" and tok.text in EXPANSIONS:
            _expand(tokens, i, applied)
            continue
        new = ALIASES.get(tok.text) if tok.kind == "ident" else None
        if new is None:
            continue
        after = next_code(tokens, i)
        before = prev_code(tokens, i)
        if after is None or tokens[after].text != "(":
            continue
        if before is not None and tokens[before].text == ".":
            continue
        old, tok.text = tok.text, new
        applied.append(f"{old} -> {new}")
        cap = LEGACY_CAP.get(old)
        if cap is not None:
            close, commas = call_shape(tokens, after)
            if close is not None and commas == 0:
                capped.append((close, cap))
    _unwrap_sources(tokens, applied)
    # Last: a `)` rewritten to `, 128)` no longer counts as a bracket, which
    # would unbalance the bracket matching of the rewrites before this.
    for close, cap in capped:
        tokens[close].text = f", {cap})"
    return Rewrite("".join(t.text for t in tokens), applied)


def _unwrap_sources(tokens: list[Token], applied: list[str]) -> None:
    for i, tok in enumerate(tokens):
        if tok.kind != "other" or tok.text != "(":
            continue
        nested = _opens_group(tokens, i)
        if not nested and not _starts_statement(tokens, i):
            continue
        close, _ = call_shape(tokens, i)
        if close is None:
            continue
        after = next_code(tokens, close)
        if nested and (after is None or tokens[after].text != "|"):
            continue
        if after is not None and tokens[after].text not in ("|", ";"):
            continue
        tok.text = ""
        tokens[close].text = ""
        applied.append("(source) -> source")


def _opens_group(tokens: list[Token], i: int) -> bool:
    """Whether the `(` at *i* comes first inside another `(`: `join ((union A, B) | ...)`.

    Followed by `|`, such a group is the source of a pipeline that starts the
    outer group (`|` is no scalar operator in KQL), so it can be unwrapped.
    """
    before = prev_code(tokens, i)
    return before is not None and tokens[before].kind == "other" and tokens[before].text == "("


def _starts_statement(tokens: list[Token], i: int) -> bool:
    before = prev_code(tokens, i)
    if before is None or tokens[before].text == ";":
        return True
    if tokens[before].text != "=":
        return False
    # `let name = (`: the `=` of a let, not of `extend x = (...)`.
    name = prev_code(tokens, before)
    let = prev_code(tokens, name) if name is not None else None
    return (
        name is not None and let is not None
        and tokens[name].kind == "ident" and tokens[let].text == "let"
    )


def _expand(tokens: list[Token], i: int, applied: list[str]) -> None:
    """Replace a one-argument call by its definition, leaving anything else alone."""
    after = next_code(tokens, i)
    before = prev_code(tokens, i)
    if after is None or tokens[after].text != "(":
        return
    if before is not None and tokens[before].text == ".":
        return
    close, commas = call_shape(tokens, after)
    if close is None or commas != 0:
        return
    arg = "".join(t.text for t in tokens[after + 1 : close]).strip()
    name = tokens[i].text
    replace_span(tokens, i, close, EXPANSIONS[name](arg))
    applied.append(f"{name} -> definition")


def _positional_calls(tokens: list[Token], signatures: Signatures, applied: list[str]) -> None:
    shadowed = {
        tokens[j].text for i, tok in enumerate(tokens)
        if tok.kind == "ident" and tok.text == "let"
        and (j := next_code(tokens, i) or 0) and tokens[j].kind == "ident"
    }
    for i, tok in enumerate(tokens):
        if tok.kind != "ident" or tok.text not in signatures or tok.text in shadowed:
            continue
        after = next_code(tokens, i)
        before = prev_code(tokens, i)
        if after is None or tokens[after].text != "(":
            continue
        if before is not None and tokens[before].text == ".":
            continue
        close, _ = call_shape(tokens, after)
        if close is None:
            continue
        args = _split_args(tokens, after, close)
        named = [_named(tokens, a) for a in args]
        if not any(n is not None for n in named):
            continue
        values = _bind(signatures[tok.text], args, named, tokens)
        if values is None:
            continue
        replace_span(tokens, after, close, "(" + ", ".join(values) + ")")
        applied.append(f"{tok.text}(name=...) -> positional")


def _split_args(tokens: list[Token], open_index: int, close: int) -> list[tuple[int, int]]:
    """(first, end) token ranges of the top-level arguments of a call."""
    out: list[tuple[int, int]] = []
    start = open_index + 1
    for j, text, depth in punctuation(tokens, open_index + 1, close):
        if text == "," and depth == 0:
            out.append((start, j))
            start = j + 1
    if any(t.kind not in ("space", "comment") for t in tokens[start:close]) or out:
        out.append((start, close))
    return out


def _named(tokens: list[Token], arg: tuple[int, int]) -> str | None:
    """The parameter name of `name = value`, else None (`==`, `=~` are comparisons)."""
    first = next_code(tokens, arg[0] - 1)
    if first is None or first >= arg[1] or tokens[first].kind != "ident":
        return None
    eq = next_code(tokens, first)
    if eq is None or eq >= arg[1] or tokens[eq].text != "=":
        return None
    nxt = eq + 1
    if nxt < arg[1] and tokens[nxt].text in ("=", "~"):
        return None
    return tokens[first].text


def _bind(params: Sequence[tuple[str, str | None]], args: list[tuple[int, int]],
          named: list[str | None], tokens: list[Token]) -> list[str] | None:
    """Arguments in declared order, or None when Kusto's binding is not certain."""
    def text(a: tuple[int, int], skip_name: bool) -> str:
        start = a[0]
        if skip_name:
            eq = next_code(tokens, next_code(tokens, a[0] - 1) or 0) or 0
            start = eq + 1
        return "".join(t.text for t in tokens[start:a[1]]).strip()

    positional = [text(a, False) for a, n in zip(args, named, strict=True) if n is None]
    first_named = next(k for k, n in enumerate(named) if n is not None)
    if any(n is None for n in named[first_named:]):
        return None  # a positional argument after a named one: not Kusto's syntax
    names = [p for p, _ in params]
    by_name: dict[str, str] = {}
    for a, n in zip(args, named, strict=True):
        if n is None:
            continue
        if n not in names or n in by_name or names.index(n) < len(positional):
            return None
        by_name[n] = text(a, True)
    last = max(names.index(n) for n in by_name)
    values = list(positional)
    for k in range(len(positional), last + 1):
        name, default = params[k]
        value = by_name.get(name, default)
        if value is None:
            return None
        values.append(value)
    return values
