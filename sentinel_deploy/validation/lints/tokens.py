"""A small KQL token scanner with offsets, for lints that look for operators and names.

Strings and comments become single tokens, so a `union` inside a string
literal or a `// join` comment is never mistaken for an operator. It does not
parse: lints built on it look at short token patterns only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

_TOKEN = re.compile(
    r"""
    (?P<comment>//[^\n]*)
    | (?P<string>```.*?```|~~~.*?~~~
        | [hH]?@'[^']*(?:''[^']*)*' | [hH]?@"[^"]*(?:""[^"]*)*"
        | [hH]?'(?:[^'\\\n]|\\.)*' | [hH]?"(?:[^"\\\n]|\\.)*"
        | '[^\n]* | "[^\n]*)
    | (?P<bracketed>\[\s*(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")\s*\])
    | (?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?[A-Za-z]*)
    | (?P<ident>[A-Za-z_$][A-Za-z0-9_]*(?:-[A-Za-z_][A-Za-z0-9_]*)*)
    | (?P<space>\s+)
    | (?P<other>\.\.|==|!=|=~|!~|<=|>=|.)
    """,
    re.VERBOSE | re.DOTALL,
)
# Operator names that contain a dash (`project-away`) are one token; elsewhere
# `a-b` is a subtraction, so only these are joined.
_DASHED = re.compile(r"[A-Za-z_$][A-Za-z0-9_]*")
DASHED_OPERATORS = frozenset({
    "project-away", "project-keep", "project-rename", "project-reorder", "mv-expand",
    "mv-apply", "make-series", "parse-where", "parse-kv", "top-nested", "top-hitters",
    "project-smart", "make_list-if",
})


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # ident, string, number, comment, bracketed, other
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def name(self) -> str | None:
        """The identifier this token names: `Col` or `['Col']`; None for others."""
        if self.kind == "ident":
            return self.text
        if self.kind == "bracketed":
            inner = self.text.strip("[] \t\n")
            return inner[1:-1]
        return None


def _split(match: re.Match[str]) -> list[Token]:
    kind, text, start = match.lastgroup or "other", match.group(), match.start()
    if kind != "ident" or "-" not in text or text.lower() in DASHED_OPERATORS:
        return [Token(kind, text, start)]
    # `a-b`: identifiers and minus signs, as the parser sees them.
    out: list[Token] = []
    for part in re.finditer(r"-|" + _DASHED.pattern, text):
        out.append(Token("ident" if part.group() != "-" else "other", part.group(),
                         start + part.start()))
    return out


def tokenize(text: str) -> list[Token]:
    """Every token but whitespace, in order."""
    out: list[Token] = []
    for match in _TOKEN.finditer(text):
        if match.lastgroup != "space":
            out.extend(_split(match))
    return out


class TokenView:
    """The code tokens (no comments) of a query, with small look-around helpers."""

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def tokens(self) -> list[Token]:
        return [t for t in tokenize(self.text) if t.kind != "comment"]

    def next(self, i: int, step: int = 1) -> Token | None:
        j = i + step
        return self.tokens[j] if 0 <= j < len(self.tokens) else None

    def identifiers(self) -> set[str]:
        return {n for t in self.tokens if (n := t.name) is not None}

    def after_pipe(self, i: int) -> bool:
        """Whether token i starts a tabular operator (`| join`) or a statement."""
        prev = self.next(i, -1)
        return prev is None or prev.text in ("|", ";", "(", "{", "=", ",")
