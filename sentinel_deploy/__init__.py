"""sentinel-deploy: Microsoft Sentinel scheduled analytics rules from git to a workspace, safely."""

__version__ = "0.1.0"
