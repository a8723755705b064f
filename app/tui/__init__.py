"""Textual front end: renders what app.core decides."""
