"""Widgets and screens whose text follows the interface language implement `localize`."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.dom import DOMNode

if TYPE_CHECKING:
    from app.tui.app import KotaeApp


class Localized:
    """Mixin: `localize()` redraws every interface string in the current language."""

    def localize(self) -> None:
        raise NotImplementedError


def kotae(node: DOMNode) -> KotaeApp:
    """The running KotaeApp, typed (widgets read the knowledge base and settings from it)."""
    return cast("KotaeApp", node.app)
