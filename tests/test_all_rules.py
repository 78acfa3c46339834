"""The public Azure-Sentinel corpus (834 rules, 2022-08) as test data.

Every file must load, every check must run on every rule without failing, and
the findings must match the classification below. A change that moves a figure
is either a fixed false positive or a new check; update the table and say which.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from sentinel_deploy.input.rule_loader import RuleDocument, load_rules
from sentinel_deploy.objects.diagnostics import Diagnostic
from sentinel_deploy.validation.rule_checks import check_rules

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CORPUS = PROJECT_ROOT.parent / "shared" / "corpus" / "azure-sentinel-2022-08"
CORPUS_SIZE = 834

pytestmark = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"rule corpus not found at {CORPUS} (../shared is absent)")

# code → number of findings over the corpus, with why each is a real defect of the
# rule, not of the check.
EXPECTED = {
    # 6 stubs "As part of content migration, this file is moved to new location"
    # (e.g. Detections/SecurityAlert/AVTarrask.yaml): only id, name and description.
    "SD100": 6,
    # 6 CiscoUmbrella rules exist twice (Detections/ and Solutions/) with one id:
    # deploying both folders makes one overwrite the other. Reported in both files.
    "SD102": 12,
    # `techniques:` instead of relevantTechniques (ARGOSCloudSecurity, Digital Shadows x2).
    "SD108": 3,
    # Threat_Essentials_NRT_UseraddedtoPrivilgedGroups.yaml: NRT with a schedule.
    "SD113": 4,
    # 'PreAttack' (Recorded Future ...CommonSecurityLog.yaml): not among the 16 tactics.
    "SD120": 1,
    # Same file: T1587.001 is ResourceDevelopment, which it does not list.
    "SD122": 1,
    # 'CommandandControl' in 3 rules: the API takes any case, but returns the
    # canonical name, so a plan would show a change forever (a warning).
    "SD124": 3,
}
PASSING = 815  # rules without any error
SPOTLESS = 808  # rules without any finding, warnings included


@pytest.fixture(scope="module")
def docs() -> list[RuleDocument]:
    return load_rules([CORPUS])


@pytest.fixture(scope="module")
def findings(docs: list[RuleDocument]) -> list[Diagnostic]:
    return check_rules(docs)


def test_every_rule_loads(docs: list[RuleDocument]) -> None:
    assert len(docs) == CORPUS_SIZE
    failed = {str(d.file): [x.one_line() for x in d.diagnostics] for d in docs if not d.ok}
    assert failed == {}


def test_checks_run_on_every_rule(findings: list[Diagnostic]) -> None:
    assert [d.one_line() for d in findings if d.code == "SD199"] == []


def test_classification(findings: list[Diagnostic]) -> None:
    assert dict(Counter(d.code for d in findings)) == EXPECTED


def test_passing_count(docs: list[RuleDocument], findings: list[Diagnostic]) -> None:
    failing = {d.file for d in findings if d.is_error}
    assert len(docs) - len(failing) == PASSING
    assert len(docs) - len({d.file for d in findings}) == SPOTLESS


def test_findings_point_at_lines(findings: list[Diagnostic]) -> None:
    assert all(d.file is not None and d.line and d.line >= 1 for d in findings)


def test_api_bodies_pass_the_same_limits(docs: list[RuleDocument]) -> None:
    # What deploy would PUT must not draw a 400 from the emulator, except where the
    # rule itself is wrong (the PreAttack rule above).
    from sentinel_deploy.render.api_body import render_api_body
    from sentinel_deploy.validation.rule_checks import validate_body

    rejected = {}
    for doc in docs:
        if doc.rule is None or "query" not in doc.data:
            continue  # the stubs: SD100
        problems = validate_body(render_api_body(doc.rule, PROJECT_ROOT / "templates"))
        if problems:
            rejected[doc.file.name] = sorted({p.split(" ")[0] for p in problems})
    assert rejected == {
        "RecordedFutureHashObservedInUndergroundinCommonSecurityLog.yaml": ["SD120", "SD122"]}
