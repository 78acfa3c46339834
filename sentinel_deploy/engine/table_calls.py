"""`table("Name")`, and let-functions that only pass their parameter to table().

duckdb-kql 1.1.2 parses neither `table(...)` nor a let-function with a
tabular body. A common corpus idiom uses both, to run one body over two
sign-in tables:

    let aadFunc = (tableName:string) { table(tableName) | where ... };
    union isfuzzy=true aadFunc("SigninLogs"), aadFunc("AADNonInteractiveUserSignInLogs")

Kusto's documentation of table() says `table(T)` returns the data of table T
(else of a parameterless function T), that T must be a constant at the point
of call, and shows exactly this idiom: a let-function whose string parameter
is passed to table(), called with a literal. Two rewrites follow:

* **inlining**: each call `F("T")` becomes `(<F's body with the parameter
  replaced by "T">)` and the definition is dropped. Only where that is certain
  to mean the same: F has exactly one parameter, of type string, used in its
  body only as `table(p)`; the body has no `let` of its own and no top-level
  `;`; every later call of F has exactly one plain string literal argument;
  and no name the body uses is re-bound by a `let` between F's definition
  and its calls, nor declared there as a parameter (F's body binds names
  where F is defined). A let-function is
  substituted at its call site in Kusto as well, so nothing else changes.
* `table("T")` with one plain string literal becomes the name `T` (bracketed
  where it is not a plain identifier): the name resolves to the table, or to
  a parameterless function, just as table() does. Left alone when the query
  binds T itself with `let` (a bare name would then mean the `let`), or with
  a second argument (DataScope).
"""

from __future__ import annotations

import re

from sentinel_deploy.engine.lexing import (
    Token,
    call_shape,
    next_code,
    prev_code,
    replace_span,
    tokenize,
)

INLINED = "let-function passing its parameter to table() -> inlined at each call"
TABLE_NAME = "table('T') -> T"

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def rewrite_table_calls(text: str) -> tuple[str, list[str]]:
    applied: list[str] = []
    for _ in range(20):  # one function per pass; a bound, not a limit in practice
        new = _inline_one(tokenize(text))
        if new is None:
            break
        text, calls = new
        applied += [INLINED] * calls
    tokens = tokenize(text)
    bound = _let_names(tokens)
    for i, tok in enumerate(tokens):
        if tok.kind != "ident" or tok.text != "table" or _is_member(tokens, i):
            continue
        args = _literal_call(tokens, i)
        if args is None:
            continue
        close, name = args
        if name in bound or not name:
            continue
        replace_span(tokens, i, close,
                     name if _PLAIN.match(name) else "['" + name.replace("'", "\\'") + "']")
        applied.append(TABLE_NAME)
    return "".join(t.text for t in tokens), applied


def _inline_one(tokens: list[Token]) -> tuple[str, int] | None:
    """Inline the first let-function that qualifies; (new text, calls) or None."""
    for i, tok in enumerate(tokens):
        if tok.kind != "ident" or tok.text != "let" or _is_member(tokens, i):
            continue
        found = _definition(tokens, i)
        if found is None:
            continue
        name, param, body_open, body_close, end = found
        body = tokens[body_open + 1:body_close]
        if not _body_qualifies(body, param):
            continue
        calls = _calls(tokens, name, end)
        if not calls:
            continue
        # Names a later `let` or a later function's parameter (`name:type`)
        # binds would capture the body's use of them once inlined there.
        rebound = _let_names(tokens[end:]) | _declared_names(tokens[end:])
        used = {t.text for t in body if t.kind == "ident"}
        if rebound & used:
            continue
        out = [t.text for t in tokens]
        for start, close, literal in calls:
            inlined = "".join(literal if (t.kind == "ident" and t.text == param) else t.text
                              for t in body)
            # A newline before `)`: the body may end with a `//` comment.
            out[start] = f"({inlined}\n)"
            for j in range(start + 1, close + 1):
                out[j] = ""
        for j in range(i, end + 1):
            out[j] = ""
        return "".join(out), len(calls)
    return None


