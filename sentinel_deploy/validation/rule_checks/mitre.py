"""MITRE ATT&CK: tactics by name, techniques by id, and that the two agree."""

from __future__ import annotations

from collections.abc import Iterator

from sentinel_deploy.objects.diagnostics import Severity
from sentinel_deploy.validation.rule_checks import limits as L
from sentinel_deploy.validation.rule_checks.base import Finding, Subject, check
from sentinel_deploy.validation.rule_checks.reference import technique_tactics


def _squash(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


# The service (and the Azure-Sentinel validator, through Newtonsoft's enum reader)
# accepts a tactic in any letter case; anything else is rejected.
_BY_CASEFOLD = {t.casefold(): t for t in L.TACTICS}


def canonical_tactic(value: object) -> str | None:
    return _BY_CASEFOLD.get(value.casefold()) if isinstance(value, str) else None


@check("SD120", "Each tactic is one of the 16 ATT&CK tactic names the API knows.")
def tactic_names(subject: Subject) -> Iterator[Finding]:
    for value, path in subject.items("tactics"):
        if canonical_tactic(value) is not None:
            continue
        # "Initial Access": close to a name, but the API wants it without blanks.
        close = [t for t in L.TACTICS if isinstance(value, str) and _squash(t) == _squash(value)]
        hint = f"write {close[0]!r}" if close else f"use one of: {', '.join(L.TACTICS)}"
        yield Finding(path, f"tactic {value!r} is not an ATT&CK tactic", hint=hint)


@check("SD124", "Each tactic is written in its exact case (the API accepts any case but "
                "answers with the canonical one).", Severity.WARNING)
def tactic_case(subject: Subject) -> Iterator[Finding]:
    for value, path in subject.items("tactics"):
        canonical = canonical_tactic(value)
        if canonical is not None and canonical != value:
            yield Finding(path, f"tactic {value!r} is accepted but comes back as {canonical!r}, "
                                "so every plan would show it as changed",
                          hint=f"write {canonical!r}")


@check("SD121", "Each technique is written T1234 or T1234.567.")
def technique_format(subject: Subject) -> Iterator[Finding]:
    for value, path in subject.items("relevantTechniques"):
        if not (isinstance(value, str) and L.TECHNIQUE.match(value)):
            yield Finding(path, f"technique {value!r} is not an ATT&CK id",
                          hint="write it like T1078 or T1078.004")


@check("SD122", "Each technique belongs to at least one of the rule's tactics.")
def technique_matches_tactic(subject: Subject) -> Iterator[Finding]:
    tactics = {c for t, _ in subject.items("tactics") if (c := canonical_tactic(t))}
    table = technique_tactics()
    for value, path in subject.items("relevantTechniques"):
        if not (isinstance(value, str) and L.TECHNIQUE.match(value)):
            continue  # SD121
        # The validator judges a sub-technique by its parent.
        owners = table.get(value.split(".")[0])
        if owners and not owners & tactics:
            yield Finding(path, f"technique {value} belongs to none of the rule's tactics "
                                f"({', '.join(sorted(tactics)) or 'none listed'})",
                          hint=f"add one of its tactics: {', '.join(sorted(owners))}")


@check("SD123", "Each technique is in the ATT&CK table the validator knows (ATT&CK ~v13).",
       Severity.WARNING)
def technique_known(subject: Subject) -> Iterator[Finding]:
    table = technique_tactics()
    for value, path in subject.items("relevantTechniques"):
        if isinstance(value, str) and L.TECHNIQUE.match(value) \
                and value.split(".")[0] not in table:
            yield Finding(path, f"technique {value} is not in the known ATT&CK table",
                          hint="check the id at attack.mitre.org; the table may predate it")
