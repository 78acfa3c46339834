"""`test`: every rule's test cases, run on the local engine."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sentinel_deploy.actions.session import Session
from sentinel_deploy.input.rule_loader import RuleDocument, load_rule_file
from sentinel_deploy.testing.discovery import discover_tests
from sentinel_deploy.testing.results import CaseResult, RuleReport, Status, TestRun
from sentinel_deploy.testing.runner import run_rule


def run_tests(session: Session, paths: Sequence[Path]) -> TestRun:
    run = TestRun()
    for rule_file, cases in discover_tests(session.rule_paths(paths)):
        doc = load_rule_file(rule_file, session.variables(), session.templates_dir)
        if cases:
            run.rules.append(run_rule(doc, cases, session.catalog))
            continue
        run.untested.append(rule_file)
        if doc.rule is None:
            # No case to fail, but a rule that does not load must not pass `test` green.
            run.rules.append(_does_not_load(doc))
    return run


def _does_not_load(doc: RuleDocument) -> RuleReport:
    first = doc.diagnostics[0].one_line() if doc.diagnostics else "the rule does not load"
    report = RuleReport(rule_file=doc.file, name=doc.file.stem)
    report.cases.append(CaseResult(doc.file.stem, doc.file, Status.ERROR,
                                   f"the rule does not load: {first}"))
    return report
