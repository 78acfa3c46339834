"""A query's answer in one shape, whether it came from Log Analytics or the local engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sentinel_deploy.catalog.model import Column


@dataclass(slots=True)
class QueryResult:
    columns: list[Column]
    rows: list[tuple[Any, ...]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)

    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def as_dicts(self) -> list[dict[str, Any]]:
        names = self.column_names()
        return [dict(zip(names, row, strict=True)) for row in self.rows]


#: QueryFailed.code for a construct valid in Kusto that the local engine
#: (duckdb-kql) does not translate. The query is not at fault, so callers word
#: it apart from a refusal (SyntaxError, SemanticError): run it in Azure instead.
LOCAL_ENGINE_UNSUPPORTED = "LocalEngineUnsupported"


class QueryFailed(Exception):
    """The workspace (or the local engine) refused or failed the query.

    `code` follows Log Analytics' error codes where one applies
    (BadArgumentError, SemanticError, SyntaxError) so both engines report alike.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
