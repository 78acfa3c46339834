"""Table and function schemas: the packaged Sentinel catalog plus the user's own."""

from sentinel_deploy.catalog.loader import load_catalog
from sentinel_deploy.catalog.model import (
    Catalog,
    Column,
    FunctionSchema,
    Parameter,
    TableSchema,
    Watchlist,
)

__all__ = [
    "Catalog",
    "Column",
    "FunctionSchema",
    "Parameter",
    "TableSchema",
    "Watchlist",
    "load_catalog",
]
