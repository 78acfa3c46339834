"""The emulator as a foreground process, as `sentinel-deploy emulator` runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from emulator_http import API, RULES, call, interrupt, scheduled_body

SCRIPT = """
import sys
from sentinel_deploy.emulator import serve
serve("127.0.0.1", 0, sys.argv[1], None, on_ready=lambda url: print(url, flush=True))
"""


def test_serve_runs_until_interrupted_and_keeps_state(tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, str(tmp_path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    err = ""
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        assert call(url, "PUT", f"{RULES}/r1{API}", scheduled_body())[0] == 201
        status, _, body = call(url, "POST", "/v1/workspaces/w/query", {"query": "print 1"})
        assert status == 501 and body["error"]["code"] == "NotImplemented"
    finally:
        err = interrupt(proc)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert len(list(tmp_path.glob("*.json"))) == 1


def test_emulator_command_prints_each_data_warning_then_serves(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    # A column the catalog's Syslog lacks: kept, and reported with file and name.
    (data / "Syslog.csv").write_text(
        "TimeGenerated,Computer,SyslogMessage,ExtraField\n"
        "2023-10-25T10:00:00Z,host-1,hello,x\n", encoding="utf-8")
    (tmp_path / "sentinel-deploy.toml").write_text(
        '[environments.local]\nkind = "local"\nstate_dir = "state"\ndata = ["data"]\n'
        "now = 2023-10-26T00:00:00Z\n",
        encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "sentinel_deploy", "emulator", "--port", "0"],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    err = ""
    try:
        assert proc.stdout is not None
        ready = proc.stdout.readline()
        assert "emulator for environment 'local' at http://127.0.0.1:" in ready, ready
        url = ready.split(" at ", 1)[1].split()[0]
        status, _, body = call(url, "POST", "/v1/workspaces/w/query",
                               {"query": "Syslog | project ExtraField", "timespan": "P1D"})
        assert status == 200 and body["tables"][0]["rows"] == [["x"]], body
    finally:
        err = interrupt(proc)
    assert "Traceback" not in err
    # The warning itself, before the ready line: the file, the code, the column.
    assert "Syslog.csv" in err and "LOCAL_UNKNOWN_COLUMN" in err and "ExtraField" in err, err
