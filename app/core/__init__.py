"""Headless core of Kotae. Nothing in this package may import Textual."""
