"""Widgets of the Kotae interface; each carries its CSS in DEFAULT_CSS."""
