"""The rule's parts that name result columns must name columns the query returns.

Checked only against a semantic analysis with a closed result: with syntax
only, or when the query reads a function or watchlist of unknown shape, the
result columns are not known and nothing is claimed.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from sentinel_deploy.validation.lints.base import LintContext, LintFinding, lint
from sentinel_deploy.validation.rule_checks.limits import placeholders

_OVERRIDE = "alertDetailsOverride"


def _missing(ctx: LintContext, column: str, field: str, what: str) -> LintFinding | None:
    names = ctx.result_names
    if names is None or column in names:
        return None
    if column in ctx.source_columns or column in ctx.assigned:
        message = (f"{what} names column {column!r}, which the query reads but projects "
                   "away: it is not in the query's result")
        hint = f"keep {column} in the final project/summarize, or map a column the query returns"
    else:
        message = f"{what} names column {column!r}, which is not in the query's result"
        close = difflib.get_close_matches(column, sorted(names), n=1)
        hint = (f"did you mean {close[0]!r}?" if close
                else "map a column of the query's result")
    return LintFinding(message, hint, field=field)


def _entity_columns(ctx: LintContext) -> Iterator[tuple[str, str, str]]:
    for i, mapping in enumerate(ctx.rule.entityMappings):
        for j, field in enumerate(mapping.fieldMappings):
            path = f"entityMappings[{i}].fieldMappings[{j}].columnName"
            yield field.columnName, path, f"{mapping.entityType} entity mapping"


@lint("SD201", "Entity mappings name columns of the query's result.", needs_semantic=True)
def entity_columns(ctx: LintContext) -> Iterator[LintFinding]:
    for column, path, what in _entity_columns(ctx):
        if (found := _missing(ctx, column, path, what)) is not None:
            yield found


@lint("SD202", "customDetails values name columns of the query's result.", needs_semantic=True)
def custom_detail_columns(ctx: LintContext) -> Iterator[LintFinding]:
    for key, column in ctx.rule.customDetails.items():
        found = _missing(ctx, column, f"customDetails.{key}", f"custom detail {key}")
        if found is not None:
            yield found


@lint("SD203", "alertDetailsOverride {{placeholders}} and column names name columns of the "
               "query's result.", needs_semantic=True)
def override_columns(ctx: LintContext) -> Iterator[LintFinding]:
    override = ctx.rule.alertDetailsOverride
    if override is None:
        return
    for key in ("alertDisplayNameFormat", "alertDescriptionFormat"):
        text = getattr(override, key)
        for name in dict.fromkeys(placeholders(text or "")):
            found = _missing(ctx, name.strip(), f"{_OVERRIDE}.{key}",
                             f"{key} placeholder {{{{{name}}}}}")
            if found is not None:
                yield found
    for key in ("alertTacticsColumnName", "alertSeverityColumnName"):
        column = getattr(override, key)
        if column:
            found = _missing(ctx, column, f"{_OVERRIDE}.{key}", key)
            if found is not None:
                yield found
    for i, prop in enumerate(override.alertDynamicProperties):
        column = prop.get("value") if isinstance(prop, dict) else None
        if isinstance(column, str) and column:
            found = _missing(ctx, column, f"{_OVERRIDE}.alertDynamicProperties[{i}].value",
                             f"alert property {prop.get('alertProperty')}")
            if found is not None:
                yield found


# The Azure-Sentinel template validator (NewEntityMappingsAttribute) rejects a
# query that mentions one of these legacy columns without an entity mapping
# of it. It matches the raw text; we match names in code, not in comments or
# strings, so a comment alone does not trip it.
LEGACY_ENTITY_COLUMNS = ("AccountCustomEntity", "HostCustomEntity", "IPCustomEntity",
                         "URLCustomEntity", "ProcessCustomEntity", "FileHashCustomEntity")


@lint("SD204", "Legacy *CustomEntity columns the query uses are mapped in entityMappings "
               "(as the Azure-Sentinel validator requires).")
def legacy_entity_columns(ctx: LintContext) -> Iterator[LintFinding]:
    mapped = {column for column, _, _ in _entity_columns(ctx)}
    seen: set[str] = set()
    for token in ctx.kql.tokens:
        name = token.name
        if name in LEGACY_ENTITY_COLUMNS and name not in mapped and name not in seen:
            seen.add(name)
            yield LintFinding(
                f"the query sets legacy column {name} but no entity mapping uses it, so "
                "the entity is lost (Azure-Sentinel's validator rejects this)",
                "add an entityMappings entry whose columnName is "
                f"{name}, or rename the column and map that", start=token.start,
                length=len(token.text))


