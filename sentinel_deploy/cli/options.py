"""Options shared by several commands, declared once (panther_analysis_tool style)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

Paths = Annotated[
    list[Path] | None,
    typer.Argument(help="Rule files or folders (default: the `rules` folders of the config).",
                   show_default=False),
]
Env = Annotated[
    str | None,
    typer.Option("--env", "-e", envvar="SENTINEL_DEPLOY_ENV",
                 help="Environment from sentinel-deploy.toml (default: local)."),
]
ConfigFile = Annotated[
    Path | None,
    typer.Option("--config", envvar="SENTINEL_DEPLOY_CONFIG",
                 help="Path to sentinel-deploy.toml (default: searched upwards from here)."),
]
Window = Annotated[
    str | None,
    typer.Option("--window", "-w",
                 help="Time window such as 1h, 14d (default: the rule's queryPeriod)."),
]
OutputFormat = Annotated[
    str,
    typer.Option("--output", "-o", help="Output format: human or json."),
]
ReportFormat = Annotated[  # findings also go to GitHub code scanning, hence SARIF
    str,
    typer.Option("--output", "-o", help="Output format: human, json or sarif."),
]
KustoJs = Annotated[
    Path | None,
    typer.Option("--kusto-js", envvar="SENTINEL_DEPLOY_KUSTO_JS",
                 help="Folder holding Kusto.Language's bridge.min.js and "
                      "Kusto.Language.Bridge.min.js (air-gapped CI)."),
]
