"""`test`: every rule's test cases, run on the local engine."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sentinel_deploy.actions.session import Session
from sentinel_deploy.input.rule_loader import load_rule_file
from sentinel_deploy.testing.discovery import discover_tests
from sentinel_deploy.testing.results import TestRun
from sentinel_deploy.testing.runner import run_rule


def run_tests(session: Session, paths: Sequence[Path]) -> TestRun:
    run = TestRun()
    for rule_file, cases in discover_tests(session.rule_paths(paths)):
        doc = load_rule_file(rule_file, session.variables(), session.templates_dir)
        if not cases:
            run.untested.append(rule_file)
        if cases or doc.rule is None:  # a rule that does not load reports it, cases or not
            run.rules.append(run_rule(doc, cases, session.catalog))
    return run
