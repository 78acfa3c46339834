"""Session-wide: end a test run that started V8 the way the CLI ends (cli.app._exit_past_v8).

Once during this session `make test` ended in SIGABRT ("Aborted") after the
tests had run, and could not be reproduced in four further runs. V8's threads
and the interpreter's teardown are the likeliest culprit: the CLI saw the same
kind of fault (a hang at exit) and leaves with os._exit once everything is
written. Here everything is written once pytest unconfigures, so the run ends
there with pytest's own exit status.
"""

from __future__ import annotations

import os
import sys

import pytest

_exit_status: int | None = None


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    global _exit_status
    _exit_status = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    from sentinel_deploy.validation.kql.kusto_bridge import loaded_runtime_dir

    if _exit_status is None or loaded_runtime_dir() is None:
        return
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(_exit_status)
