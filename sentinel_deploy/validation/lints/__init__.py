"""Rule-aware KQL lints: what the query must offer the rule, and what Sentinel refuses.

Importing the topic modules registers their lints, in this order.
"""

from sentinel_deploy.validation.lints import (  # noqa: F401  (registration)
    columns,
    operators,
    timewindow,
)
from sentinel_deploy.validation.lints.base import LINTS, Lint, LintContext, LintFinding
from sentinel_deploy.validation.lints.runner import lint_catalog, run_lints

__all__ = ["LINTS", "Lint", "LintContext", "LintFinding", "lint_catalog", "run_lints"]
