"""The request store on both backends (SQLite, and PostgreSQL when the server is installed):
references under concurrency, drafts that survive SIGKILL, status machines, the append-only
event log, purge; and what is SQLite's own: file permissions, WAL contents, migrations."""

from __future__ import annotations

import json
import logging
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
from collections import deque
from datetime import datetime
from pathlib import Path

import pytest

from app.core.deadlines import Regime, load_regimes
from app.core.knowledge import check_knowledge
from app.core.paths import knowledge_dir
from app.core.records import StoreError
from app.core.statuses import INITIAL, TRANSITIONS, IllegalTransition
from app.core.workflow.engine import WizardSession, load_workflow
from app.store.base import StoreBase
from app.store.factory import open_store
from app.store.sqlite import DB_NAME, MIGRATIONS, RequestStore
from app.store.submit import IncompleteRequest, submit_run

REPO = Path(__file__).resolve().parent.parent
ANSWERS = {"email": "taro@example.com", "note": "call me"}


@pytest.fixture(scope="module")
def regimes() -> dict[str, Regime]:
    return load_regimes(knowledge_dir())


@pytest.fixture
def store(store_target: str) -> StoreBase:
    with open_store(store_target) as s:
        yield s


@pytest.fixture
def sqlite_store(tmp_path: Path) -> RequestStore:
    with RequestStore(tmp_path / "data") as s:
        yield s


def _raw(store: StoreBase, sql: str) -> list[tuple[object, ...]]:
    """Run SQL on the store's database directly, around the store."""
    if isinstance(store, RequestStore):
        con = sqlite3.connect(store.path)
        try:
            return con.execute(sql).fetchall()
        finally:
            con.commit()
            con.close()
    import sqlalchemy as sa

    with store.engine.begin() as conn:  # type: ignore[attr-defined]
        result = conn.execute(sa.text(sql))
        return [tuple(r) for r in result] if result.returns_rows else []


def _new(
    store: RequestStore,
    regimes: dict[str, Regime],
    kind: str = "deletion",
    now: datetime | None = None,
    answers: dict[str, str] = ANSWERS,
) -> str:
    return store.create_request(
        kind, answers, lang="en", regime=regimes["gdpr"], contact=answers["email"], now=now
    ).reference


def _python(code: str, target: str, *args: str) -> subprocess.Popen[str]:
    # The target goes through the environment: a URL carries the test server's password.
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        cwd=REPO,
        env={**os.environ, "STORE_TARGET": target},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


WRITER = """
    import sys
    from app.core.deadlines import load_regimes
    from app.core.paths import knowledge_dir
    import os
    from app.store.factory import open_store
    regime = load_regimes(knowledge_dir())["other"]
    print("ready", flush=True)
    sys.stdin.readline()  # start together
    store = open_store(os.environ["STORE_TARGET"])
    refs = [store.create_request("deletion", {"n": i}, lang="en", regime=regime,
                                 actor=sys.argv[1]).reference for i in range(200)]
    print("\\n".join(refs))
"""


def test_four_processes_submitting_at_once_get_distinct_references(store_target: str) -> None:
    data = store_target  # SQLite: fresh, so the processes also race to create the schema
    procs = [_python(WRITER, data, f"p{i}") for i in range(4)]
    for p in procs:
        assert p.stdout.readline().strip() == "ready"
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    refs: list[str] = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        refs += out.split()
    assert len(refs) == 800
    assert len(set(refs)) == 800
    year = refs[0].split("-")[1]
    assert set(refs) == {f"DEL-{year}-{n:06d}" for n in range(1, 801)}
    with open_store(data) as store:
        assert len(store.list_requests()) == 800
        actors = [store.events(r)[0].actor for r in sorted(refs)]
        assert {a: actors.count(a) for a in set(actors)} == {f"p{i}": 200 for i in range(4)}


WIZARD = """
    import os, time
    from app.core.knowledge import check_knowledge
    from app.store.factory import open_store
    from app.core.workflow.engine import WizardSession, load_workflow
    store = open_store(os.environ["STORE_TARGET"])
    run = WizardSession(load_workflow("deletion", check_knowledge()[0]))

    def answer(field, value):
        assert run.answer(field, value) == []
        store.save_draft("deletion", run.to_dict())

    def next_step():
        assert run.next() == []
        store.save_draft("deletion", run.to_dict())

    answer("scope", ["account", "files"]); next_step()
    answer("email", "taro@example.com"); answer("org_id", "org-AbC123xyz"); next_step()
    answer("file_ids", "file-abc123 file-def456")
    typing = "file-abc123 file-def456 file-gh"  # being typed: never saved
    print("ready", flush=True)
    time.sleep(60)
"""


