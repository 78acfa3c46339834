"""A local stand-in for the two Azure APIs a deploy talks to: Sentinel alertRules (ARM)
and the Log Analytics query API, so the real SDK clients can run against it."""

from sentinel_deploy.emulator.alert_rules import RuleValidator
from sentinel_deploy.emulator.log_analytics import QueryRunner
from sentinel_deploy.emulator.server import Emulator, RecordedRequest, serve

__all__ = ["Emulator", "QueryRunner", "RecordedRequest", "RuleValidator", "serve"]
