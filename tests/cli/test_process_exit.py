"""The installed command, as a process: output complete, exit code kept, no hang at exit.

`main()` ends the process directly once V8 has run in it (see
`cli.app._exit_past_v8`); these run the real console script to prove the
reports are flushed first and the exit code survives.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sentinel_deploy.validation.kql import KustoJs, ensure_kusto_js

BROKEN = """\
id: 6a7f3b9e-2d3c-4f55-9f0b-2a1e5b6c7d80
name: Misspelled column
severity: Medium
queryFrequency: 1h
queryPeriod: 1h
triggerOperator: gt
triggerThreshold: 0
query: |
  SigninLogs
  | where ResultTyp == "50126"
"""


def _command() -> list[str]:
    script = Path(sys.executable).with_name("sentinel-deploy")
    return [str(script)] if script.exists() else [sys.executable, "-c",
                                                  "from sentinel_deploy.cli.app import main; "
                                                  "main()"]


@pytest.mark.parametrize("output", ["json", "sarif"])
def test_validate_with_v8_exits_with_its_code_and_complete_output(tmp_path: Path,
                                                                  output: str) -> None:
    if not isinstance(found := ensure_kusto_js(fetch=True), KustoJs):
        pytest.skip(reason=f"Kusto.Language unavailable here: {found.reason}")
    (tmp_path / "sentinel-deploy.toml").write_text('rules = ["analytics"]\n', encoding="utf-8")
    (tmp_path / "analytics").mkdir()
    (tmp_path / "analytics" / "rule.yaml").write_text(BROKEN, encoding="utf-8")
    env = {**os.environ, "SENTINEL_DEPLOY_NO_CACHE": "1"}  # so V8 really runs
    done = subprocess.run([*_command(), "validate", "--output", output], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout[done.stdout.index("{"):])
    text = json.dumps(report)
    assert "KS142" in text and "ResultTyp" in text


@pytest.mark.parametrize("command", [["validate", "--output", "sarif"], ["validate"], ["render"],
                                     ["test"]])
def test_reader_leaving_the_pipe_is_not_an_internal_error(tmp_path: Path,
                                                         command: list[str]) -> None:
    """`sentinel-deploy validate -o sarif | head -1`: a quiet exit 141, as shell tools do."""
    (tmp_path / "sentinel-deploy.toml").write_text('rules = ["analytics"]\n', encoding="utf-8")
    (tmp_path / "analytics").mkdir()
    (tmp_path / "analytics" / "rule.yaml").write_text(BROKEN, encoding="utf-8")
    proc = subprocess.Popen([*_command(), *command], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    proc.stdout.close()  # the reader is gone before the command writes a byte
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 141, err
    assert "internal error" not in err and "Traceback" not in err, err
