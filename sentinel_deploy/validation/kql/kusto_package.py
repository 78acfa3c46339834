"""Find, or fetch and verify, Microsoft's Kusto.Language compiled to JavaScript.

The package is not vendored: it is 3.5 MB and has its own release cadence, so
it is pinned here by version and by the integrity npm publishes, then cached
per user. Every failure becomes an `Unavailable(reason)` the caller can show;
nothing here raises to the user.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

PACKAGE = "@kusto/language-service-next"
VERSION = "12.4.1"
INTEGRITY = ("sha512-8Ybwi1DVxnFZ8+mnw38ruXjSGIxA2jwx1HeqjStvMa5kSHzHPtEYm5n7et1fwgn5KDUZJzsSNjuRr"
             "oiI+j8brA==")
ENV_VAR = "SENTINEL_DEPLOY_KUSTO_JS"

BRIDGE_JS = "bridge.min.js"
LANGUAGE_JS = "Kusto.Language.Bridge.min.js"
# sha256 of the two files inside the tarball above: lets us re-verify a cache or
# an air-gapped copy, where the tarball itself is no longer around.
FILE_SHA256 = {
    BRIDGE_JS: "5edc505e5634daf2922197797740180d587d15b5f0f505c95ad7b5dd6b5daae8",
    LANGUAGE_JS: "3a96a4ac1bff095ba49d6606e7d591f5d00519b529c51a6850032f62b0960a86",
}
_MAX_MEMBER_BYTES = 64 * 1024 * 1024
NPM_TIMEOUT_S = 180

Source = Literal["explicit", "env", "cache", "fetched"]


@dataclass(frozen=True, slots=True)
class KustoJs:
    directory: Path
    source: Source

    @property
    def bridge(self) -> Path:
        return self.directory / BRIDGE_JS

    @property
    def language(self) -> Path:
        return self.directory / LANGUAGE_JS


@dataclass(frozen=True, slots=True)
class Unavailable:
    reason: str

    def __bool__(self) -> bool:  # so `if not ensure_kusto_js(...)` reads naturally
        return False


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sentinel-deploy" / f"kusto-language-service-next-{VERSION}"


def ensure_kusto_js(explicit: Path | None = None, fetch: bool = True) -> KustoJs | Unavailable:
    """Locate the two JavaScript files, fetching them with npm if allowed.

    An explicit path (argument, then $SENTINEL_DEPLOY_KUSTO_JS) is authoritative:
    if it is wrong we say so rather than silently going to the network, since
    whoever set it wanted an offline, controlled copy.
    """
    if explicit is not None:
        return _check_dir(Path(explicit), "explicit", "the --kusto-js directory")
    env = os.environ.get(ENV_VAR)
    if env:
        return _check_dir(Path(env), "env", f"${ENV_VAR}")
    cached = cache_dir()
    if cached.is_dir():
        found = _check_dir(cached, "cache", "the cache")
        if isinstance(found, KustoJs):
            return found
        # A damaged cache is replaced below when fetching is allowed.
        if not fetch:
            return found
    if not fetch:
        return Unavailable(f"{PACKAGE} {VERSION} is not in the cache ({cached}) and fetching "
                           f"is disabled; set {ENV_VAR} to a directory holding {BRIDGE_JS} "
                           f"and {LANGUAGE_JS}")
    return fetch_with_npm(cached)


def _check_dir(directory: Path, source: Source, what: str) -> KustoJs | Unavailable:
    for name, expected in FILE_SHA256.items():
        path = directory / name
        if not path.is_file():
            return Unavailable(f"{what} ({directory}) has no {name}; it must hold {BRIDGE_JS} "
                               f"and {LANGUAGE_JS} from {PACKAGE} {VERSION}")
        try:
            actual = _sha256_file(path)
        except OSError as exc:
            return Unavailable(f"cannot read {path}: {exc.strerror or exc}")
        if actual != expected:
            return Unavailable(f"{path} is not the file from {PACKAGE} {VERSION} "
                               f"(sha256 {actual[:16]}…, expected {expected[:16]}…)")
    return KustoJs(directory, source)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def integrity_of(data: bytes) -> str:
    """The Subresource-Integrity string npm records for a tarball."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def verify_integrity(data: bytes, expected: str = INTEGRITY) -> bool:
    return hmac.compare_digest(integrity_of(data), expected)


