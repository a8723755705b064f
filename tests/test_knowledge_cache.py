"""The parsed knowledge base kept in the cache folder: reused, never stale, never hiding a
problem, and the old files pruned."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.core import knowledge_cache
from app.core.files import prune
from app.core.knowledge import KnowledgeError, load_knowledge
from app.core.knowledge_cache import load_knowledge_cached

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("KOTAE_CACHE_DIR", str(folder))
    return folder


def _saved(folder: Path) -> list[Path]:
    return sorted(folder.glob("knowledge-*.marshal")) if folder.is_dir() else []


def test_the_second_load_is_the_saved_one_and_equals_a_fresh_parse(
    kb_copy: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = load_knowledge_cached(kb_copy)
    assert len(_saved(cache)) == 1

    def no_parse(root: Path | None = None) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(knowledge_cache, "load_knowledge", no_parse)
    again = load_knowledge_cached(kb_copy)
    assert again == first == load_knowledge(kb_copy)
    assert again.workflows and all(p.is_file() for p in again.workflows.values())


def test_an_edit_is_read_afresh(kb_copy: Path, cache: Path) -> None:
    load_knowledge_cached(kb_copy)
    path = kb_copy / "entries" / "policy.toml"
    old = 'title = "API データはデフォルトで学習に使われない"'
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, 'title = "API データは学習に使われない"'), encoding="utf-8")
    kb = load_knowledge_cached(kb_copy)
    assert kb.entries["policy.no-training-by-default"].ja.title == "API データは学習に使われない"
    assert len(_saved(cache)) == 2


def test_a_broken_file_is_reported_though_an_older_version_was_saved(
    kb_copy: Path, cache: Path
) -> None:
    load_knowledge_cached(kb_copy)
    path = kb_copy / "entries" / "faq.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\n[[entry]\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge_cached(kb_copy)
    assert any(p.file.endswith("entries/faq.toml") for p in caught.value.problems)
    assert len(_saved(cache)) == 1  # nothing saved for the broken version


def test_a_corrupt_cache_file_is_parsed_again_without_a_word(kb_copy: Path, cache: Path) -> None:
    first = load_knowledge_cached(kb_copy)
    (saved,) = _saved(cache)
    for garbage in (b"\x00garbage", b""):
        saved.write_bytes(garbage)
        assert load_knowledge_cached(kb_copy) == first
    # A marshalled value of the wrong shape is no knowledge base either.
    import marshal

    saved.write_bytes(marshal.dumps({"format": knowledge_cache.FORMAT, "entries": [("x",)]}))
    assert load_knowledge_cached(kb_copy) == first


def test_prune_keeps_the_newest_files_of_one_kind(tmp_path: Path) -> None:
    for i in range(6):
        path = tmp_path / f"index-{i}.marshal"
        path.write_bytes(b"x")
        os.utime(path, (time.time() + i, time.time() + i))
    (tmp_path / "knowledge-a.marshal").write_bytes(b"x")
    prune(tmp_path, "index-", 4)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "index-2.marshal",
        "index-3.marshal",
        "index-4.marshal",
        "index-5.marshal",
        "knowledge-a.marshal",
    ]


def test_a_cached_ask_imports_no_toml_parser(tmp_path: Path) -> None:
    code = (
        "import sys; from app.cli.main import main; main(['ask', 'TLS']); "
        "print('TOML', 'tomli' in sys.modules)"
    )
    env = {**os.environ, "KOTAE_CACHE_DIR": str(tmp_path), "KOTAE_LOG_QUESTIONS": "off"}
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, cwd=REPO, env=env, timeout=60
        )
        for _ in range(2)
    ]
    outputs = [r.stdout.decode().strip().splitlines()[-1] for r in runs]
    assert outputs == ["TOML True", "TOML False"], [r.stderr for r in runs]
