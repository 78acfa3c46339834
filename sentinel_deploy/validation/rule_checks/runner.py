"""Run the registered checks over rule files (with lines) or over one API body (as text)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from sentinel_deploy.input.rule_loader import RuleDocument
from sentinel_deploy.objects.diagnostics import Diagnostic, Severity
from sentinel_deploy.validation.rule_checks.base import (
    CHECKS,
    BodySubject,
    Check,
    Finding,
    RuleSubject,
    Subject,
)

DUPLICATE_ID = "SD102"
INTERNAL_ERROR = "SD199"
_EXTRA_CATALOG = {
    DUPLICATE_ID: (Severity.ERROR, "Each rule id is used by one file only."),
    INTERNAL_ERROR: (Severity.ERROR, "A check failed unexpectedly (a sentinel-deploy bug)."),
}


def check_catalog() -> dict[str, tuple[Severity, str]]:
    """Every code the rule checks can report: code → (default severity, what it requires)."""
    catalog = {c.code: (c.severity, c.title) for c in CHECKS}
    catalog.update(_EXTRA_CATALOG)
    return dict(sorted(catalog.items()))


def check_rules(docs: Iterable[RuleDocument]) -> list[Diagnostic]:
    """Every problem in every loaded rule, plus ids shared between files.

    Documents that failed to load already carry their diagnostics and are skipped
    here; the caller reports `doc.diagnostics` alongside these.
    """
    docs = list(docs)
    out: list[Diagnostic] = []
    for doc in docs:
        if doc.rule is not None:
            out.extend(check_document(doc))
    out.extend(_duplicate_ids(docs))
    return out


def check_document(doc: RuleDocument) -> list[Diagnostic]:
    assert doc.rule is not None
    subject = RuleSubject(doc.rule)
    return [_to_diagnostic(doc, chk, finding) for chk, finding in _run(subject)]


def validate_body(body: dict[str, Any]) -> list[str]:
    """The API's 400 messages for an alertRules PUT body, by the same limits as the files.

    Only errors: a warning (an unknown technique, say) is ours, not the service's.
    """
    return [f"{chk.code} {finding.path}: {finding.message}" if finding.path
            else f"{chk.code}: {finding.message}"
            for chk, finding in _run(BodySubject(body)) if chk.severity is Severity.ERROR]


def _run(subject: Subject) -> Iterator[tuple[Check, Finding]]:
    for chk in CHECKS:
        try:
            findings = list(chk.run(subject))
        except Exception as exc:  # one broken check must not hide the others' findings
            internal = Check(INTERNAL_ERROR, Severity.ERROR, "", chk.fn)
            yield internal, Finding(None, f"check {chk.code} failed: {exc!r}",
                                    hint="please report this as a sentinel-deploy bug")
            continue
        for finding in findings:
            yield chk, finding


def _position(doc: RuleDocument, path: str | None) -> tuple[int, int | None]:
    # Nearest located ancestor: a missing field is reported where its parent is.
    while path:
        pos = doc.source_map.positions.get(path)
        if pos is not None:
            return pos.line, pos.column
        path = path[: path.rfind("[")] if path.endswith("]") else path.rpartition(".")[0]
    return 1, None


def _to_diagnostic(doc: RuleDocument, chk: Check, finding: Finding) -> Diagnostic:
    line, column = _position(doc, finding.path)
    return Diagnostic(code=chk.code, message=finding.message, file=doc.file, line=line,
                      column=column, field=finding.path, severity=chk.severity,
                      hint=finding.hint)


def _duplicate_ids(docs: list[RuleDocument]) -> Iterator[Diagnostic]:
    by_id: dict[str, list[RuleDocument]] = defaultdict(list)
    for doc in docs:
        if doc.rule is not None and doc.rule.id:
            # GUIDs compare without regard to case; so does the API's resource name.
            by_id[doc.rule.id.lower()].append(doc)
    for group in by_id.values():
        if len(group) < 2:
            continue
        for doc in group:
            others = ", ".join(str(o.file) for o in group if o is not doc)
            line, column = _position(doc, "id")
            yield Diagnostic(code=DUPLICATE_ID, message=f"id {doc.rule.id} is also used by "
                                                        f"{others}",
                             file=doc.file, line=line, column=column, field="id",
                             extra={"other_files": others},
                             hint="give each rule its own GUID; deploying both would make one "
                                  "overwrite the other")
