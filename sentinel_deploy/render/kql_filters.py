"""The only doors from a Jinja variable into KQL text.

Inside a rule's `query`, Jinja autoescaping is on and its output type is
`markupsafe.Markup`: template text and these filters' results are Markup, and
`finalize` refuses a plain string. So a value can reach the query only as a
number, a duration, or through a filter that escapes it — a host name holding
`"`, `\\` or a newline stays one string literal and cannot change the query.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from jinja2 import Undefined
from markupsafe import Markup

from sentinel_deploy.objects.durations import to_kql

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class KqlValueError(ValueError):
    pass


def _string_literal(value: str) -> str:
    if _CONTROL.search(value):
        raise KqlValueError(
            f"{value!r} holds a control character that has no KQL escape; remove it")
    return '"' + "".join(_ESCAPES.get(ch, ch) for ch in value) + '"'


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, str):
        return _string_literal(value)
    if isinstance(value, timedelta):
        return to_kql(value)
    if isinstance(value, datetime):
        return f"datetime({value.isoformat()})"
    raise KqlValueError(f"{value!r} ({type(value).__name__}) has no KQL literal form")


def _dynamic_item(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, Mapping):
        return "{" + ", ".join(
            f"{_string_literal(str(k))}: {_dynamic_item(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_dynamic_item(v) for v in value) + "]"
    if isinstance(value, bool | int | float | str):
        return _literal(value)
    raise KqlValueError(f"{value!r} cannot be placed inside dynamic()")


def _defined(value: Any) -> Any:
    """The value, or Jinja's own "'x' is undefined" error naming the variable.

    Filters receive an Undefined object for a misspelt variable; without this
    the user would read "kql_string wants one value, got Undefined".
    """
    if isinstance(value, Undefined):
        value._fail_with_undefined_error()
    return value


def _one_value(value: Any, filter_name: str) -> str:
    """The text of a single value; a list or mapping is refused, never stringified.

    `str(["a", "b"])` would make one literal `"['a', 'b']"`, so `x in (...)`
    would match nothing and an exclusion list would exclude no one: silently.
    """
    value = _defined(value)
    if value is None or isinstance(value, Mapping) or (
            isinstance(value, Iterable) and not isinstance(value, str)):
        raise KqlValueError(
            f"{filter_name} wants one value, got {value!r}; for a list write "
            "`| kql_list` inside `in (...)`, or `| kql_dynamic` for dynamic([...])")
    return str(value)


def kql_string(value: Any) -> Markup:
    """`"text"` with KQL escapes, from one value."""
    return Markup(_string_literal(_one_value(value, "kql_string")))


def kql_dynamic(value: Any) -> Markup:
    """`dynamic([...])` (or `dynamic({...})`) from a list, tuple, set or mapping."""
    value = _defined(value)
    if isinstance(value, str) or not isinstance(value, Iterable | Mapping):
        raise KqlValueError(f"kql_dynamic wants a list or mapping, got {value!r}")
    if isinstance(value, set | frozenset):
        value = sorted(value, key=str)
    return Markup(f"dynamic({_dynamic_item(value if isinstance(value, Mapping) else list(value))})")


def kql_list(value: Any) -> Markup:
    """`"a", "b"`: the inside of `in (...)` or `has_any (...)`."""
    value = _defined(value)
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise KqlValueError(f"kql_list wants a list, got {value!r}")
    items = [_literal(v) for v in value]
    if not items:
        raise KqlValueError("kql_list got an empty list; `in ()` is not valid KQL")
    return Markup(", ".join(items))


def kql_column(value: Any) -> Markup:
    """A column name: bare when it is a plain identifier, else `['quoted']`."""
    name = _one_value(value, "kql_column")
    if _IDENT.match(name):
        return Markup(name)
    if _CONTROL.search(name) or "\n" in name:
        raise KqlValueError(f"{name!r} cannot be a column name")
    return Markup("['" + name.replace("\\", "\\\\").replace("'", "\\'") + "']")


def kql_timespan(value: Any) -> Markup:
    from sentinel_deploy.objects.durations import parse_duration

    return Markup(to_kql(parse_duration(_defined(value))))


def kql_finalize(value: Any) -> Markup:
    """What `{{ expr }}` may print into KQL without a filter."""
    if isinstance(value, Markup):
        return value
    value = _defined(value)
    if isinstance(value, bool | int | float | timedelta):
        return Markup(_literal(value))
    raise KqlValueError(
        f"the value {value!r} would be pasted into the query unescaped; write "
        "`| kql_string` for one value, `| kql_dynamic` or `| kql_list` for a list"
    )


FILTERS = {
    "kql_string": kql_string,
    "kql_dynamic": kql_dynamic,
    "kql_list": kql_list,
    "kql_column": kql_column,
    "kql_timespan": kql_timespan,
}
