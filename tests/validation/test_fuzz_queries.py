"""Mutated real queries: validation returns diagnostics or nothing, never an exception."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_lints_helpers import analyzer

from sentinel_deploy.catalog import load_catalog
from sentinel_deploy.input.rule_loader import RuleDocument
from sentinel_deploy.objects.rule import Rule
from sentinel_deploy.validation.lints import run_lints

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus" / "azure-sentinel-2022-08"


def _seeds() -> list[str]:
    files = sorted(CORPUS.rglob("*.yaml"))[::40] if CORPUS.is_dir() else []
    files = files or sorted((ROOT / "analytics").rglob("*.yaml"))
    out = []
    for f in files:
        try:
            data = yaml.safe_load(f.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError):
            continue
        if isinstance(data, dict) and isinstance(data.get("query"), str):
            out.append(data["query"])
    return out


SEEDS = _seeds()
PIECES = ["|", "'", '"', "(", ")", "[", "]", "{", "}", "//", "\n", " union *", " join ",
          "makeset(", "ago(", "TimeGenerated > ago(30d)", "let x = 1d;", "\\", "\x00", "é",
          "\U0001F600", "```", "=", ";", "..", "between (", "search *", "datatable(a:int)[1]"]


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "cut"]))
        if action == "insert":
            text = text[:at] + draw(st.sampled_from(PIECES)) + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)):]
        else:
            text = text[:at]
    return text


_ANALYZER = None


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated())
def test_mutated_queries_never_raise(query: str) -> None:
    global _ANALYZER
    _ANALYZER = _ANALYZER or analyzer()
    analysis = _ANALYZER.analyze(query)
    assert not any(d.code == "SD-KQL-INTERNAL" for d in analysis.diagnostics), query
    rule = Rule(id="6a7f3b9e-2d3c-4f55-9f0b-2a1e5b6c7d80", name="fuzz", query=query,
                queryPeriod="PT1H", kind="NRT" if len(query) % 2 else "Scheduled")
    doc = RuleDocument(file=Path("fuzz.yaml"), rule=rule)
    found = run_lints(doc, analysis, load_catalog())
    assert not any(d.code == "SD299" for d in found), found
    assert all(d.code != "SD-KQL-INTERNAL" for d in found)
