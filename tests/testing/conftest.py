"""A throwaway project per test: sentinel-deploy.toml, the shipped rule and its cases."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from _testing_helpers import CASES, RULE


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "sentinel-deploy.toml").write_text(
        'rules = ["rules"]\ntemplates = "templates"\n[environments.local]\nkind = "local"\n'
        'state_dir = "state"\n', encoding="utf-8")
    (tmp_path / "rules").mkdir()
    (tmp_path / "templates").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def bind_rule(project: Path) -> Path:
    """The shipped rule with cases 01 (fires) and 10 (quiet) beside it."""
    rule = project / "rules" / "bind.yaml"
    shutil.copyfile(RULE, rule)
    tests = rule.with_suffix(".tests")
    tests.mkdir()
    for name in ("01_seed_empty_dir_over_proc_pid.yaml", "10_benign_container_volumes.yaml"):
        shutil.copyfile(CASES / name, tests / name)
    return rule
