"""KQL text as tokens, for rewrites that must not touch strings or comments.

Every compatibility rewrite works on this token list rather than on raw text,
so a name inside a string literal (all quote forms, verbatim and multi-line)
or a `//` comment is never rewritten. A rewrite edits tokens in place; an
emptied token, or one replaced by a whole balanced expression, no longer
counts as a bracket of the original text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

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


def next_code(tokens: list[Token], i: int) -> int | None:
    for j in range(i + 1, len(tokens)):
        if tokens[j].kind not in ("space", "comment") and tokens[j].text:
            return j
    return None


def prev_code(tokens: list[Token], i: int) -> int | None:
    for j in range(i - 1, -1, -1):
        if tokens[j].kind not in ("space", "comment") and tokens[j].text:
            return j
    return None


def replace_span(tokens: list[Token], first: int, last: int, text: str) -> None:
    """tokens[first..last] (inclusive) become `text`, kept in the first token.

    The emptied tokens stay in the list, so the indexes other rewrites hold
    remain valid.
    """
    tokens[first].text = text
    for j in range(first + 1, last + 1):
        tokens[j].text = ""


def punctuation(tokens: list[Token], start: int,
                stop: int | None = None) -> Iterator[tuple[int, str, int]]:
    """(index, character, depth) of each punctuation token of the original text.

    Depth is the bracket nesting after the token: an opening bracket reports
    its inside, a closing one the level it returns to. A token an earlier
    rewrite emptied, or replaced by a whole balanced expression, is not
    punctuation of the original text and is skipped.
    """
    depth = 0
    for j in range(start, len(tokens) if stop is None else stop):
        text = tokens[j].text
        if tokens[j].kind != "other" or len(text) != 1:
            continue
        if text in "([{":
            depth += 1
        elif text in ")]}":
            depth -= 1
        yield j, text, depth


def call_shape(tokens: list[Token], open_index: int) -> tuple[int | None, int]:
    """Index of the matching `)` and the number of top-level commas inside."""
    commas = 0
    for j, text, depth in punctuation(tokens, open_index):
        if depth == 0 and text in ")]}":
            return j, commas
        if text == "," and depth == 1:
            commas += 1
    return None, commas


def matching_close(tokens: list[Token], open_index: int) -> int | None:
    """Index of the bracket closing the one at *open_index*, or None."""
    return call_shape(tokens, open_index)[0]
