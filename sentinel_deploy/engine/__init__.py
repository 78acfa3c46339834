"""The local KQL engine: a Log Analytics stand-in on DuckDB + duckdb-kql.

Data files (CSV, JSON arrays or lines, Parquet) load into tables typed by the
catalog. Portal CSV exports are read as they come: the ` [UTC]` / ` [Local
Time]` header suffix is dropped, and `[Local Time]` values are taken as UTC,
because the file does not record which zone the exporting browser was in.
"""

from sentinel_deploy.engine.prepared import PreparedQuery, Timespan
from sentinel_deploy.engine.workspace import LocalWorkspace

__all__ = ["LocalWorkspace", "PreparedQuery", "Timespan"]
