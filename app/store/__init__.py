"""The request store: one interface (app.store.base), SQLite (embedded default) and PostgreSQL."""
