from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from sentinel_deploy.actions.session import Session
from sentinel_deploy.objects.config import LocalEnvironment

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    shutil.copytree(ROOT / "analytics", tmp_path / "analytics")
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    shutil.copytree(ROOT / "workspace" / "local" / "data", tmp_path / "data")
    (tmp_path / "sentinel-deploy.toml").write_text(
        'rules = ["analytics"]\n[environments.local]\nstate_dir = "state"\ndata = ["data"]\n'
        "now = 2023-10-26T00:00:00Z\n", encoding="utf-8")
    s = Session.open(start=tmp_path)
    assert isinstance(s.env, LocalEnvironment)
    yield s
