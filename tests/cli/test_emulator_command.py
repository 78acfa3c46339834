"""`sentinel-deploy emulator`: the local workspace served on its own, as a user starts it."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path


def test_emulator_command_serves_and_prints_each_data_warning(project: Path) -> None:
    # The demo's portal export has columns the catalog's DeviceProcessEvents lacks.
    proc = subprocess.Popen([sys.executable, "-m", "sentinel_deploy", "emulator", "--port", "0"],
                            cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        assert proc.stdout is not None
        ready = proc.stdout.readline()
        assert "emulator for environment 'local' at http://127.0.0.1:" in ready, ready
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            _, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
            raise AssertionError(f"no stop on SIGINT within 60 s: {err}") from None
    assert "Traceback" not in err
    # The warning itself, naming the file and the columns, not only a count.
    assert "DeviceProcessEvents__M365_Linux_sample.csv" in err, err
    assert "LOCAL_UNKNOWN_COLUMN" in err and "InitiatingProcessSignerType" in err, err
