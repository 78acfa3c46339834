from __future__ import annotations

import pytest

from sentinel_deploy.catalog.model import (
    Catalog,
    Column,
    FunctionSchema,
    Parameter,
    TableSchema,
    Watchlist,
)
from sentinel_deploy.validation.kql import KustoAnalyzer, KustoJs, ensure_kusto_js


@pytest.fixture(scope="session")
def kusto_js() -> KustoJs:
    # The per-user cache, filled with `npm pack` on first use: CI has npm and the registry.
    found = ensure_kusto_js(fetch=True)
    if not isinstance(found, KustoJs):
        pytest.fail(f"Kusto.Language unavailable: {found.reason}")
    return found


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    signin = TableSchema("SigninLogs", (
        Column("TimeGenerated", "datetime"),
        Column("UserPrincipalName", "string"),
        Column("IPAddress", "string"),
        Column("ResultType", "string"),
    ))
    lookup = FunctionSchema(
        "UserLookup",
        parameters=(Parameter("starttime", "datetime"), Parameter("limit", "int", "10")),
        columns=(Column("User", "string"), Column("Score", "real")),
    )
    return Catalog(
        tables={signin.name: signin},
        functions={lookup.name: lookup},
        watchlists={"vip": Watchlist("vip", (Column("UPN", "string"), Column("Tier", "int")))},
    )


@pytest.fixture(scope="session")
def analyzer(kusto_js: KustoJs, catalog: Catalog) -> KustoAnalyzer:
    return KustoAnalyzer(catalog, kusto_js)
