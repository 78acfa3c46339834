"""Sandboxed Jinja environments for rule fields, and errors mapped to template lines."""

from __future__ import annotations

import re
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from sentinel_deploy.render.kql_filters import FILTERS, KqlValueError, kql_finalize

_TEMPLATE_NAME = "<rule-field>"
_UNDEFINED = re.compile(r"'([^']+)' is undefined")
JINJA_MARKERS = ("{{", "{%", "{#")


class TemplateFailure(Exception):
    def __init__(self, message: str, line: int | None, variable: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line  # 1-based line inside the field's text
        self.variable = variable


@lru_cache(maxsize=16)
def environment(templates_dir: Path | None, kql: bool) -> SandboxedEnvironment:
    """KQL mode autoescapes through `kql_finalize`; text mode (name, description) does not."""
    loader = jinja2.FileSystemLoader(str(templates_dir)) if templates_dir else None
    env = SandboxedEnvironment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        autoescape=kql,
        finalize=kql_finalize if kql else None,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    return env


def render_text(text: str, variables: dict[str, Any], *, kql: bool,
                templates_dir: Path | None) -> str:
    if not any(marker in text for marker in JINJA_MARKERS):
        return text
    env = environment(templates_dir, kql)
    try:
        template = env.from_string(text)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateFailure(f"template syntax error: {exc.message}", exc.lineno) from None
    try:
        return str(template.render(**variables))
    except jinja2.UndefinedError as exc:
        match = _UNDEFINED.search(str(exc))
        raise TemplateFailure(
            f"undefined variable: {exc.message}", _failing_line(), match.group(1) if match else None
        ) from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateFailure(f"template not found: {exc.name}", _failing_line()) from None
    except jinja2.TemplateSyntaxError as exc:  # in an included template
        raise TemplateFailure(f"template syntax error in {exc.name}: {exc.message}",
                              None) from None
    except jinja2.exceptions.SecurityError as exc:
        raise TemplateFailure(f"refused by the sandbox: {exc}", _failing_line()) from None
    except (KqlValueError, TypeError, ValueError) as exc:
        raise TemplateFailure(str(exc), _failing_line()) from None


def _failing_line() -> int | None:
    """The rule-field template line Jinja was executing when it failed.

    Jinja rewrites tracebacks so template frames carry template line numbers;
    the last frame from our field template is where the error happened.
    """
    tb = sys.exc_info()[2]
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
