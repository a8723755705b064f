"""Declarative workflows (deletion, DPA): schema, field checks, engine, validation."""
