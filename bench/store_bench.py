"""Request store throughput (part of `make bench`): submissions/s and status changes/s on SQLite
and on PostgreSQL, with 1 and with 8 client processes writing at once.

PostgreSQL is a throwaway server started from the distribution's binaries (as in the tests) with
its default durability (fsync on), or the database in $KOTAE_BENCH_DATABASE_URL. Each process
submits its share of requests, then moves each of them to a new status; the parent times each
phase from the common start to the last process finishing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CLIENT = """
    import os, sys
    from app.core.deadlines import load_regimes
    from app.core.paths import knowledge_dir
    from app.store.factory import open_store
    regime = load_regimes(knowledge_dir())["gdpr"]
    store = open_store(os.environ["STORE_TARGET"], agent=sys.argv[1])
    n = int(sys.argv[2])
    print("ready", flush=True)
    sys.stdin.readline()
    refs = [store.create_request("deletion", {"i": i}, lang="en", regime=regime).reference
            for i in range(n)]
    print("submitted", flush=True)
    sys.stdin.readline()
    for ref in refs:
        store.transition(ref, "identity_verified", note="bench")
    print("changed", flush=True)
"""


def _phase(procs: list[subprocess.Popen[str]], expect: str) -> float:
    started = time.perf_counter()
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    for p in procs:
        line = p.stdout.readline().strip()
        if line != expect:
            raise RuntimeError(f"bench client failed: {line or p.stderr.read()}")
    return time.perf_counter() - started


def measure(target: str, clients: int, per_client: int) -> tuple[float, float]:
    """(submissions/s, status changes/s) with `clients` processes at once."""
    env = {**os.environ, "STORE_TARGET": target}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(CLIENT), f"c{i}", str(per_client)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(clients)
    ]
    try:
        for p in procs:
            if p.stdout.readline().strip() != "ready":
                raise RuntimeError(f"bench client failed: {p.stderr.read()}")
        total = clients * per_client
        submit = total / _phase(procs, "submitted")
        change = total / _phase(procs, "changed")
    finally:
        for p in procs:
            p.kill()
            p.wait()
    return submit, change


def _postgres() -> tuple[object | None, str | None, str]:
    """(cluster to stop, base URL or None, how the server was found)."""
    url = os.environ.get("KOTAE_BENCH_DATABASE_URL")
    if url:
        return None, url, "KOTAE_BENCH_DATABASE_URL"
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        from pg_cluster import start_cluster
    except ImportError:
        return None, None, "tests/pg_cluster.py missing"
    try:
        cluster = start_cluster(durable=True)
    except FileNotFoundError:
        return None, None, "no server: install postgresql"
    return cluster, None, f"throwaway server {cluster.bindir.parent.name}, fsync on"


def store_throughput() -> None:
    runs = [(1, 300), (8, 100)]
    print(f"{'backend':12} {'clients':>7} {'submissions/s':>14} {'status changes/s':>17}")
    with tempfile.TemporaryDirectory() as tmp:
        for clients, per_client in runs:
            target = str(Path(tmp) / f"sqlite-{clients}")
            submit, change = measure(target, clients, per_client)
            print(f"{'sqlite':12} {clients:7} {submit:14.0f} {change:17.0f}")
    cluster, url, how = _postgres()
    if cluster is None and url is None:
        print(f"{'postgresql':12} skipped: {how}")
        return
    from app.store.postgres import PgStore

    try:
        for clients, per_client in runs:
            if cluster is not None:
                name = f"bench_{clients}"
                cluster.sql(f"DROP DATABASE IF EXISTS {name}")  # type: ignore[attr-defined]
                cluster.sql(f"CREATE DATABASE {name}")  # type: ignore[attr-defined]
                target = cluster.url(db=name)  # type: ignore[attr-defined]
            else:
                target = str(url)
            with PgStore(target, check_schema=False) as store:
                store.upgrade()
            submit, change = measure(target, clients, per_client)
            print(f"{'postgresql':12} {clients:7} {submit:14.0f} {change:17.0f}")
    finally:
        if cluster is not None:
            cluster.stop()  # type: ignore[attr-defined]
    print(f"(postgresql: {how}; each client a separate process on this machine)")


if __name__ == "__main__":
    store_throughput()
