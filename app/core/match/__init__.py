"""Matching questions to knowledge entries: normalisation and the matcher."""
