"""Load 1,000,000 DeviceProcessEvents-like rows from Parquet and from CSV.

    .venv/bin/python benchmarks/engine_load.py [--rows N]

Prints the time to write each file (not part of loading), the time to load
it into a LocalWorkspace typed by the catalog, a query over the loaded table,
and the process's peak resident memory after each load (ru_maxrss, which
only ever grows: the CSV figure includes the Parquet run before it).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sentinel_deploy.catalog.model import Catalog, Column, TableSchema  # noqa: E402
from sentinel_deploy.engine import LocalWorkspace  # noqa: E402

COLUMNS = (
    Column("TimeGenerated", "datetime"), Column("DeviceName", "string"),
    Column("AccountName", "string"), Column("FileName", "string"),
    Column("ProcessCommandLine", "string"), Column("ProcessId", "long"),
    Column("InitiatingProcessFileName", "string"), Column("AdditionalFields", "dynamic"),
    Column("Type", "string"),
)
NOW = datetime(2024, 1, 8, tzinfo=UTC)


def generate(folder: Path, rows: int) -> tuple[Path, Path]:
    """Write both files with DuckDB itself, so generation stays out of the timing's way."""
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    con.execute(f"""
        CREATE TABLE t AS SELECT
          TIMESTAMP '2024-01-01' + to_milliseconds(i * 601) AS TimeGenerated,
          'host-' || (i % 500) AS DeviceName,
          'user' || (i % 97) AS AccountName,
          ['cmd.exe', 'powershell.exe', 'svchost.exe', 'bash'][1 + i % 4] AS FileName,
          'run --id ' || i AS ProcessCommandLine,
          i AS ProcessId,
          'explorer.exe' AS InitiatingProcessFileName,
          '{{"k": ' || (i % 10) || '}}' AS AdditionalFields,
          'DeviceProcessEvents' AS Type
        FROM range({rows}) r(i)
    """)
    parquet = folder / "DeviceProcessEvents.parquet"
    csv = folder / "DeviceProcessEvents__1.csv"
    con.execute(f"COPY t TO '{parquet}' (FORMAT parquet)")
    con.execute(f"COPY t TO '{csv}' (FORMAT csv, HEADER)")
    con.close()
    return parquet, csv


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(label: str, file: Path, catalog: Catalog) -> None:
    with LocalWorkspace(catalog) as ws:
        start = time.perf_counter()
        ws.load_file(file)
        loaded = time.perf_counter() - start
        start = time.perf_counter()
        result = ws.run(
            "DeviceProcessEvents | where FileName =~ 'powershell.exe'"
            " | summarize count() by DeviceName | count",
            now=NOW, timespan=timedelta(days=1),
        )
        queried = time.perf_counter() - start
        size = file.stat().st_size / 2**20
        print(f"{label:8s} file {size:7.1f} MiB  load {loaded:6.2f} s  "
              f"query(1-day window) {queried:5.2f} s -> {result.rows[0][0]} devices  "
              f"peak RSS {peak_mib():7.1f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    catalog = Catalog(tables={
        "DeviceProcessEvents": TableSchema("DeviceProcessEvents", COLUMNS),
    })
    with tempfile.TemporaryDirectory(prefix="sd-bench-") as tmp:
        start = time.perf_counter()
        parquet, csv = generate(Path(tmp), args.rows)
        print(f"generated {args.rows:,} rows in {time.perf_counter() - start:.2f} s "
              f"(peak RSS so far {peak_mib():.1f} MiB)")
        measure("parquet", parquet, catalog)
        measure("csv", csv, catalog)


if __name__ == "__main__":
    main()
