"""The command line. Thin by design: parse options, call an action, print its report."""

from __future__ import annotations

import json
import os
import sys
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer

from sentinel_deploy.cli import console as out
from sentinel_deploy.cli.errors import EXIT_FINDINGS, friendly_errors
from sentinel_deploy.cli.options import (
    ConfigFile,
    Env,
    KustoJs,
    OutputFormat,
    Paths,
    ReportFormat,
    Window,
)

app = typer.Typer(
    name="sentinel-deploy",
    help="Detection-as-code for Microsoft Sentinel: render, validate, test and deploy "
         "scheduled analytics rules. Runs against the embedded local workspace by default; "
         "the same commands with --env <name> target an Azure workspace.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _session(env: str | None, config: Path | None):
    from sentinel_deploy.actions.session import Session

    return Session.open(env, config)


@app.command()
@friendly_errors
def render(paths: Paths = None, env: Env = None, config: ConfigFile = None,
           out_dir: Annotated[Path | None, typer.Option(
               "--out", help="Write one <rule id>.json per rule here instead of stdout.")] = None
           ) -> None:
    """Render rule files into alertRules API bodies (JSON)."""
    from sentinel_deploy.actions.render import render as do_render
    from sentinel_deploy.actions.render import write_bodies
    from sentinel_deploy.output import make_reporter

    session = _session(env, config)
    result = do_render(session, paths or [])
    if result.diagnostics:
        # As `validate` prints them, on stderr: stdout may be the JSON bodies.
        make_reporter("human", root=session.config.root).report(
            result.diagnostics, result.files, sys.stderr)
    if out_dir is not None:
        written = write_bodies(result, out_dir)
        out.info(f"rendered {len(written)} rule(s) into {out_dir}")
    else:
        payload = [{"id": r.rule_id, "file": str(r.file), "body": r.body} for r in result.rules]
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    if not result.ok:
        raise typer.Exit(EXIT_FINDINGS)


@app.command()
@friendly_errors
def validate(paths: Paths = None, env: Env = None, config: ConfigFile = None,
             output: ReportFormat = "human",
             strict: Annotated[bool, typer.Option(
                 "--strict", help="Fail on warnings too.")] = False,
             kusto_js: KustoJs = None,
             offline: Annotated[bool, typer.Option(
                 "--offline", help="Never fetch Microsoft's KQL parser; use what is cached "
                                   "or fall back to syntax-only checks.")] = False,
             no_cache: Annotated[bool, typer.Option(
                 "--no-cache", help="Re-analyse every query instead of reusing the analyses "
                                    "of unchanged queries from earlier runs.")] = False,
             ) -> None:
    """Check rules against the Sentinel API's limits and their KQL against table schemas."""
    from sentinel_deploy.actions.validate import validate as do_validate
    from sentinel_deploy.output import make_reporter
    from sentinel_deploy.validation.query_checks import kql_catalog
    from sentinel_deploy.validation.rule_checks import check_catalog

    if output not in ("human", "json", "sarif"):
        raise typer.BadParameter("choose human, json or sarif", param_hint="--output")
    session = _session(env, config)
    result = do_validate(session, paths or [], kusto_js=kusto_js, fetch=not offline,
                         cache=not no_cache)
    for note in result.notes:
        out.note(note)
    codes = {**check_catalog(), **kql_catalog()}
    reporter = make_reporter(output, root=session.config.root, rule_descriptions={
        code: title for code, (_, title) in codes.items()})
    reporter.report(result.diagnostics, result.files, sys.stdout)
    if result.failed(strict=strict):
        raise typer.Exit(EXIT_FINDINGS)


@app.command()
@friendly_errors
def deploy(paths: Paths = None, env: Env = None, config: ConfigFile = None,
           window: Window = None,
           dry_run: Annotated[bool, typer.Option(
               "--dry-run", help="Write nothing; print what would be done.")] = False,
           ) -> None:
    """Deploy rules: write disabled, run the query over a window, enable when the check passes."""
    from sentinel_deploy.actions.deploy import deploy as do_deploy
    from sentinel_deploy.actions.validate import validate as do_validate
    from sentinel_deploy.workspace.connect import open_workspace

    session = _session(env, config)
    span = _duration_option(window, "--window")
    checked = do_validate(session, paths or [])
    if checked.failed(strict=False):
        out.diagnostics(checked.diagnostics)
        out.error("nothing was deployed: fix the errors above (run `sentinel-deploy validate`)")
        raise typer.Exit(EXIT_FINDINGS)
    with open_workspace(session) as workspace:
        report = do_deploy(session, checked.docs, workspace, window=span, dry_run=dry_run)
    out.deploy_report(report)
    if not report.ok:
        raise typer.Exit(EXIT_FINDINGS)


@app.command()
@friendly_errors
def query(rule: Annotated[Path, typer.Argument(help="The rule file whose query to run.")],
          env: Env = None, config: ConfigFile = None, window: Window = None,
          limit: Annotated[int, typer.Option(help="Rows to print at most.")] = 50,
          output: Annotated[str, typer.Option(
              "--output", "-o", help="human (a table) or json (rows as objects).")] = "human",
          ) -> None:
    """Run one rule's query in the workspace over a window and print the rows."""
    from sentinel_deploy.actions.query import run_rule_query
    from sentinel_deploy.workspace.connect import open_workspace

    if output not in ("human", "json"):
        raise typer.BadParameter("choose human or json", param_hint="--output")
    session = _session(env, config)
    span = _duration_option(window, "--window")
    with open_workspace(session) as workspace:
        run = run_rule_query(session, rule, workspace, span)
    for note in run.notes:
        out.note(note)
    if output == "json":
        sys.stdout.write(json.dumps(run.result.as_dicts()[:limit], default=str, indent=2)
                         + "\n")
    else:
        out.query_table(run.result, run.window, limit)


@app.command()
@friendly_errors
def emulator(env: Env = None, config: ConfigFile = None,
             host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
             port: Annotated[int, typer.Option(help="Port (0: any free port).")] = 8400) -> None:
    """Serve the local ARM alertRules and Log Analytics query APIs until interrupted."""
    from sentinel_deploy.workspace.connect import serve_local

    session = _session(env, config)
    serve_local(session, host, port, announce=out.info, warn=out.diagnostics)


@app.command("test")
@friendly_errors
def test_cmd(paths: Paths = None, env: Env = None, config: ConfigFile = None,
             junit: Annotated[Path | None, typer.Option(
                 "--junit", help="Also write the results as JUnit XML to this file.")] = None,
             ) -> None:
    """Run each rule's test cases (<rule>.tests/*.yaml) on the local engine."""
    from sentinel_deploy.actions.test import run_tests
    from sentinel_deploy.testing.junit import write_junit

    session = _session(env, config)
    run = run_tests(session, paths or [])
    out.test_report(run)
    if junit is not None:
        write_junit(run, junit, root=session.config.root)
        out.info(f"JUnit XML written to {junit}")
    if not run.ok:
        # sys.exit, not typer.Exit: typer 0.29's Exit is a RuntimeError, which
        # friendly_errors' last-resort handler would report as an internal error.
        sys.exit(EXIT_FINDINGS)


@app.command()
@friendly_errors
def backtest(rule: Annotated[Path, typer.Argument(help="The rule file to replay.")],
             data: Annotated[Path, typer.Option(
                 "--data", help="Folder of data files (CSV, JSON, JSONL, Parquet; "
                                "watchlists/*.csv).")],
             start: Annotated[str, typer.Option(
                 "--from", help="Start of the replay, ISO 8601 (UTC if no zone).")],
             end: Annotated[str, typer.Option(
                 "--to", help="End of the replay, ISO 8601 (UTC if no zone).")],
             png: Annotated[Path | None, typer.Option(
                 "--png", help="Also draw the alerts over time into this PNG file.")] = None,
             env: Env = None, config: ConfigFile = None,
             limit: Annotated[int, typer.Option(
                 help="Runs with alerts to list at most.")] = 20) -> None:
    """Replay a rule's schedule over a data set: alerts per run and per day, and a chart."""
    from sentinel_deploy.actions.backtest import parse_instant, run_backtest
    from sentinel_deploy.testing.png import write_chart

    session = _session(env, config)
    report = run_backtest(session, rule, data, parse_instant(start, "--from"),
                          parse_instant(end, "--to"))
    out.diagnostics(report.warnings)
    out.backtest_report(report, limit)
    if png is not None:
        write_chart(png, report.runs)
        out.info(f"chart written to {png}")


@app.command()
@friendly_errors
def catalog(names: Annotated[list[str] | None, typer.Argument(
                help="Table, function or watchlist names (case-sensitive, as in KQL).",
                show_default=False)] = None,
            env: Env = None, config: ConfigFile = None,
            output: OutputFormat = "human") -> None:
    """Show the columns the offline checks and the local engine know for tables and functions."""
    from sentinel_deploy.actions.catalog import lookup
    from sentinel_deploy.cli import catalog_view

    if output not in ("human", "json"):
        raise typer.BadParameter("choose human or json", param_hint="--output")
    result = lookup(_session(env, config), names or [])
    if output == "json":
        print(json.dumps(_catalog_json(result), indent=2))
    elif names:
        catalog_view.show(result)
    else:
        catalog_view.summary(result)
    if result.missing:
        sys.exit(EXIT_FINDINGS)


def _catalog_json(result) -> dict:
    return {
        "counts": result.counts,
        "found": [{"name": e.name, "kind": e.kind, "source": e.source,
                   "parameters": [{"name": p.name, "type": p.type, "default": p.default}
                                  for p in e.parameters],
                   "columns": [{"name": c.name, "type": c.type} for c in e.columns]}
                  for e in result.found],
        "missing": result.missing,
    }


def _duration_option(value: str | None, option: str) -> timedelta | None:
    from sentinel_deploy.objects.diagnostics import UserError
    from sentinel_deploy.objects.durations import DurationError, parse_duration

    if value is None:
        return None
    try:
        span = parse_duration(value)
    except DurationError as exc:
        raise UserError(f"{option}: {exc}") from None
    if span <= timedelta(0):
        # An empty window would silently fall back to the rule's queryPeriod.
        raise UserError(f"{option}: {value!r} is not a window of time",
                        hint="give a positive duration such as 30m, 1h or 14d")
    return span


def main() -> None:
    try:
        app()
    except SystemExit as done:
        _exit_past_v8(done)
        raise


def _exit_past_v8(done: SystemExit) -> None:
    """Leave without interpreter teardown once V8 (Kusto.Language) has run here.

    A newcomer saw `validate --output json` finish its output and then hang at
    exit, intermittently: V8's platform threads and the interpreter's
    finalization do not always agree. Everything we owe the user is written by
    now (reports, the analysis cache), so after flushing we end the process
    directly with the same exit code.
    """
    from sentinel_deploy.validation.kql.kusto_bridge import loaded_runtime_dir

    if loaded_runtime_dir() is None:
        return
    code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    if done.code is not None and not isinstance(done.code, int):
        print(done.code, file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
