"""The built index saved on disk with marshal, so `kotae ask` does not rebuild it each time.

The key is a hash of everything the index is built from (entries, synonyms, boilerplate,
out-of-scope topics), of the matcher's own source and of the Python version. Files live in the
user cache directory (KOTAE_CACHE_DIR overrides it), are written atomically, and a file that is
unreadable, corrupt or stale is ignored and rebuilt without a word.
"""

from __future__ import annotations

import functools
import marshal
import sys
from pathlib import Path
from typing import Any

from app.core.files import blake2b, prune, write_atomic
from app.core.knowledge import KnowledgeBase
from app.core.paths import cache_dir

FORMAT = 4
KEEP = 4  # indexes kept: a few knowledge folders or versions in use side by side
_CODE = (
    "analyzer.py",
    "index.py",
    "text.py",
    "cache.py",
    "splitter.py",
    "slips.py",
    "patterns.py",
    "joins.py",
    "sentence_marks.py",
)


@functools.lru_cache(maxsize=1)
def _code_hash() -> bytes:
    here = Path(__file__).parent
    h = blake2b(digest_size=16)
    for name in _CODE:
        try:
            h.update((here / name).read_bytes())
        except OSError:
            h.update(name.encode())
    return h.digest()


def key(kb: KnowledgeBase) -> str:
    content = (
        FORMAT,
        sys.version,
        tuple(
            (
                e.id,
                e.quote,
                e.ja.title,
                e.ja.answer,
                e.ja.questions,
                e.en.title,
                e.en.answer,
                e.en.questions,
            )
            for e in kb.entries.values()
        ),
        tuple(kb.synonyms),
        tuple(kb.concept_patterns),
        kb.not_terms,
        tuple(sorted(kb.readings.items())),
        kb.boilerplate,
        tuple(sorted(kb.message.phrases.items())),
        tuple(
            (t.id, t.ja.title, t.ja.questions, t.en.title, t.en.questions)
            for t in kb.out_of_scope.values()
        ),
    )
    h = blake2b(marshal.dumps(content), digest_size=20)
    h.update(_code_hash())
    return h.hexdigest()


def _path(kb: KnowledgeBase) -> Path:
    return cache_dir() / f"index-{key(kb)}.marshal"


def load(kb: KnowledgeBase) -> dict[str, Any] | None:
    try:
        data = marshal.loads(_path(kb).read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    return data


def save(kb: KnowledgeBase, data: dict[str, Any]) -> None:
    """Write atomically (temporary file, then rename); a cache that cannot be written is skipped."""
    try:
        cache_dir().mkdir(parents=True, exist_ok=True)
        write_atomic(_path(kb), marshal.dumps({**data, "format": FORMAT}))
    except (OSError, ValueError):
        return
    prune(cache_dir(), "index-", KEEP)
