from __future__ import annotations

import subprocess
import sys

import pytest

from sentinel_deploy.workspace import StaticTokenCredential, WorkspaceError, is_loopback_url
from sentinel_deploy.workspace.credentials import default_credential, transport_options


def test_loopback_detection() -> None:
    assert is_loopback_url("http://127.0.0.1:8080")
    assert is_loopback_url("http://localhost:1")
    assert is_loopback_url("http://[::1]:9")
    assert not is_loopback_url("https://management.azure.com")
    assert not is_loopback_url(None)


def test_https_checks_stay_on_and_remote_http_is_refused() -> None:
    assert transport_options(None) == {}
    assert transport_options("https://api.loganalytics.io") == {}
    assert transport_options("http://127.0.0.1:1234") == {"enforce_https": False}
    with pytest.raises(WorkspaceError):
        transport_options("http://10.1.2.3:80")


def test_emulator_gets_a_static_token() -> None:
    credential = default_credential("http://127.0.0.1:1")
    assert isinstance(credential, StaticTokenCredential)
    assert credential.get_token("https://management.azure.com/.default").token


def test_importing_the_workspace_package_does_not_load_azure_identity() -> None:
    code = ("import sys, sentinel_deploy.workspace as w; "
            "print('azure.identity' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False"
