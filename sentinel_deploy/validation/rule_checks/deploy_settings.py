"""`sentinelDeploy:`, this tool's own settings.

Bounds no row count can meet are caught here, at their line, rather than as a
deploy check that can never pass.
"""

from __future__ import annotations

from collections.abc import Iterator

from sentinel_deploy.validation.rule_checks.base import Finding, Subject, check


@check("SD160", "sentinelDeploy: minResults and maxResults are 0 or more, and minResults is "
                "at most maxResults.")
def result_bounds(subject: Subject) -> Iterator[Finding]:
    # An API body has no sentinelDeploy (it is never sent): both fields are absent there.
    low = subject.get("sentinelDeploy.minResults")
    high = subject.get("sentinelDeploy.maxResults")
    for field in (low, high):
        if field.present and isinstance(field.value, int) and field.value < 0:
            yield Finding(field.path, f"{field.path} is {field.value}: a row count cannot be "
                                      "negative", hint="use 0 or more")
    if (low.present and high.present and isinstance(low.value, int)
            and isinstance(high.value, int) and 0 <= high.value < low.value):
        # Every deploy check would fail: no row count is both >= min and <= max.
        yield Finding(low.path, f"minResults {low.value} is greater than maxResults "
                                f"{high.value}: no result can pass the deploy check",
                      hint=f"make minResults at most {high.value}, or raise maxResults")
