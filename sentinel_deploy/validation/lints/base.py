"""What every rule-aware KQL lint shares: what it sees, what it reports, the registry.

A lint is a small function of a `LintContext` (the rule, its query, the
analysis of that query) that yields `LintFinding`s. A finding points either at
a field of the rule file (`entityMappings[0].fieldMappings[1].columnName`) or
at a span of the query, which the runner maps back to the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property

from sentinel_deploy.catalog.model import GET_WATCHLIST, Catalog
from sentinel_deploy.input.rule_loader import RuleDocument
from sentinel_deploy.objects.diagnostics import Severity
from sentinel_deploy.objects.rule import Rule
from sentinel_deploy.validation.kql import KqlAnalysis
from sentinel_deploy.validation.lints.tokens import TokenView


@dataclass(frozen=True, slots=True)
class LintFinding:
    message: str
    hint: str | None = None
    field: str | None = None  # a rule-file path, when the finding is about a field
    start: int | None = None  # a character offset in the query, when it is about the KQL
    length: int = 0


@dataclass
class LintContext:
    doc: RuleDocument
    rule: Rule
    query: str
    analysis: KqlAnalysis
    catalog: Catalog | None = None

    @cached_property
    def kql(self) -> TokenView:
        return TokenView(self.query)

    @cached_property
    def result_names(self) -> frozenset[str] | None:
        """Column names of the query's result; None when they are not known.

        Unknown means: only syntax was checked, the query does not end in a
        table, or the result is open (a function or watchlist whose shape the
        catalog lacks: Kusto types its columns "unknown", any name resolves).
        """
        columns = self.analysis.result_columns
        if (not self.analysis.semantic or columns is None or self.analysis.errors
                or self._reads_open_source()):
            return None
        return frozenset(c.name for c in columns)

    def _reads_open_source(self) -> bool:
        # Kusto declares a function of unknown shape, and _GetWatchlist of an
        # undeclared alias, as open tables: their columns are whatever the
        # query names, so the result's column list is incomplete.
        for name in self.analysis.referenced_functions or ():
            if name == GET_WATCHLIST:
                known = self.catalog.watchlists if self.catalog else {}
                if any(alias not in known for alias in self.watchlist_aliases()):
                    return True
                continue
            schema = self.catalog.function(name) if self.catalog else None
            if schema is None or not (schema.columns or schema.body):
                return True
        return False

    def watchlist_aliases(self) -> list[str]:
        tokens = self.kql.tokens
        aliases = []
        for i, token in enumerate(tokens[:-2]):
            if token.text == GET_WATCHLIST and tokens[i + 1].text == "(":
                arg = tokens[i + 2]
                # A non-literal alias cannot be resolved: count it as undeclared.
                aliases.append(arg.text.strip("'\"@") if arg.kind == "string" else "")
        return aliases

    @cached_property
    def assigned(self) -> frozenset[str]:
        """Columns the query computes (`extend X = ...`, `by X = ...`), not `let` names."""
        tokens = self.kql.tokens
        return frozenset(
            name for i, t in enumerate(tokens[:-1])
            if (name := t.name) is not None and tokens[i + 1].text == "="
            and (i == 0 or tokens[i - 1].text != "let"))

    @cached_property
    def source_columns(self) -> frozenset[str]:
        """Columns of the catalog tables and functions the query reads."""
        names: set[str] = set()
        if self.catalog is None:
            return frozenset()
        for table in self.analysis.referenced_tables or ():
            schema = self.catalog.table(table)
            names.update(c.name for c in schema.columns) if schema else None
        for function in self.analysis.referenced_functions or ():
            schema = self.catalog.function(function)
            names.update(c.name for c in schema.columns) if schema else None
        return frozenset(names)


LintFn = Callable[[LintContext], Iterable[LintFinding]]


@dataclass(frozen=True, slots=True)
class Lint:
    code: str
    severity: Severity
    title: str  # one sentence: what the lint requires (SARIF's rule description)
    fn: LintFn
    needs_semantic: bool = False  # skipped (and said so) when only syntax was checked


LINTS: list[Lint] = []


def lint(code: str, title: str, severity: Severity = Severity.ERROR, *,
         needs_semantic: bool = False) -> Callable[[LintFn], LintFn]:
    """Register a lint; modules are grouped by topic and imported by the package."""
    def register(fn: LintFn) -> LintFn:
        if any(item.code == code for item in LINTS):
            raise RuntimeError(f"lint code {code} registered twice")
        LINTS.append(Lint(code, severity, title, fn, needs_semantic))
        return fn
    return register