def test_a_wizard_killed_with_sigkill_resumes_from_its_draft(store_target: str) -> None:
    data = store_target
    proc = _python(WIZARD, data)
    assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL

    workflow = load_workflow("deletion", check_knowledge()[0])
    with open_store(data) as store:
        draft = store.get_draft("deletion")
        assert draft is not None
        run = WizardSession.from_dict(workflow, draft)
        assert run.current_step.id == "files"
        assert run.answers == {
            "scope": ["account", "files"],
            "email": "taro@example.com",
            "org_id": "org-AbC123xyz",
            "file_ids": ["file-abc123", "file-def456"],
        }
        store.discard_draft("deletion")
        assert store.get_draft("deletion") is None


HAMMER = """
    import os
    from app.store.factory import open_store
    store = open_store(os.environ["STORE_TARGET"])
    store.save_draft("dpa", {"n": 0, "pad": "x" * 5000})
    print("ready", flush=True)
    n = 0
    while True:
        n += 1
        store.save_draft("dpa", {"n": n, "pad": "x" * 5000})
"""


def test_sigkill_during_draft_writes_leaves_a_readable_draft(store_target: str) -> None:
    data = store_target
    proc = _python(HAMMER, data)
    assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
    proc.stdout.close()
    try:
        proc.wait(timeout=0.3)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    with open_store(data) as store:
        draft = store.get_draft("dpa")
        assert draft is not None and draft["n"] >= 0 and len(draft["pad"]) == 5000
    if "://" in data:
        return
    con = sqlite3.connect(Path(data) / DB_NAME)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()


def _path(kind: str, target: str) -> list[str]:
    """The shortest chain of allowed transitions from the initial status to `target`."""
    table = TRANSITIONS[kind]
    queue, came = deque([INITIAL]), {INITIAL: ""}
    while queue:
        status = queue.popleft()
        for nxt in sorted(table[status]):
            if nxt not in came:
                came[nxt] = status
                queue.append(nxt)
    chain = [target]
    while chain[-1] != INITIAL:
        chain.append(came[chain[-1]])
    return chain[::-1][1:]


MATRIX = [
    (kind, current, target)
    for kind, table in TRANSITIONS.items()
    for current in table
    for target in table
]


@pytest.mark.parametrize(("kind", "current", "target"), MATRIX)
def test_status_machine_allows_exactly_its_table(
    store: RequestStore, regimes: dict[str, Regime], kind: str, current: str, target: str
) -> None:
    ref = _new(store, regimes, kind)
    for step in _path(kind, current):
        store.transition(ref, step, note="setup", reason="other" if step == "denied" else None)
    before = len(store.events(ref))
    reason = "duplicate" if target == "denied" else None
    if target in TRANSITIONS[kind][current]:
        done = store.transition(ref, target, note="ok", reason=reason, actor="agent")
        assert done.status == target
        assert done.closed == (not TRANSITIONS[kind][target])
        event = store.events(ref)[-1]
        assert (event.from_status, event.to_status, event.reason, event.actor) == (
            current,
            target,
            reason,
            "agent",
        )
    else:
        with pytest.raises(IllegalTransition) as refused:
            store.transition(ref, target, note="nope", reason=reason)
        assert refused.value.message("en") and refused.value.message("ja")
        assert refused.value.message("en") != refused.value.message("ja")
        assert store.get(ref).status == current
        assert len(store.events(ref)) == before


@pytest.mark.parametrize("kind", list(TRANSITIONS))
def test_every_status_is_reachable_and_can_end(kind: str) -> None:
    table = TRANSITIONS[kind]
    closed = {s for s, nxt in table.items() if not nxt}
    assert closed
    for status in table:
        assert status == INITIAL or _path(kind, status)[-1] == status
        seen, todo = set(), [status]
        while todo:
            current = todo.pop()
            seen.add(current)
            todo += [n for n in table[current] if n not in seen]
        assert seen & closed, f"{status} can never be closed"


def test_denial_needs_a_known_reason_code(store: RequestStore, regimes: dict[str, Regime]) -> None:
    ref = _new(store, regimes)
    with pytest.raises(IllegalTransition, match="reason code"):
        store.transition(ref, "denied", note="no")
    with pytest.raises(IllegalTransition, match="reason code"):
        store.transition(ref, "denied", note="no", reason="because")
    with pytest.raises(IllegalTransition, match="only with"):
        store.transition(ref, "identity_verified", note="ok", reason="duplicate")
    assert store.transition(ref, "denied", note="no", reason="no_match").status == "denied"


