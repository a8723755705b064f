"""Where the shipped data lives: inside the wheel, or beside the package in a checkout."""

from __future__ import annotations

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
