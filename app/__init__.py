"""Kotae (答え): a bilingual assistant for an API data-usage policy."""

__version__ = "0.1.0"
