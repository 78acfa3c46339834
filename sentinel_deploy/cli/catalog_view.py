"""How `sentinel-deploy catalog` prints a lookup on a terminal."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from sentinel_deploy.actions.catalog import CatalogLookup
from sentinel_deploy.cli.console import stdout


def show(result: CatalogLookup) -> None:
    for entry in result.found:
        title = f"{entry.kind} {entry.name}"
        if entry.parameters:
            title += "(" + ", ".join(
                f"{p.name}:{p.type}" + (f" = {p.default}" if p.default else "")
                for p in entry.parameters) + ")"
        table = Table(title=escape(title), title_justify="left",
                      caption=escape(f"from {entry.source}") if entry.source else None,
                      caption_justify="left")
        table.add_column("column")
        table.add_column("type")
        for column in entry.columns:
            table.add_row(escape(column.name), column.type)
        if entry.open_shape:
            stdout.print(f"[bold]{escape(title)}[/]: result columns not declared; "
                         "queries using it are checked for the call only")
        else:
            stdout.print(table)
    for name, close in result.missing.items():
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        stdout.print(f"[yellow]{escape(name)}[/]: not in the catalog{escape(hint or '.')} "
                     "Declare your own tables and functions under schemas/ (docs/catalog.md).")


def summary(result: CatalogLookup) -> None:
    c = result.counts
    stdout.print(f"{c['tables']} tables, {c['functions']} functions, {c['watchlists']} "
                 "watchlists. Name one or more to see their columns: "
                 "sentinel-deploy catalog SigninLogs _GetWatchlist")
