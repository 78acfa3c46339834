"""Checks both engines make before parsing, so they agree on the degenerate cases."""

from __future__ import annotations

from .model import CODE_EMPTY, CODE_TOO_DEEP, CODE_TOO_LARGE, Engine, KqlAnalysis, KqlDiagnostic

# Sentinel caps a scheduled rule's query at 10,000 characters; anything far past
# that is not a rule query, and parsing megabytes takes seconds in either engine.
MAX_QUERY_CHARS = 262_144
# Kusto.Language's parse time grows faster than linearly with nesting: 1,000 open
# brackets take ~0.8 s, 3,000 over 10 s. No real query comes near this.
MAX_NESTING = 1_000
_OPENERS = str.maketrans({"(": "(", "[": "(", "{": "(", ")": ")", "]": ")", "}": ")"})


def preflight(query: str, engine: Engine, reason: str | None = None) -> KqlAnalysis | None:
    """A finished analysis for an empty or oversized query, else None (go and parse)."""
    if not query.strip():
        # Kusto.Language accepts empty text silently, but Sentinel rejects a rule without one.
        diagnostic = KqlDiagnostic(CODE_EMPTY, "error", "The query is empty.")
    elif len(query) > MAX_QUERY_CHARS:
        diagnostic = KqlDiagnostic(
            CODE_TOO_LARGE, "error",
            f"The query is {len(query):,} characters long; analysis stops above "
            f"{MAX_QUERY_CHARS:,} (Sentinel accepts at most 10,000 in a rule), "
            "so it was not checked.",
        )
    elif _nesting(query) > MAX_NESTING:
        diagnostic = KqlDiagnostic(
            CODE_TOO_DEEP, "error",
            f"The query nests brackets more than {MAX_NESTING:,} deep, so it was not checked.",
        )
    else:
        return None
    return KqlAnalysis(engine=engine, diagnostics=(diagnostic,), degraded_reason=reason)


def _nesting(query: str) -> int:
    """Bracket depth, ignoring string literals: an over-estimate is harmless at this bound."""
    if query.count("(") + query.count("[") + query.count("{") <= MAX_NESTING:
        return 0
    depth = deepest = 0
    for ch in query.translate(_OPENERS):
        if ch == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif ch == ")":
            depth = max(depth - 1, 0)
    return deepest
