"""The checks `sentinel-deploy validate` runs on rules (all but KQL semantics).

Importing the topic modules registers their checks, in this order.
"""

from sentinel_deploy.validation.rule_checks import (  # noqa: F401  (registration)
    deploy_settings,
    details,
    entities,
    identity,
    mitre,
    schedule,
)
from sentinel_deploy.validation.rule_checks.base import CHECKS, Check, Finding
from sentinel_deploy.validation.rule_checks.runner import (
    check_catalog,
    check_document,
    check_rules,
    validate_body,
)

__all__ = [
    "CHECKS",
    "Check",
    "Finding",
    "check_catalog",
    "check_document",
    "check_rules",
    "validate_body",
]
