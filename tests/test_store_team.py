"""Several agents on one queue, on both backends: claiming, handing over, versions that turn a
stale change into a conflict, and events that say who did what."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from app.core.deadlines import Regime, load_regimes
from app.core.paths import knowledge_dir
from app.core.records import Conflict
from app.store import base
from app.store.base import StoreBase
from app.store.factory import open_store
from app.store.sqlite import DB_NAME, MIGRATIONS, RequestStore

FIXTURE = Path(__file__).parent / "fixtures" / "store-0.1.0"


@pytest.fixture(scope="module")
def regime() -> Regime:
    return load_regimes(knowledge_dir())["other"]


@pytest.fixture
def sato(store_target: str) -> StoreBase:
    with open_store(store_target, agent="sato") as s:
        yield s


@pytest.fixture
def suzuki(store_target: str, sato: StoreBase) -> StoreBase:
    with open_store(store_target, agent="suzuki") as s:
        yield s


def _file(store: StoreBase, regime: Regime) -> str:
    return store.create_request("deletion", {"n": 1}, lang="en", regime=regime).reference


def test_claim_assign_release_record_the_agent(
    sato: StoreBase, suzuki: StoreBase, regime: Regime
) -> None:
    ref = _file(sato, regime)
    assert sato.get(ref).assignee is None
    assert sato.claim(ref).assignee == "sato"
    with pytest.raises(Conflict) as taken:
        suzuki.claim(ref)  # someone holds it: claiming is not taking over
    assert taken.value.current.assignee == "sato"
    assert "sato" in taken.value.message("en") and "sato" in taken.value.message("ja")
    assert suzuki.assign(ref, "suzuki").assignee == "suzuki"  # handing over is explicit
    released = suzuki.release(ref)
    assert released.assignee is None and released.version == 4
    events = sato.events(ref)
    assert [(e.action, e.actor, e.note) for e in events[1:]] == [
        ("assigned", "sato", "- -> sato"),
        ("assigned", "suzuki", "sato -> suzuki"),
        ("assigned", "suzuki", "suzuki -> -"),
    ]
    assert all(e.db_user for e in events)
    assert [r.reference for r in sato.list_requests(unassigned=True)] == [ref]


def test_claim_next_takes_the_oldest_open_unassigned_each_once(
    sato: StoreBase, suzuki: StoreBase, regime: Regime
) -> None:
    refs = [_file(sato, regime) for _ in range(3)]
    sato.transition(refs[0], "withdrawn", note="closed requests are not work")
    first, second = sato.claim_next(), suzuki.claim_next()
    assert (first.reference, first.assignee) == (refs[1], "sato")
    assert (second.reference, second.assignee) == (refs[2], "suzuki")
    assert sato.claim_next() is None
    assert [r.reference for r in sato.list_requests(assignee="suzuki")] == [refs[2]]


def _stale_assignments(sato: StoreBase, suzuki: StoreBase, regime: Regime) -> str:
    """Both agents read version 1, then both hand the request to someone."""
    ref = _file(sato, regime)
    seen_by_sato, seen_by_suzuki = sato.get(ref), suzuki.get(ref)
    sato.assign(ref, "tanaka", expected_version=seen_by_sato.version)
    suzuki.assign(ref, "suzuki", expected_version=seen_by_suzuki.version)
    return ref


def test_a_change_based_on_a_stale_read_is_a_conflict_showing_the_new_state(
    sato: StoreBase, suzuki: StoreBase, regime: Regime
) -> None:
    with pytest.raises(Conflict) as stale:
        _stale_assignments(sato, suzuki, regime)
    assert (stale.value.current.assignee, stale.value.current.version) == ("tanaka", 2)
    assert "tanaka" in stale.value.message("en") and "version 2" in stale.value.message("en")
    [request] = sato.list_requests()
    assert request.assignee == "tanaka"  # the first change stands
    ref = request.reference
    with pytest.raises(Conflict):
        suzuki.transition(ref, "identity_verified", note="x", expected_version=1)
    assert sato.transition(ref, "identity_verified", note="x", expected_version=2).version == 3


def test_without_the_version_check_the_first_change_is_lost(
    sato: StoreBase, suzuki: StoreBase, regime: Regime, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What the previous test guards against: with the check off, the stale write wins.
    monkeypatch.setattr(base, "CHECK_VERSIONS", False)
    ref = _stale_assignments(sato, suzuki, regime)
    assert sato.get(ref).assignee == "suzuki"  # tanaka's assignment silently overwritten


def test_a_store_of_release_0_1_0_upgrades_keeping_everything(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(FIXTURE, data)
    con = sqlite3.connect(data / DB_NAME)
    assert con.execute("PRAGMA user_version").fetchone() == (2,)
    con.close()
    with RequestStore(data) as store:
        assert store.upgrade() == (2, len(MIGRATIONS))
        requests = store.list_requests()
        assert [r.reference for r in requests] == [
            "DEL-2026-000001",
            "DPA-2026-000001",
            "DEL-2026-000002",
        ]
        assert all(r.version == 1 and r.assignee is None for r in requests)
        assert requests[0].extensions == 1 and requests[0].status == "identity_verified"
        assert requests[1].channel == "web"
        assert store.find_by_access_token("a" * 64) == requests[1]
        assert sum(len(store.events(r.reference)) for r in requests) == 7
        assert store.get_draft("deletion", owner="agent:sato") is not None
        assert store.get_draft("dpa", owner="web:xyz") is not None
        # The counter continues where it was.
        regime = load_regimes(knowledge_dir())["other"]
        later = store.create_request(
            "deletion", {}, lang="en", regime=regime, now=datetime(2026, 12, 1, 9, 0)
        )
        assert later.reference == "DEL-2026-000003"