def test_references_count_per_kind_and_per_year(
    store: RequestStore, regimes: dict[str, Regime]
) -> None:
    refs = [
        _new(store, regimes, "deletion", datetime(2026, 12, 31, 23, 0)),
        _new(store, regimes, "dpa", datetime(2026, 12, 31, 23, 0)),
        _new(store, regimes, "deletion", datetime(2026, 12, 31, 23, 30)),
        _new(store, regimes, "deletion", datetime(2027, 1, 1, 0, 5)),
        _new(store, regimes, "dpa", datetime(2027, 1, 2, 9, 0)),
    ]
    assert refs == [
        "DEL-2026-000001",
        "DPA-2026-000001",
        "DEL-2026-000002",
        "DEL-2027-000001",
        "DPA-2027-000001",
    ]
    assert store.get("del-2027-000001").reference == "DEL-2027-000001"


def test_lists_show_a_masked_contact_only(store: RequestStore, regimes: dict[str, Regime]) -> None:
    _new(store, regimes)
    [request] = store.list_requests()
    assert request.contact == "t***@example.com"
    [(contact,)] = _raw(store, "SELECT contact FROM requests")
    assert contact == "t***@example.com"


def test_purge_removes_answers_of_old_closed_requests_and_keeps_the_log(
    store: RequestStore, regimes: dict[str, Regime]
) -> None:
    secret = {"email": "old@example.com", "note": "old-secret-note"}
    old_closed = _new(store, regimes, now=datetime(2026, 1, 5), answers=secret)
    store.transition(old_closed, "withdrawn", note="changed mind", now=datetime(2026, 1, 6))
    recent_closed = _new(store, regimes, now=datetime(2026, 3, 1))
    store.transition(recent_closed, "canceled", note="test", now=datetime(2026, 3, 2))
    still_open = _new(store, regimes, now=datetime(2026, 1, 5))
    log_before = store.events(old_closed)

    purged = store.purge(30, now=datetime(2026, 3, 10), actor="dpo")
    assert purged == [old_closed]
    gone = store.get(old_closed)
    assert gone.answers is None and gone.contact is None and gone.purged_at is not None
    assert gone.status == "withdrawn"
    events = store.events(old_closed)
    assert events[: len(log_before)] == log_before
    assert (events[-1].action, events[-1].actor) == ("purged", "dpo")
    assert store.get(recent_closed).answers == ANSWERS
    assert store.get(still_open).answers == ANSWERS
    assert store.purge(30, now=datetime(2026, 3, 10)) == []  # nothing twice
    assert _raw(
        store, f"SELECT answers, contact FROM requests WHERE reference = '{old_closed}'"
    ) == [(None, None)]


def test_purged_answers_are_not_left_in_the_files(
    sqlite_store: RequestStore, regimes: dict[str, Regime]
) -> None:
    store = sqlite_store
    secret = {"email": "old@example.com", "note": "old-secret-note"}
    old_closed = _new(store, regimes, now=datetime(2026, 1, 5), answers=secret)
    store.transition(old_closed, "withdrawn", note="changed mind", now=datetime(2026, 1, 6))
    _new(store, regimes, now=datetime(2026, 3, 1))
    _new(store, regimes, now=datetime(2026, 1, 5))
    assert store.purge(30, now=datetime(2026, 3, 10)) == [old_closed]
    # Nothing recoverable from the files either: freed space is zeroed and the WAL emptied.
    raw = store.path.read_bytes() + Path(f"{store.path}-wal").read_bytes()
    assert b"old-secret-note" not in raw and b"old@example.com" not in raw
    assert raw.count(b"call me") == 2


def test_event_log_refuses_update_and_delete(store: StoreBase, regimes: dict[str, Regime]) -> None:
    _new(store, regimes)
    for sql in ("UPDATE events SET note = 'rewritten'", "DELETE FROM events"):
        with pytest.raises(Exception, match="append-only"):
            _raw(store, sql)
    assert _raw(store, "SELECT count(*) FROM events") == [(1,)]


def test_database_files_are_private(sqlite_store: RequestStore, regimes: dict[str, Regime]) -> None:
    store = sqlite_store
    _new(store, regimes)
    for suffix in ("", "-wal", "-shm"):
        path = Path(f"{store.path}{suffix}")
        assert path.exists(), path
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_schema_version_and_migrations(tmp_path: Path, regimes: dict[str, Regime]) -> None:
    with RequestStore(tmp_path) as store:
        assert store.schema_version() == len(MIGRATIONS)
        ref = _new(store, regimes)
    with RequestStore(tmp_path) as store:  # reopening migrates nothing and keeps data
        assert store.get(ref).answers == ANSWERS
    con = sqlite3.connect(tmp_path / DB_NAME)
    con.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    con.close()
    with pytest.raises(StoreError, match="newer"):
        RequestStore(tmp_path)


def test_an_unusable_data_dir_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError) as failed:
        RequestStore(blocker)
    assert str(blocker) in failed.value.message("en")


