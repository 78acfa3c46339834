"""Fetching and verifying the pinned npm package, without the network."""

from __future__ import annotations

import hashlib
import io
import tarfile
from pathlib import Path

import pytest

from sentinel_deploy.validation.kql import KustoJs, Unavailable, ensure_kusto_js, kusto_package
from sentinel_deploy.validation.kql.kusto_package import (
    BRIDGE_JS,
    INTEGRITY,
    LANGUAGE_JS,
    install_from_tarball,
    integrity_of,
    verify_integrity,
)


def make_tarball(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


@pytest.fixture()
def fake_files(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    files = {BRIDGE_JS: b"var Bridge = {};", LANGUAGE_JS: b"var Kusto = {};"}
    monkeypatch.setattr(kusto_package, "FILE_SHA256",
                        {k: hashlib.sha256(v).hexdigest() for k, v in files.items()})
    return files


def test_verify_integrity_rejects_other_bytes() -> None:
    assert integrity_of(b"") == ("sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+"
                                 "DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==")
    assert not verify_integrity(b"tampered")


def test_tampered_tarball_is_refused(tmp_path: Path, fake_files: dict[str, bytes]) -> None:
    tarball = make_tarball(tmp_path / "pkg.tgz",
                           {f"package/{k}": v for k, v in fake_files.items()})
    result = install_from_tarball(tarball, tmp_path / "cache")
    assert isinstance(result, Unavailable) and "integrity mismatch" in result.reason
    assert not (tmp_path / "cache").exists()


def test_good_tarball_installs_atomically(tmp_path: Path, fake_files: dict[str, bytes]) -> None:
    tarball = make_tarball(tmp_path / "pkg.tgz",
                           {f"package/{k}": v for k, v in fake_files.items()}
                           | {"package/README.md": b"x"})
    target = tmp_path / "cache" / "kusto"
    result = install_from_tarball(tarball, target, integrity_of(tarball.read_bytes()))
    assert isinstance(result, KustoJs) and result.directory == target
    assert sorted(p.name for p in target.iterdir()) == sorted(fake_files)
    assert [p.name for p in target.parent.iterdir()] == ["kusto"]  # no staging left behind


def test_path_traversal_is_refused(tmp_path: Path, fake_files: dict[str, bytes]) -> None:
    members = {f"package/{k}": v for k, v in fake_files.items()} | {"../evil.js": b"x"}
    tarball = make_tarball(tmp_path / "pkg.tgz", members)
    result = install_from_tarball(tarball, tmp_path / "cache", integrity_of(tarball.read_bytes()))
    assert isinstance(result, Unavailable) and "unsafe path" in result.reason
    assert not (tmp_path / "evil.js").exists()


def test_modified_cached_file_is_rejected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          fake_files: dict[str, bytes]) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("SENTINEL_DEPLOY_KUSTO_JS", raising=False)
    cache = kusto_package.cache_dir()
    cache.mkdir(parents=True)
    (cache / BRIDGE_JS).write_bytes(fake_files[BRIDGE_JS])
    (cache / LANGUAGE_JS).write_bytes(b"changed")
    result = ensure_kusto_js(fetch=False)
    assert isinstance(result, Unavailable) and "is not the file" in result.reason


def test_no_npm_is_a_reason_not_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("SENTINEL_DEPLOY_KUSTO_JS", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    result = ensure_kusto_js(fetch=True)
    assert isinstance(result, Unavailable) and "npm is not on PATH" in result.reason


def test_pinned_integrity_matches_real_files(kusto_js: KustoJs) -> None:
    # The session fixture fetched (or found) the real package; its files pass the pins.
    assert INTEGRITY.startswith("sha512-")
    assert kusto_package._check_dir(kusto_js.directory, "cache", "x") == KustoJs(
        kusto_js.directory, "cache")
