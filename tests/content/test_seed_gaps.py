"""The seed query, run as published, really has the gaps that
docs/content/T1564.013-seed-gaps.md records.

Every test case runs through the seed's query (its own 24h window, now() pinned to
the case's `now`); results are attributed to their input rows. If duckdb-kql or the
seed changes, the table in the doc must be regenerated: `python tests/content/_content_kql.py`.
"""

from __future__ import annotations

import pytest
from _content_kql import gap_table

# Attack rows (expected to fire) that the seed does not return.
SEED_MISSES = {
    "mount --bind /decoy /host_proc/2718",            # contains "/proc/" is false for /host_proc/
    "mount -o ro,bind /tmp/.d /proc/1003",            # "-o bind" is not a substring of "-o ro,bind"
    "mount --rbind /tmp/.d /proc/1004",               # no --rbind
    "mount -R /tmp/.d /proc/1012",                    # no -R (short --rbind)
    "mount --options=bind,ro /tmp/.d /proc/1016",     # no --options
    "mount -o rbind /tmp/.d /proc/1019",
    "mount -nB /tmp/.d /proc/1018",                   # clustered short flags
    "mount --move /tmp/.m /proc/1017",
    "busybox mount --bind /tmp/.d /proc/1015",        # FileName == "mount" only
    "mount --bind /tmp/.d 1013",                      # relative target, cwd /proc
    "mount -o bind /tmp/.d /hostproc/1020",
    "mount -t tmpfs none /proc/1014",                 # not a bind mount, same effect
}
# Benign rows the seed returns.
SEED_FALSE_POSITIVES = {
    "mount -o bind /proc/ /mnt/chroot/proc/",                       # chroot setup
    "mount --bind /proc/1234/ns/net /var/run/netns/cni-5f1e2a7c",   # namespace pinning
    "mount -o bind /proc/self/ns/net /run/netns/blue",
    "mount --bind /proc/4411/ns/mnt /run/snapd/ns/lxd.mnt",
}
# Rows the seed returns with the wrong TargetProc (it takes the first /proc/<n>, the source).
SEED_WRONG_TARGET = {"mount --bind /proc/812 /proc/31337": "/proc/812"}
# Rows outside the shipped rule's 1h window; the seed's own 24h window sees them.
WINDOW_ONLY = {"20_time_scoping_old_row.yaml"}


@pytest.fixture(scope="module")
def table():
    return gap_table()


def test_seed_misses_are_real(table) -> None:
    measured = {e["command"] for e in table if e["expected"] and not e["seed"]}
    assert measured == SEED_MISSES


def test_seed_false_positives_are_real(table) -> None:
    measured = {e["command"] for e in table
                if not e["expected"] and e["seed"] and e["case"] not in WINDOW_ONLY}
    assert measured == SEED_FALSE_POSITIVES


def test_seed_wrong_target_is_real(table) -> None:
    for command, wrong in SEED_WRONG_TARGET.items():
        (entry,) = [e for e in table if e["command"] == command]
        assert entry["seed"] and entry["seed_target"] == wrong
        assert entry["rule_target"] != wrong


def test_shipped_rule_closes_every_gap(table) -> None:
    for e in table:
        expected = e["expected"]
        assert e["rule"] == expected, e


def test_seed_fires_on_the_seed_behaviours_it_claims(table) -> None:
    """The seed is not useless: tests 1-3 as written fire (only test 4 is missed)."""
    for e in table:
        if "_seed_" in e["case"]:
            assert e["seed"] == ("host_proc" not in e["command"]), e
