"""Which rules to test and which of their cases: PATHS may name rule files, folders,
a rule's `.tests` folder or single case files (to run one case while writing it)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sentinel_deploy.input.rule_loader import RULE_SUFFIXES, TEST_DIR_SUFFIX, discover_rule_files
from sentinel_deploy.objects.diagnostics import UserError
from sentinel_deploy.testing.cases import case_files


def cases_dir(rule_file: Path) -> Path:
    return rule_file.with_suffix(TEST_DIR_SUFFIX)


def discover_tests(paths: Iterable[Path]) -> list[tuple[Path, list[Path]]]:
    """(rule file, its case files) in a stable order; a rule may have no cases."""
    found: dict[Path, list[Path]] = {}
    plain: list[Path] = []
    for path in paths:
        if path.is_dir() and path.name.endswith(TEST_DIR_SUFFIX):
            found.setdefault(_rule_for(path), []).extend(case_files(path))
        elif path.is_file() and path.parent.name.endswith(TEST_DIR_SUFFIX):
            found.setdefault(_rule_for(path.parent), []).append(path)
        else:
            plain.append(path)
    for rule_file in discover_rule_files(plain):
        found.setdefault(rule_file, []).extend(case_files(cases_dir(rule_file)))
    return [(rule, sorted(set(files))) for rule, files in found.items()]


def _rule_for(tests_dir: Path) -> Path:
    stem = tests_dir.name[: -len(TEST_DIR_SUFFIX)]
    for suffix in RULE_SUFFIXES:
        candidate = tests_dir.with_name(stem + suffix)
        if candidate.is_file():
            return candidate
    raise UserError(f"{tests_dir} has no rule beside it",
                    hint=f"a `<rule>{TEST_DIR_SUFFIX}` folder sits next to `<rule>.yaml`")
