from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from app.core import i18n
from app.core.knowledge import KnowledgeBase, load_knowledge
from app.core.match.matcher import Matcher
from app.core.paths import knowledge_dir

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge()


@pytest.fixture(scope="session")
def matcher(kb: KnowledgeBase) -> Matcher:
    return Matcher(kb)


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    """A writable copy of the knowledge folder, for tests that break it on purpose."""
    target = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir(), target)
    for path in target.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return target


@pytest.fixture(autouse=True)
def _english_interface() -> None:
    i18n.set_language("en")


@pytest.fixture(scope="session", autouse=True)
def _index_cache_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The matcher's index cache goes to a temporary folder, never the user's cache (subprocesses
    inherit it). Session-wide and autouse, so it is set before any matcher is built."""
    os.environ["KOTAE_CACHE_DIR"] = str(tmp_path_factory.mktemp("index-cache"))


@pytest.fixture(autouse=True)
def _no_user_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test that forgets its data_dir must not write to the real request store."""
    monkeypatch.setenv("KOTAE_DATA_DIR", str(tmp_path / "default-data"))
    # Tests never keep questions unless a test of the question log asks for it.
    monkeypatch.setenv("KOTAE_LOG_QUESTIONS", "off")


# The PostgreSQL server and the store fixtures parametrised over both backends.
from pg_cluster import pg_cluster, pg_url, store_target  # noqa: E402, F401
