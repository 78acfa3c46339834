"""Backtest: schedule, threshold, grouping and suppression checked against expectations
computed independently of the simulator, and the KQL translated once."""

from __future__ import annotations

import struct
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from _testing_helpers import write
from typer.testing import CliRunner

from sentinel_deploy.catalog.model import Catalog, Column, TableSchema
from sentinel_deploy.cli.app import app
from sentinel_deploy.engine import LocalWorkspace
from sentinel_deploy.testing.backtest import backtest
from sentinel_deploy.testing.charts import bar, sparkline
from sentinel_deploy.testing.schedule import MAX_ALERTS_PER_RUN, Policy, run_times, simulate

START = datetime(2024, 3, 1, tzinfo=UTC)
END = START + timedelta(days=2)
HOUR = timedelta(hours=1)
QUERY = "Events | where Level >= 3"


def hits(hour: int) -> int:
    """Matching rows in hour [h, h+1): quiet nights, a burst at 10:00 on day 2."""
    if hour == 34:
        return 200
    return hour % 5  # 0..4


@pytest.fixture(scope="module")
def ws() -> LocalWorkspace:
    catalog = Catalog(tables={"Events": TableSchema("Events", (
        Column("TimeGenerated", "datetime"), Column("Level", "int"), Column("Host", "string")))})
    workspace = LocalWorkspace(catalog)
    rows = []
    for hour in range(48):
        base = START + hour * HOUR
        # Inside the hour, never on a boundary (inclusive windows would count it twice).
        rows += [{"TimeGenerated": base + timedelta(minutes=1, seconds=i), "Level": 3,
                  "Host": f"h{i}"} for i in range(hits(hour))]
        rows += [{"TimeGenerated": base + timedelta(minutes=30), "Level": 1, "Host": "noise"}]
    workspace.load_rows("Events", rows)
    yield workspace
    workspace.close()


def policy(**kw) -> Policy:
    return Policy(**{"frequency": HOUR, "period": HOUR, **kw})


def test_runs_cover_the_range_once_each() -> None:
    times = run_times(START, END, HOUR)
    assert len(times) == 48
    assert times[0] == START + HOUR and times[-1] == END
    assert len(run_times(START, START + timedelta(days=14), timedelta(minutes=5))) == 4032


def test_counts_threshold_and_single_alert(ws: LocalWorkspace) -> None:
    before = ws.translations
    report = backtest(ws, QUERY, "r", policy(operator="gt", threshold=2), START, END)
    assert ws.translations - before == 1 and report.translations == 1
    assert report.batched
    # The run at START + (h+1)h sees hour h.
    assert [r.results for r in report.runs] == [hits(h) for h in range(48)]
    expected_triggered = [h for h in range(48) if hits(h) > 2]
    assert [i for i, r in enumerate(report.runs) if r.triggered] == expected_triggered
    assert report.alerts == len(expected_triggered)  # SingleAlert: one per triggered run
    days = report.per_day()
    # Runs at 01:00..23:00 of day 1 see hours 0..22; the 00:00 run of day 2 sees hour 23.
    assert [d.runs for d in days] == [23, 24, 1]
    assert sum(d.alerts for d in days) == report.alerts
    assert report.top_runs(1)[0].results == 200


def test_alert_per_result_is_capped(ws: LocalWorkspace) -> None:
    report = backtest(ws, QUERY, "r", policy(per_result=True), START, END)
    expected = sum(min(hits(h), MAX_ALERTS_PER_RUN) for h in range(48))
    assert report.alerts == expected
    assert max(r.alerts for r in report.runs) == MAX_ALERTS_PER_RUN


def test_suppression(ws: LocalWorkspace) -> None:
    suppress = timedelta(hours=3)
    report = backtest(ws, QUERY, "r", policy(threshold=0, suppression=suppress), START, END)
    # Independently: walk the triggered runs, alerting when 3h have passed since the last alert.
    alerted, last = [], None
    for h in range(48):
        at = START + (h + 1) * HOUR
        if hits(h) > 0 and (last is None or at >= last + suppress):
            alerted.append(at)
            last = at
    assert [r.at for r in report.runs if r.alerts] == alerted
    triggered = sum(hits(h) > 0 for h in range(48))
    assert report.suppressed == triggered - len(alerted)


