# ruff: noqa: E501  (the hand-written SQL keeps the rule's regular expressions on one line)
"""The shipped T1564.013 rule over 1,000,000 DeviceProcessEvents rows, against the same
logic written by hand in DuckDB SQL, on the same data in the same process.

    .venv/bin/python benchmarks/rule_vs_sql.py [--rows N]

All rows fall inside the rule's one-hour window so every one of them goes through
the query (the time filter prunes nothing). One row in ten is a `mount` or `busybox`
process, a mix of the test cases' attack and benign command lines, so the rule's
regular expressions run on 100,000 rows. Prints the translation time, the execution
time of both (best of --repeat), their ratio (target <= 2x) and checks that both
return the same rows.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sentinel_deploy.catalog import load_catalog  # noqa: E402
from sentinel_deploy.engine import LocalWorkspace  # noqa: E402
from sentinel_deploy.input.rule_loader import load_rule_file  # noqa: E402

RULE = ROOT / "analytics" / "linux" / "bind_mount_hides_process.yaml"
TABLE = "DeviceProcessEvents"
END = datetime(2024, 5, 15, tzinfo=UTC)

#: (FileName, command line, working directory) of the mount rows, cycled through.
MOUNTS = [
    ("mount", "mount --bind /tmp/empty_proc_decoy /proc/4242", ""),
    ("mount", "mount -o ro,bind /tmp/.d /proc/1003", ""),
    ("mount", "mount -B/tmp/x /proc/777", ""),
    ("mount", "sudo mount --rbind '/tmp/a b' /proc/31337", ""),
    ("busybox", "busybox mount --bind /tmp/.d /proc/1015", ""),
    ("mount", "mount --bind /tmp/.d 1013", "/proc"),
    ("mount", "mount -t tmpfs none /proc/1014", ""),
    ("mount", "mount --bind /decoy /host_proc/2718", ""),
    ("mount", "mount --bind /var/lib/docker/volumes/x /var/www", ""),
    ("mount", "mount -o bind /proc/ /mnt/chroot/proc/", ""),
    ("mount", "mount --bind /proc/1234/ns/net /var/run/netns/cni-5f1e2a7c", ""),
    ("mount", "mount -o remount,hidepid=2 /proc", ""),
    ("mount", "mount -t proc proc /proc", ""),
    ("mount", "mount -o bind,ro /srv/cfg /etc/app", ""),
    ("mount", "/usr/bin/mount --source /tmp/.d --target /proc/1021 --bind", ""),
    ("mount", "mount", ""),
]
OTHERS = ["bash", "sshd", "python3", "curl", "systemd", "cron", "ls", "grep", "umount"]


def generate(ws: LocalWorkspace, rows: int, span: timedelta, end: datetime = END) -> None:
    """Rows evenly spread over (end - span, end], straight into the typed table."""
    ws.store.ensure(TABLE)
    n = len(MOUNTS)
    files = "[" + ", ".join(f"'{f}'" for f, _, _ in MOUNTS) + "]"
    cmds = "[" + ", ".join("'" + c.replace("'", "''") + "'" for _, c, _ in MOUNTS) + "]"
    cwds = "[" + ", ".join(f"'{d}'" for _, _, d in MOUNTS) + "]"
    others = "[" + ", ".join(f"'{o}'" for o in OTHERS) + "]"
    step_us = int(span.total_seconds() * 1_000_000 / rows)
    start = (end - span).replace(tzinfo=None)
    ws.con.execute(f"""
        INSERT INTO main."{TABLE}" (TimeGenerated, DeviceId, DeviceName, AccountName,
            AccountDomain, FileName, ProcessId, ProcessCommandLine, InitiatingProcessFileName,
            InitiatingProcessCommandLine, InitiatingProcessAccountName, AdditionalFields, Type)
        SELECT TIMESTAMP '{start}' + to_microseconds((i + 1) * {step_us}),
               'dev' || (i % 997), 'host-' || (i % 997) || '.corp.contoso.com', 'root',
               'host-' || (i % 997) || '.corp.contoso.com',
               CASE WHEN i % 10 = 0 THEN {files}[1 + (i // 10) % {n}]
                    ELSE {others}[1 + i % {len(OTHERS)}] END,
               i,
               CASE WHEN i % 10 = 0 THEN {cmds}[1 + (i // 10) % {n}]
                    ELSE 'run --id ' || i || ' --bind /proc/' || (i % 5000) END,
               'bash', '-bash', 'root',
               CASE WHEN i % 10 = 0 AND {cwds}[1 + (i // 10) % {n}] <> ''
                    THEN json_object('ProcessCurrentWorkingDirectory',
                                     {cwds}[1 + (i // 10) % {n}])
                    ELSE '{{}}'::JSON END,
               '{TABLE}'
        FROM range({rows}) r(i)
    """)


#: The rule's logic by hand. Kusto's coalesce() skips empty strings, hence NULLIF.
HAND_SQL = r"""
WITH base AS (
  SELECT *, regexp_replace(ProcessCommandLine, '["'']', '', 'g') AS Cmd
  FROM main.DeviceProcessEvents
  WHERE TimeGenerated BETWEEN ? AND ? AND TimeGenerated > ? - INTERVAL 1 HOUR
    AND lower(FileName) IN ('mount', 'busybox')),
args AS (
  SELECT *, regexp_extract(Cmd, '^(?:\S+\s+)*?(?:\S*/)?mount(?:\s+(.*))?$', 1) AS MountArgs
  FROM base),
pos AS (
  SELECT *, regexp_replace(regexp_replace(regexp_replace(MountArgs,
      '(?:^|\s)(?:-[A-Za-z]*[otOLUN]\s*\S+|--(?:options|types|test-opts|label|uuid|namespace|source|target|target-prefix|fstab|options-mode|options-source)(?:=|\s+)\S+)', ' ', 'g'),
      '(?:^|\s)-\S*', ' ', 'g'), '^\s+|\s+$', '', 'g') AS "Positional"
  FROM args WHERE MountArgs <> ''),
tgt AS (
  SELECT *, coalesce(NULLIF(regexp_extract(MountArgs, '(?:^|\s)--target(?:=|\s+)(\S+)', 1), ''),
                     NULLIF(regexp_extract("Positional", '(\S+)$', 1), '')) AS Target,
         AdditionalFields ->> 'ProcessCurrentWorkingDirectory' AS Cwd
  FROM pos),
proc AS (
  SELECT *, regexp_extract(
      CASE WHEN starts_with(Target, '/') OR coalesce(Cwd, '') = '' THEN Target
           ELSE Cwd || '/' || Target END,
      '(?i)^((?:/[^/\s]*)*?/[^/\s]*proc/(?:\.?/)*\d+)/*$', 1) AS TargetProc
  FROM tgt)
SELECT TimeGenerated, DeviceId, DeviceName, split_part(DeviceName, '.', 1) AS HostName,
       AccountName, AccountDomain, FileName, ProcessId, ProcessCommandLine,
       InitiatingProcessFileName, InitiatingProcessCommandLine, InitiatingProcessAccountName,
       TargetProc,
       coalesce(NULLIF(regexp_extract(MountArgs, '(?:^|\s)--source(?:=|\s+)(\S+)', 1), ''),
                NULLIF(regexp_extract(MountArgs, '(?:^|\s)-[A-Za-z]*[BRM](/\S+)', 1), ''),
                NULLIF(regexp_extract("Positional", '(\S+)\s+\S+$', 1), ''), '') AS BindSource,
       CASE
         WHEN regexp_matches(MountArgs, '(?:^|\s)--r?bind(?:\s|$)')
           THEN regexp_extract(MountArgs, '(?:^|\s)(--r?bind)(?:\s|$)', 1)
         WHEN regexp_matches(MountArgs, '(?:^|\s)-[A-Za-z]*[BR]')
           THEN '-' || regexp_extract(MountArgs, '(?:^|\s)-[A-Za-z]*([BR])', 1)
         WHEN regexp_matches(MountArgs, '(?:^|\s)(?:-o\s*|--options[=\s]\s*)(?:\S*,)?r?bind(?:,|\s|$)')
           THEN '-o ' || regexp_extract(MountArgs, '(?:^|\s)(?:-o\s*|--options[=\s]\s*)(?:\S*,)?(r?bind)(?:,|\s|$)', 1)
         WHEN regexp_matches(MountArgs, '(?:^|\s)(?:--move|-[A-Za-z]*M)(?:\s|$)') THEN '--move'
         WHEN regexp_matches(MountArgs, '(?:^|\s)(?:-t\s*|--types[=\s]\s*)\S+')
           THEN '-t ' || regexp_extract(MountArgs, '(?:^|\s)(?:-t\s*|--types[=\s]\s*)(\S+)', 1)
         ELSE 'other mount' END AS BindMountType
FROM proc WHERE TargetProc <> ''
"""


def best(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - started)
    return min(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    doc = load_rule_file(RULE)
    assert doc.rule is not None and doc.rule.query and doc.rule.queryPeriod
    period = doc.rule.queryPeriod
    with LocalWorkspace(load_catalog()) as ws:
        started = time.perf_counter()
        generate(ws, args.rows, timedelta(minutes=59))
        print(f"generated {args.rows:,} rows in {time.perf_counter() - started:.2f}s")
        started = time.perf_counter()
        prepared = ws.prepare(doc.rule.query)
        print(f"KQL translated once:          {time.perf_counter() - started:8.3f}s")
        kql_count, n = best(lambda: prepared.count(END, period), args.repeat)
        kql_run, result = best(lambda: prepared.run(END, period), args.repeat)
        end = END.replace(tzinfo=None)
        params = [end - period, end, end]
        sql_count, m = best(lambda: ws.con.execute(
            f"SELECT count(*) FROM ({HAND_SQL})", params).fetchone()[0], args.repeat)
        sql_run, rows = best(lambda: ws.con.execute(HAND_SQL, params).fetchall(), args.repeat)
    same = sorted(r[12] for r in result.rows) == sorted(r[12] for r in rows)  # TargetProc
    print(f"rule (KQL), count only:       {kql_count:8.3f}s  ({n:,} rows)")
    print(f"hand-written SQL, count only: {sql_count:8.3f}s  ({m:,} rows)")
    print(f"rule (KQL), rows to Python:   {kql_run:8.3f}s")
    print(f"hand-written SQL, fetchall:   {sql_run:8.3f}s")
    print(f"ratio KQL/SQL: count {kql_count / sql_count:.2f}x, rows {kql_run / sql_run:.2f}x "
          "(target <= 2x)")
    print(f"same results: {same and n == m == len(rows)}")


if __name__ == "__main__":
    main()
