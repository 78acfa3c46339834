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
one is followed by `|`, `;` or the end: `(union A, B) | where x` is
`union A, B | where x` because pipes associate left, and duckdb-kql 1.1.2
refuses a parenthesized source. Parentheses anywhere else (a `let` lambda's
parameters, `join (...)`, arithmetic) are untouched.

`argmax`/`argmin` are not rewritten: the legacy forms name their output
columns differently, so the rename would change the result's schema.

The rewrite is token-aware: names inside string literals (all quote forms,
verbatim and multi-line) and `//` comments are left alone, and a name is only
rewritten where it is called (followed by `(`) and not a member access.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ALIASES: dict[str, str] = {
    "makeset": "make_set",
    "makelist": "make_list",
    "make_dictionary": "make_bag",
    "parsejson": "parse_json",
    "toobject": "todynamic",
    "notempty": "isnotempty",
    "arraylength": "array_length",
    "extractall": "extract_all",
    "extractjson": "extract_json",
    "datepart": "datetime_part",
    "columnifexists": "column_ifexists",
    "anyif": "take_anyif",
}

#: Legacy aggregates whose default cap differs from the current function's.
LEGACY_CAP = {"makeset": "128", "makelist": "128"}

_TOKEN = re.compile(
    r"""
    (?P<comment>//[^\n]*)
    | (?P<string>```.*?```|~~~.*?~~~
        | @'[^']*(?:''[^']*)*' | @"[^"]*(?:""[^"]*)*"
        | '(?:[^'\\\n]|\\.)*' | "(?:[^"\\\n]|\\.)*")
    | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<space>\s+)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(slots=True)
class Token:
    kind: str
    text: str


def tokenize(text: str) -> list[Token]:
    return [Token(m.lastgroup or "other", m.group()) for m in _TOKEN.finditer(text)]


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


def rewrite(text: str) -> Rewrite:
    tokens = tokenize(text)
    applied: list[str] = []
    for i, tok in enumerate(tokens):
        if tok.kind == "ident" and tok.text in EXPANSIONS:
            _expand(tokens, i, applied)
            continue
        new = ALIASES.get(tok.text) if tok.kind == "ident" else None
        if new is None:
            continue
        after = _next_code(tokens, i)
        before = _prev_code(tokens, i)
        if after is None or tokens[after].text != "(":
            continue
        if before is not None and tokens[before].text == ".":
            continue
        old, tok.text = tok.text, new
        applied.append(f"{old} -> {new}")
        cap = LEGACY_CAP.get(old)
        if cap is not None:
            close, commas = _call_shape(tokens, after)
            if close is not None and commas == 0:
                tokens[close].text = f", {cap})"
    _unwrap_sources(tokens, applied)
    return Rewrite("".join(t.text for t in tokens), applied)


def _unwrap_sources(tokens: list[Token], applied: list[str]) -> None:
    for i, tok in enumerate(tokens):
        if tok.kind != "other" or tok.text != "(" or not _starts_statement(tokens, i):
            continue
        close, _ = _call_shape(tokens, i)
        if close is None:
            continue
        after = _next_code(tokens, close)
        if after is not None and tokens[after].text not in ("|", ";"):
            continue
        tok.text = ""
        tokens[close].text = ""
        applied.append("(source) -> source")


def _starts_statement(tokens: list[Token], i: int) -> bool:
    before = _prev_code(tokens, i)
    if before is None or tokens[before].text == ";":
        return True
    if tokens[before].text != "=":
        return False
    # `let name = (`: the `=` of a let, not of `extend x = (...)`.
    name = _prev_code(tokens, before)
    let = _prev_code(tokens, name) if name is not None else None
    return (
        name is not None and let is not None
        and tokens[name].kind == "ident" and tokens[let].text == "let"
    )


def _next_code(tokens: list[Token], i: int) -> int | None:
    for j in range(i + 1, len(tokens)):
        if tokens[j].kind not in ("space", "comment"):
            return j
    return None


def _prev_code(tokens: list[Token], i: int) -> int | None:
    for j in range(i - 1, -1, -1):
        if tokens[j].kind not in ("space", "comment"):
            return j
    return None


def _call_shape(tokens: list[Token], open_index: int) -> tuple[int | None, int]:
    """Index of the matching `)` and the number of top-level commas inside."""
    depth = 0
    commas = 0
    for j in range(open_index, len(tokens)):
        text = tokens[j].text
        if tokens[j].kind != "other":
            continue
        if text in "([{":
            depth += 1
        elif text in ")]}":
            depth -= 1
            if depth == 0:
                return j, commas
        elif text == "," and depth == 1:
            commas += 1
    return None, commas


def _expand(tokens: list[Token], i: int, applied: list[str]) -> None:
    """Replace a one-argument call by its definition, leaving anything else alone."""
    after = _next_code(tokens, i)
    before = _prev_code(tokens, i)
    if after is None or tokens[after].text != "(":
        return
    if before is not None and tokens[before].text == ".":
        return
    close, commas = _call_shape(tokens, after)
    if close is None or commas != 0:
        return
    arg = "".join(t.text for t in tokens[after + 1 : close]).strip()
    name = tokens[i].text
    tokens[i].text = EXPANSIONS[name](arg)
    for j in range(i + 1, close + 1):
        tokens[j].text = ""
    applied.append(f"{name} -> definition")