def test_suppression_math_by_hand() -> None:
    times = [START + k * HOUR for k in range(1, 7)]
    out = simulate(times, [1, 1, 0, 1, 1, 5],
                   policy(per_result=True, suppression=timedelta(hours=2)))
    assert [r.alerts for r in out] == [1, 0, 0, 1, 0, 5]
    assert [r.suppressed for r in out] == [False, True, False, False, True, False]
    lt = simulate(times[:2], [0, 4], policy(operator="lt", threshold=1, per_result=True))
    assert [r.alerts for r in lt] == [1, 0]  # a triggered run with no rows still alerts


def test_batched_counts_equal_separate_runs(ws: LocalWorkspace) -> None:
    prepared = ws.prepare("Events | where TimeGenerated > ago(30m) | summarize by Host")
    runs = [(START + k * timedelta(minutes=20), (START + (k - 3) * timedelta(minutes=20),
             START + k * timedelta(minutes=20))) for k in range(3, 140)]
    assert prepared.count_runs(runs) == [prepared.count(now, span) for now, span in runs]


def test_charts() -> None:
    assert bar(0, 10, 4) == "    " and bar(10, 10, 4) == "████"
    assert bar(1, 1000, 4).strip() == "▏"  # a non-zero value stays visible
    assert sparkline([0, 0, 8, 4]) == "  █▄"
    assert len(sparkline(list(range(1000)), width=50)) == 50


def _project_data(project: Path) -> Path:
    data = project / "data"
    lines = []
    for hour in range(48):
        base = START + hour * HOUR
        lines += [f'{{"TimeGenerated": "{(base + timedelta(minutes=5)).isoformat()}", '
                  f'"EventID": 4625, "Computer": "pc{i}"}}' for i in range(hits(hour))]
    write(data / "SecurityEvent.jsonl", "\n".join(lines) + "\n")
    return data


def test_cli_backtest_with_png(project: Path) -> None:
    rule = write(project / "rules" / "fails.yaml", """id: 3d1c4a3e-0000-4000-8000-000000000002
name: failed logons
severity: Low
queryFrequency: 1h
queryPeriod: 1h
triggerOperator: gt
triggerThreshold: 2
suppressionEnabled: true
suppressionDuration: 3h
eventGroupingSettings:
  aggregationKind: AlertPerResult
query: SecurityEvent | where EventID == 4625
""")
    data = _project_data(project)
    png = project / "out" / "alerts.png"
    result = CliRunner().invoke(app, ["backtest", str(rule), "--data", str(data),
                                      "--from", "2024-03-01", "--to", "2024-03-03",
                                      "--png", str(png)])
    assert result.exit_code == 0, result.output
    assert "48 run(s)" in result.output and "translated 1 time(s)" in result.output
    assert "alerts per day" in result.output and "2024-03-02 │" in result.output
    raw = png.read_bytes()
    assert raw.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", raw[16:24])
    assert (width, height) == (960, 320)
    idat = raw.index(b"IDAT")
    size = struct.unpack(">I", raw[idat - 4:idat])[0]
    assert len(zlib.decompress(raw[idat + 4:idat + 4 + size])) == height * (width + 1)


def test_cli_backtest_empty_data_folder(project: Path) -> None:
    (project / "nodata").mkdir()
    rule = write(project / "rules" / "r.yaml", "id: x\nname: r\nqueryFrequency: 1h\n"
                 "queryPeriod: 1h\nquery: SecurityEvent\n")
    result = CliRunner().invoke(app, ["backtest", str(rule), "--data", "nodata",
                                      "--from", "2024-03-01", "--to", "2024-03-02"])
    assert result.exit_code == 2
    assert "no data files in nodata" in result.output and "Traceback" not in result.output
