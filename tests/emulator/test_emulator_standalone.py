"""`serve()` as the CLI runs it: a foreground process that stops cleanly on Ctrl-C."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from emulator_http import API, RULES, call, scheduled_body

SCRIPT = """
import sys
from sentinel_deploy.emulator import serve
serve("127.0.0.1", 0, sys.argv[1], None, on_ready=lambda url: print(url, flush=True))
"""


def test_serve_runs_until_interrupted_and_keeps_state(tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, str(tmp_path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        assert call(url, "PUT", f"{RULES}/r1{API}", scheduled_body())[0] == 201
        status, _, body = call(url, "POST", "/v1/workspaces/w/query", {"query": "print 1"})
        assert status == 501 and body["error"]["code"] == "NotImplemented"
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            # Generous: on a loaded two-core CI machine shutdown can take seconds.
            _, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
            raise AssertionError(f"no stop on SIGINT within 60 s: {err}") from None
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert len(list(tmp_path.glob("*.json"))) == 1
