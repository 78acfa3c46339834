"""JUnit XML for CI: one <testsuite> per rule, one <testcase> per case.

The layout most CI readers (GitLab, Azure DevOps, Jenkins, GitHub test
reporters) agree on: `failure` for an expectation that did not hold, `error`
for a case that could not run, `skipped` for a rule the local engine cannot
run; the message attribute is the one-line reason and the body the diff.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from sentinel_deploy.testing.results import RuleReport, Status, TestRun

_ELEMENT = {Status.FAILED: "failure", Status.ERROR: "error", Status.SKIPPED: "skipped"}


def junit_tree(run: TestRun, root: Path | None = None) -> ET.ElementTree:
    suites = ET.Element("testsuites", name="sentinel-deploy test",
                        tests=str(sum(len(r.cases) for r in run.rules)),
                        failures=str(run.count(Status.FAILED)),
                        errors=str(run.count(Status.ERROR)),
                        skipped=str(run.count(Status.SKIPPED)),
                        time=_seconds(sum(r.seconds for r in run.rules)))
    for report in run.rules:
        suites.append(_suite(report, root))
    ET.indent(suites)
    return ET.ElementTree(suites)


def write_junit(run: TestRun, path: Path, root: Path | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    junit_tree(run, root).write(path, encoding="utf-8", xml_declaration=True)


def _suite(report: RuleReport, root: Path | None) -> ET.Element:
    suite = ET.Element("testsuite", name=report.name, tests=str(len(report.cases)),
                       failures=str(report.count(Status.FAILED)),
                       errors=str(report.count(Status.ERROR)),
                       skipped=str(report.count(Status.SKIPPED)),
                       time=_seconds(report.seconds), file=_rel(report.rule_file, root))
    classname = report.rule_file.stem
    for case in report.cases:
        element = ET.SubElement(suite, "testcase", name=case.name, classname=classname,
                                file=_rel(case.file, root), time=_seconds(case.seconds))
        tag = _ELEMENT.get(case.status)
        if tag is not None:
            child = ET.SubElement(element, tag, message=case.message)
            if tag != "skipped":
                child.set("type", "ExpectationFailed" if tag == "failure" else "CaseError")
                child.text = "\n".join([case.message, *case.diff])
    return suite


def _rel(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return str(path.resolve().relative_to(root.resolve()))
        except ValueError:
            pass
    return str(path)


def _seconds(value: float) -> str:
    return f"{value:.3f}"