def fetch_with_npm(target: Path) -> KustoJs | Unavailable:
    """`npm pack` the pinned version (npm's own registry settings), verify, install."""
    npm = shutil.which("npm")
    if npm is None:
        return Unavailable(f"{PACKAGE} {VERSION} is not cached and npm is not on PATH to fetch "
                           f"it; install npm or set {ENV_VAR}")
    with tempfile.TemporaryDirectory(prefix="sentinel-deploy-npm-") as tmp:
        env = {**os.environ, "NPM_CONFIG_UPDATE_NOTIFIER": "false", "NPM_CONFIG_FUND": "false",
               "NPM_CONFIG_AUDIT": "false"}
        try:
            done = subprocess.run(
                [npm, "pack", f"{PACKAGE}@{VERSION}", "--ignore-scripts", "--silent",
                 "--pack-destination", tmp],
                cwd=tmp, env=env, capture_output=True, text=True, timeout=NPM_TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return Unavailable(f"npm pack {PACKAGE}@{VERSION} took longer than "
                               f"{NPM_TIMEOUT_S} s (offline?)")
        except OSError as exc:
            return Unavailable(f"could not run npm: {exc.strerror or exc}")
        tarballs = sorted(Path(tmp).glob("*.tgz"))
        if done.returncode != 0 or not tarballs:
            detail = _last_line(done.stderr) or _last_line(done.stdout) or "no tarball produced"
            return Unavailable(f"npm pack {PACKAGE}@{VERSION} failed (offline?): {detail}")
        return install_from_tarball(tarballs[0], target)


def _last_line(text: str | None) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def install_from_tarball(tarball: Path, target: Path,
                         integrity: str = INTEGRITY) -> KustoJs | Unavailable:
    """Verify `tarball` against the pinned integrity, then install its two files atomically."""
    try:
        data = tarball.read_bytes()
    except OSError as exc:
        return Unavailable(f"cannot read {tarball}: {exc.strerror or exc}")
    if not verify_integrity(data, integrity):
        return Unavailable(f"integrity mismatch for {PACKAGE} {VERSION}: got "
                           f"{integrity_of(data)[:24]}…, expected {integrity[:24]}…; "
                           "refusing to use it")
    try:
        files = _read_members(tarball)
    except (tarfile.TarError, OSError, ValueError) as exc:
        return Unavailable(f"cannot unpack {tarball.name}: {exc}")
    return _write_atomically(files, target)


def _read_members(tarball: Path) -> dict[str, bytes]:
    wanted = {f"package/{name}": name for name in FILE_SHA256}
    found: dict[str, bytes] = {}
    with tarfile.open(tarball, mode="r:gz") as archive:
        for member in archive:
            path = PurePosixPath(member.name)
            if path.is_absolute() or ".." in path.parts:
                raise ValueError(f"unsafe path in archive: {member.name!r}")
            if member.name not in wanted:
                continue
            # Only regular files: a link could point anywhere on disk.
            if not member.isreg() or member.size > _MAX_MEMBER_BYTES:
                raise ValueError(f"unexpected archive entry: {member.name!r}")
            handle = archive.extractfile(member)
            if handle is None:
                raise ValueError(f"unreadable archive entry: {member.name!r}")
            found[wanted[member.name]] = handle.read()
    missing = sorted(set(wanted.values()) - set(found))
    if missing:
        raise ValueError(f"archive lacks {', '.join(missing)}")
    return found


def _write_atomically(files: dict[str, bytes], target: Path) -> KustoJs | Unavailable:
    """Write into a sibling temp dir, then rename: readers never see half a cache."""
    for name, data in files.items():
        if hashlib.sha256(data).hexdigest() != FILE_SHA256.get(name):
            return Unavailable(f"{name} in the verified tarball does not match its pinned "
                               "sha256; refusing to use it")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    except OSError as exc:
        return Unavailable(f"cannot write the cache under {target.parent}: {exc.strerror or exc}")
    try:
        for name, data in files.items():
            (staging / name).write_bytes(data)
        if target.exists():
            # A damaged copy we are replacing, or a concurrent writer that won.
            if isinstance(_check_dir(target, "cache", "the cache"), KustoJs):
                return KustoJs(target, "fetched")
            shutil.rmtree(target, ignore_errors=True)
        try:
            staging.rename(target)
        except OSError:
            if isinstance(_check_dir(target, "cache", "the cache"), KustoJs):
                return KustoJs(target, "fetched")
            raise
    except OSError as exc:
        return Unavailable(f"cannot write the cache at {target}: {exc.strerror or exc}")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return KustoJs(target, "fetched")
