"""Rule files in, rendered `Rule` objects out, with every problem located in the file.

Loading never stops at the first bad file: each file yields a `RuleDocument`
that carries either a rule or the diagnostics explaining why there is none.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sentinel_deploy.input.model_errors import field_message, field_path
from sentinel_deploy.input.yaml_source import (
    SourceMap,
    decode_source,
    load_yaml_with_positions,
)
from sentinel_deploy.objects.diagnostics import Diagnostic, UserError
from sentinel_deploy.objects.durations import DurationError, parse_duration
from sentinel_deploy.objects.rule import Rule
from sentinel_deploy.render.jinja_env import TemplateFailure, render_text

RULE_SUFFIXES = (".yaml", ".yml")
# Test cases live beside a rule in `<rule>.tests/`; they are not rules.
TEST_DIR_SUFFIX = ".tests"
# Sentinel's own `{{column}}` placeholders live here; Jinja must leave them alone.
_NOT_TEMPLATED = ("alertDetailsOverride",)
_SCHEDULE_FIELDS = {
    "query_frequency": "queryFrequency",
    "query_period": "queryPeriod",
    "suppression_duration": "suppressionDuration",
}


@dataclass(slots=True)
class RuleDocument:
    file: Path
    text: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    source_map: SourceMap = field(default_factory=SourceMap)
    rule: Rule | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.rule is not None and not any(d.is_error for d in self.diagnostics)

    def line_of(self, path: str) -> int | None:
        return self.source_map.line_of(path)

    def diagnostic(self, code: str, message: str, path: str | None, **kw: Any) -> Diagnostic:
        return Diagnostic(code=code, message=message, file=self.file,
                          line=self.line_of(path) if path else None, field=path, **kw)


def require_rule_file(path: Path) -> None:
    """For commands that act on one rule (`query`, `backtest`)."""
    if path.is_dir():
        raise UserError(f"{path} is a folder; these commands take one rule file",
                        hint="name the rule's .yaml file inside it")
    if not path.is_file():
        raise UserError(f"no such rule file: {path}", hint="pass the path of a rule YAML")


def discover_rule_files(paths: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            inside = [p for p in sorted(path.rglob("*"))
                      if p.suffix.lower() in RULE_SUFFIXES and p.is_file()
                      and not any(part.endswith(TEST_DIR_SUFFIX) for part in p.parts)]
            if not inside:
                # A mistyped but existing folder must not make CI green with "0 rules".
                suffixes = ", ".join(f"*{s}" for s in sorted(RULE_SUFFIXES))
                raise UserError(f"no rule files ({suffixes}) in {path}",
                                hint="pass the folder that holds your rules, or set `rules` "
                                     "in sentinel-deploy.toml")
            found.extend(inside)
        else:
            raise UserError(f"no such file or folder: {path}",
                            hint="pass rule files or folders that exist")
    return found


def load_rules(paths: Iterable[Path], variables: Mapping[str, Any] | None = None,
               templates_dir: Path | None = None) -> list[RuleDocument]:
    return [load_rule_file(f, variables, templates_dir) for f in discover_rule_files(paths)]


def load_rule_file(file: Path, variables: Mapping[str, Any] | None = None,
                   templates_dir: Path | None = None, *,
                   schedule: Mapping[str, Any] | None = None) -> RuleDocument:
    """Read, render and model one rule file; problems become the document's diagnostics.

    `schedule` overrides the rule's own schedule variables seen by its query
    (`query_period`, ...): `query --window 7d` renders `ago({{ query_period }})`
    as `ago(7d)`, so the query looks as far back as the user asked.
    """
    doc = RuleDocument(file=file)
    try:
        doc.text = decode_source(file.read_bytes(), file)
        data, doc.source_map = load_yaml_with_positions(doc.text, file)
    except UserError as exc:
        doc.diagnostics.append(Diagnostic("SD001", exc.message, file=file, line=exc.line,
                                          hint=exc.hint))
        return doc
    except OSError as exc:
        doc.diagnostics.append(Diagnostic("SD001", f"cannot read the file: {exc.strerror}",
                                          file=file))
        return doc
    if not isinstance(data, dict):
        doc.diagnostics.append(Diagnostic(
            "SD002", "a rule file must be a YAML mapping (id: ..., name: ..., query: ...)",
            file=file, line=1))
        return doc
    doc.data = _render_fields(doc, data, dict(variables or {}), templates_dir,
                              dict(schedule or {}))
    if any(d.is_error for d in doc.diagnostics):
        return doc
    try:
        doc.rule = Rule.model_validate(doc.data)
    except ValidationError as exc:
        for err in exc.errors():
            path = field_path(err["loc"])
            hint = (f"add `{path}:` (see the Azure-Sentinel rule format)"
                    if err["type"] == "missing"
                    else "see the Azure-Sentinel rule format; fix the field's value")
            doc.diagnostics.append(doc.diagnostic("SD003", field_message(err), path, hint=hint))
    return doc


def _render_fields(doc: RuleDocument, data: dict[str, Any], variables: dict[str, Any],
                   templates_dir: Path | None,
                   schedule: dict[str, Any] | None = None) -> dict[str, Any]:
    context: dict[str, Any] = {**variables, "vars": variables}
    rendered: dict[str, Any] = {}
    for key, value in data.items():
        if key == "query" or key in _NOT_TEMPLATED:
            rendered[key] = value
        else:
            rendered[key] = _render_value(doc, key, value, context, templates_dir)
    # The query may use the rule's own (rendered) schedule: `ago({{ query_period }})`.
    for name, key in _SCHEDULE_FIELDS.items():
        try:
            context[name] = parse_duration(rendered[key]) if rendered.get(key) else None
        except DurationError:
            context[name] = None  # reported by the model with its line
    context["trigger_threshold"] = rendered.get("triggerThreshold")
    context.update({k: v for k, v in (schedule or {}).items() if k in _SCHEDULE_FIELDS})
    if isinstance(data.get("query"), str):
        rendered["query"] = _render_string(doc, "query", data["query"], context,
                                           templates_dir, kql=True)
    return rendered


def _render_value(doc: RuleDocument, path: str, value: Any, context: dict[str, Any],
                  templates_dir: Path | None) -> Any:
    if isinstance(value, str):
        return _render_string(doc, path, value, context, templates_dir, kql=False)
    if isinstance(value, list):
        return [_render_value(doc, f"{path}[{i}]", v, context, templates_dir)
                for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {k: _render_value(doc, f"{path}.{k}", v, context, templates_dir)
                for k, v in value.items()}
    return value


def _render_string(doc: RuleDocument, path: str, text: str, context: dict[str, Any],
                   templates_dir: Path | None, *, kql: bool) -> str:
    try:
        return render_text(text, context, kql=kql, templates_dir=templates_dir)
    except TemplateFailure as exc:
        from sentinel_deploy.input.yaml_source import map_into_file

        line = doc.line_of(path)
        if exc.line is not None:
            mapped = map_into_file(doc.source_map, path, exc.line, 1)
            line = mapped[0] if mapped else line
        hint = _undefined_hint(exc.variable, context) if exc.variable else \
            "fix the Jinja expression"
        doc.diagnostics.append(Diagnostic("SD010", exc.message, file=doc.file, line=line,
                                          field=path, hint=hint))
        return text


def _undefined_hint(variable: str, context: dict[str, Any]) -> str:
    env = context.get("env")
    table = f"[environments.{env}.vars]" if isinstance(env, str) else "[environments.<name>.vars]"
    close = difflib.get_close_matches(variable, [k for k in context if k != "env"], n=1)
    guess = f"did you mean `{close[0]}`? Otherwise " if close else ""
    return f"{guess}define it under {table} in sentinel-deploy.toml"


def iter_rules(docs: Iterable[RuleDocument]) -> Iterator[tuple[RuleDocument, Rule]]:
    for doc in docs:
        if doc.rule is not None:
            yield doc, doc.rule
