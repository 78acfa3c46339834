"""A throwaway copy of this repository's project (rules, templates, demo data) per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def write_config(project: Path, extra: str = "", local: str = "") -> None:
    (project / "sentinel-deploy.toml").write_text(f"""
rules = ["analytics"]
templates = "templates"
[environments.local]
kind = "local"
state_dir = "state"
data = ["data"]
now = 2023-10-26T00:00:00Z
max_results = 20
{local}
[environments.local.vars]
allowed_admin_hosts = ["jumpbox-01"]
{extra}
""", encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "analytics", tmp_path / "analytics")
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    shutil.copytree(ROOT / "workspace" / "local" / "data", tmp_path / "data")
    write_config(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path
