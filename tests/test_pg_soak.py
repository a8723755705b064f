"""`make soak`: the full concurrency runs on PostgreSQL, too long for `make test`.

8 processes x 200 operations (submit, claim, status change, extend) at once; then the same with
clients SIGKILLed at random and replaced, and a server restart in the middle. Afterwards no
reference is lost or repeated, no change is lost or doubled, every reported change is logged.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from pg_cluster import Cluster
from test_pg import REPO, WORKER, check_queue, run_workers

from app.store.postgres import PgStore

pytestmark = pytest.mark.skipif(
    os.environ.get("KOTAE_SOAK") != "1", reason="long run: make soak (KOTAE_SOAK=1)"
)


def _database(cluster: Cluster, name: str) -> str:
    cluster.sql(f"CREATE DATABASE {name}")
    url = cluster.url(db=name)
    with PgStore(url, check_schema=False) as store:
        store.upgrade()
    return url


def test_eight_clients_two_hundred_operations_each(pg_cluster: Cluster) -> None:
    url = _database(pg_cluster, "soak_plain")
    started = time.monotonic()
    outputs = run_workers(url, 8, 200)
    print(f"8 x 200 operations in {time.monotonic() - started:.1f} s")
    assert check_queue(url, outputs) == 8 * 50


def test_clients_killed_at_random_and_a_server_restart(pg_cluster: Cluster) -> None:
    url = _database(pg_cluster, "soak_kill")
    env = {**os.environ, "STORE_TARGET": url}
    rng = random.Random(20261129)

    def spawn(n: int) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(WORKER), f"w{n}", "200", "0.002"],
            cwd=REPO,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert proc.stdout.readline().strip() == "ready"
        proc.stdin.write("go\n")
        proc.stdin.flush()
        return proc

    procs = {n: spawn(n) for n in range(8)}
    killed = 0
    outputs: list[list[str]] = []
    deadline = time.monotonic() + 300
    restarted = False
    while procs and time.monotonic() < deadline:
        time.sleep(rng.uniform(0.1, 0.4))
        if not restarted and killed >= 4:
            pg_cluster.restart()
            restarted = True
        for n, proc in list(procs.items()):
            if proc.poll() is not None:
                outputs.append(proc.stdout.read().split("\n"))
                assert proc.returncode == 0
                del procs[n]
        if procs and killed < 12:
            n = rng.choice(list(procs))
            os.kill(procs[n].pid, signal.SIGKILL)
            procs[n].wait()
            # What it printed before dying had been committed.
            outputs.append(procs[n].stdout.read().split("\n"))
            killed += 1
            procs[n] = spawn(n + 100 * killed)
    assert not procs, "clients did not finish"
    assert restarted and killed == 12
    total = check_queue(url, outputs, exact=False)
    print(f"{killed} clients killed, server restarted once, {total} requests consistent")
