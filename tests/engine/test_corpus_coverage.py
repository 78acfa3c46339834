"""A floor under the share of corpus queries the local engine runs.

Runs every second corpus query (a fixed sample, to stay well under a minute
on two processes) through scripts/corpus_local_coverage.py. The floor is the
measured figure minus one point, so a regression in compat rewrites,
stand-ins or shape rewrites shows here.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus" / "azure-sentinel-2022-08"
SCRIPT = ROOT / "scripts" / "corpus_local_coverage.py"
#: Measured on the every-2nd sample: 333/414 = 80.4%.
FLOOR_PERCENT = 79.4


def _script():
    spec = importlib.util.spec_from_file_location("corpus_local_coverage", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Registered first: its dataclasses and worker processes look it up by name.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not CORPUS.is_dir(),
                    reason=f"corpus not found at {CORPUS} (../shared is absent)")
def test_corpus_coverage_floor() -> None:
    result = _script().measure(CORPUS, workers=2, every=2)
    assert result.total > 300
    assert result.percent >= FLOOR_PERCENT, (
        f"{result.ok}/{result.total} = {result.percent:.1f}% of sampled corpus queries ran "
        f"locally, below the floor {FLOOR_PERCENT}%"
    )
