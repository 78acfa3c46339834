from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from emulator_http import signin_runner

from sentinel_deploy.emulator import Emulator


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    return tmp_path / "state"


@pytest.fixture
def emulator(state_dir: Path) -> Iterator[Emulator]:
    with Emulator(state_dir=state_dir, query_runner=signin_runner(), row_limit=5) as emu:
        yield emu
