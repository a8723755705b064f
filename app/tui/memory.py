"""Keeping the garbage collector's pauses short in a session that lasts all day.

A full collection pauses the UI while it scans every object that survived the younger ones.
Three things made those pauses frequent and growing with the conversation:

- everything built at start (Textual, the knowledge base, the matcher's index) was scanned again
  on each full collection: it is frozen once built, so only what came later is looked at;
- a frame of Textual allocates thousands of short-lived objects, so the default young-generation
  threshold (700) ran collections several times a frame and promoted objects a frame was still
  using: it is raised, so those die young and full collections come rarely;
- Textual caches a per-widget method with `lru_cache`, which keeps up to 1024 removed widgets'
  rendered lines alive: that cache is emptied when a conversation drops its old cards.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 10_000
_DEFAULT_YOUNG = gc.get_threshold()[0]
_frozen = False


def freeze_startup() -> None:
    """Leave what exists now out of later collections.

    Only the young generations are collected first: a full collection here would take as long
    as the heap is large (a host process's too), and the freeze itself costs nothing.
    """
    global _frozen
    gc.collect(1)
    gc.freeze()
    _frozen = True
    young, older, oldest = gc.get_threshold()
    gc.set_threshold(max(young, YOUNG_THRESHOLD), older, oldest)


def unfreeze() -> None:
    """Give the frozen objects back to the collector (the app is closing)."""
    global _frozen
    if _frozen:
        gc.unfreeze()
        _frozen = False
        _young, older, oldest = gc.get_threshold()
        gc.set_threshold(_DEFAULT_YOUNG, older, oldest)


def release_removed_lines() -> None:
    """Drop the lines Textual still holds for widgets that were removed."""
    try:
        from textual._styles_cache import StylesCache
    except ImportError:  # a later Textual moved it; nothing to release then
        return
    cache_clear = getattr(StylesCache.get_inner_outer, "cache_clear", None)
    if cache_clear is not None:
        cache_clear()