def _definition(tokens: list[Token], let: int) -> tuple[str, str, int, int, int] | None:
    """`let F = (p:string) { body };` -> (F, p, `{` index, `}` index, `;` index)."""
    name = next_code(tokens, let)
    eq = next_code(tokens, name) if name is not None else None
    opening = next_code(tokens, eq) if eq is not None else None
    if (name is None or eq is None or opening is None or tokens[name].kind != "ident"
            or tokens[eq].text != "=" or tokens[opening].text != "("):
        return None
    close, commas = call_shape(tokens, opening)
    if close is None or commas:
        return None
    params = [j for j in range(opening + 1, close)
              if tokens[j].kind not in ("space", "comment") and tokens[j].text]
    if ([tokens[j].text for j in params[1:]] != [":", "string"]
            or tokens[params[0]].kind != "ident"):
        return None
    body_open = next_code(tokens, close)
    if body_open is None or tokens[body_open].text != "{":
        return None
    body_close, _ = call_shape(tokens, body_open)
    end = next_code(tokens, body_close) if body_close is not None else None
    if body_close is None or end is None or tokens[end].text != ";":
        return None
    return tokens[name].text, tokens[params[0]].text, body_open, body_close, end


def _body_qualifies(body: list[Token], param: str) -> bool:
    depth = 0
    for k, tok in enumerate(body):
        if tok.kind == "ident" and tok.text == "let":
            return False
        if tok.kind == "other" and tok.text in "([{":
            depth += 1
        elif tok.kind == "other" and tok.text in ")]}":
            depth -= 1
        elif tok.kind == "other" and tok.text == ";" and depth == 0:
            return False
        if tok.kind == "ident" and tok.text == param:
            opening = prev_code(body, k)
            callee = prev_code(body, opening) if opening is not None else None
            after = next_code(body, k)
            if (opening is None or callee is None or after is None
                    or body[opening].text != "(" or body[callee].text != "table"
                    or body[after].text != ")"):
                return False
    return any(t.kind == "ident" and t.text == param for t in body)


def _calls(tokens: list[Token], name: str, start: int) -> list[tuple[int, int, str]] | None:
    """Every call of *name* after *start*: (name index, `)` index, literal text).

    None when any use of the name is not a call with one plain string literal.
    """
    out: list[tuple[int, int, str]] = []
    for i in range(start + 1, len(tokens)):
        if tokens[i].kind != "ident" or tokens[i].text != name:
            continue
        if _is_member(tokens, i):
            continue
        found = _literal_call(tokens, i)
        if found is None:
            return None
        close, _ = found
        literal = tokens[next_code(tokens, next_code(tokens, i) or 0) or 0].text
        out.append((i, close, literal))
    return out


def _literal_call(tokens: list[Token], i: int) -> tuple[int, str] | None:
    """`name("T")` at *i*: (index of `)`, T); None for any other shape."""
    opening = next_code(tokens, i)
    if opening is None or tokens[opening].text != "(":
        return None
    arg = next_code(tokens, opening)
    close = next_code(tokens, arg) if arg is not None else None
    if arg is None or close is None or tokens[close].text != ")":
        return None
    value = _string_value(tokens[arg])
    return None if value is None else (close, value)


def _string_value(tok: Token) -> str | None:
    """A plain one-line literal without escapes or verbatim/obfuscation prefixes."""
    text = tok.text
    if (tok.kind == "string" and len(text) >= 2 and text[0] == text[-1]
            and text[0] in "'\"" and "\\" not in text):
        return text[1:-1]
    return None


def _is_member(tokens: list[Token], i: int) -> bool:
    before = prev_code(tokens, i)
    return before is not None and tokens[before].text == "."


def _let_names(tokens: list[Token]) -> set[str]:
    names: set[str] = set()
    for i, tok in enumerate(tokens):
        if tok.kind == "ident" and tok.text == "let":
            j = next_code(tokens, i)
            if j is not None and tokens[j].kind == "ident":
                names.add(tokens[j].text)
    return names


def _declared_names(tokens: list[Token]) -> set[str]:
    """Names declared as `name:type` (parameters, datatable columns)."""
    return {tok.text for i, tok in enumerate(tokens) if tok.kind == "ident"
            and (j := next_code(tokens, i)) is not None and tokens[j].text == ":"}