def test_drafts_one_per_kind(store: RequestStore) -> None:
    assert store.get_draft("deletion") is None
    store.save_draft("deletion", {"answers": {"email": "a@example.com"}})
    store.save_draft("deletion", {"answers": {"email": "b@example.com"}})
    store.save_draft("dpa", {"answers": {}})
    assert store.get_draft("deletion") == {"answers": {"email": "b@example.com"}}
    assert store.purge_drafts(30, now=datetime(2100, 1, 1)) == 2
    assert store.get_draft("dpa") is None


def test_submit_run_stores_visible_answers_and_clears_the_draft(
    store: RequestStore, regimes: dict[str, Regime], caplog: pytest.LogCaptureFixture
) -> None:
    workflow = load_workflow("deletion", check_knowledge()[0])
    run = WizardSession(workflow)
    with pytest.raises(IncompleteRequest):
        submit_run(store, run, regimes, lang="ja")
    assert (
        run.load_answers(
            {
                "scope": ["account"],
                "email": "hanako@example.jp",
                "org_id": "org-AbC123xyz",
                "file_ids": ["file-abc123"],  # the files step is not shown: not stored
                "country": "FR",
                "ack_irreversible": True,
                "ack_legal_retention": True,
            }
        )
        == []
    )
    store.save_draft("deletion", run.to_dict())
    caplog.set_level(logging.DEBUG)
    request = submit_run(store, run, regimes, lang="ja", now=datetime(2026, 1, 31, 9, 0))
    assert (request.regime, request.lang, request.status) == ("gdpr", "ja", "submitted")
    assert request.due_on.isoformat() == "2026-02-28"
    assert "file_ids" not in request.answers
    assert request.contact == "h***@example.jp"
    assert store.get_draft("deletion") is None
    assert request.reference in caplog.text
    assert "hanako" not in caplog.text  # no personal data in logs
    assert json.dumps(request.answers)


def test_drafts_belong_to_their_owner(store: RequestStore) -> None:
    store.save_draft("deletion", {"answers": {"email": "agent@example.com"}})
    store.save_draft("deletion", {"answers": {"email": "a@example.com"}}, owner="web:aaa")
    store.save_draft("deletion", {"answers": {"email": "b@example.com"}}, owner="web:bbb")
    assert store.get_draft("deletion", owner="web:aaa") == {"answers": {"email": "a@example.com"}}
    assert store.get_draft("deletion", owner="web:ccc") is None
    assert store.get_draft("deletion") == {"answers": {"email": "agent@example.com"}}
    store.discard_draft("deletion", owner="web:aaa")
    assert store.get_draft("deletion", owner="web:aaa") is None
    assert store.get_draft("deletion", owner="web:bbb") is not None
    # Purging web drafts leaves the agent's.
    assert store.purge_drafts(1, now=datetime(2100, 1, 1), owner_prefix="web:") == 1
    assert store.get_draft("deletion") is not None


def test_channel_and_status_token_are_recorded(
    store: RequestStore, regimes: dict[str, Regime]
) -> None:
    web = store.create_request(
        "deletion",
        {"email": "a@example.com"},
        lang="ja",
        regime=regimes["other"],
        channel="web",
        owner="web:aaa",
        access_token_hash="f" * 64,
    )
    local = store.create_request("deletion", {}, lang="en", regime=regimes["other"])
    assert (web.channel, local.channel) == ("web", "cli")
    assert store.find_by_access_token("f" * 64) == web
    assert store.find_by_access_token("0" * 64) is None
    with pytest.raises(ValueError):
        store.create_request("dpa", {}, lang="en", regime=regimes["other"], channel="fax")


def test_version_one_store_is_upgraded_keeping_drafts_and_requests(tmp_path: Path) -> None:
    import sqlite3

    from app.store.sqlite import agent_owner, current_actor

    con = sqlite3.connect(tmp_path / DB_NAME)
    for statement in MIGRATIONS[0]:
        con.execute(statement)
    con.execute("PRAGMA user_version = 1")
    con.execute("INSERT INTO drafts VALUES ('dpa', '{\"answers\": {}}', '2026-01-01T00:00:00')")
    con.execute(
        "INSERT INTO requests (reference, kind, status, lang, regime, received_at, received_on,"
        " original_due_on, due_on, updated_at) VALUES ('DEL-2026-000001', 'deletion',"
        " 'submitted', 'ja', 'other', '2026-01-01T00:00:00+00:00', '2026-01-01', '2026-01-31',"
        " '2026-01-31', '2026-01-01T00:00:00+00:00')"
    )
    con.commit()
    con.close()
    with RequestStore(tmp_path) as upgraded:
        assert upgraded.schema_version() == len(MIGRATIONS)
        assert upgraded.get("DEL-2026-000001").channel == "unknown"
        owner = agent_owner(current_actor())
        assert upgraded.get_draft("dpa", owner=owner) == {"answers": {}}
