"""Where the shipped data lives: inside the wheel, or beside the package in a checkout."""

from __future__ import annotations

import os
import sys
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


def _data_dir(name: str) -> Path:
    # A wheel carries the folders inside the package; a checkout keeps them at the repo root.
    inside = _PACKAGE / name
    return inside if inside.is_dir() else _PACKAGE.parent / name


def knowledge_dir() -> Path:
    return _data_dir("knowledge")


def locales_dir() -> Path:
    return _data_dir("locales")


# Linux's XDG base directories, as platformdirs names them, without the import it costs every
# cold `kotae ask` (about 4 ms); other systems ask platformdirs. A test holds the two equal.
_XDG = {
    "cache": ("XDG_CACHE_HOME", ".cache"),
    "config": ("XDG_CONFIG_HOME", ".config"),
    "data": ("XDG_DATA_HOME", ".local/share"),
}


def user_dir(kind: str) -> Path:
    """The per-user "cache", "config" or "data" folder of Kotae."""
    if sys.platform == "linux":
        var, default = _XDG[kind]
        base = os.environ.get(var, "")
        return Path(base if base.strip() else Path.home() / default) / "kotae"
    import platformdirs

    return Path(getattr(platformdirs, f"user_{kind}_dir")("kotae"))


def cache_dir() -> Path:
    """Where built indexes and the parsed knowledge are kept (KOTAE_CACHE_DIR overrides it)."""
    env = os.environ.get("KOTAE_CACHE_DIR")
    return Path(env) if env else user_dir("cache")
