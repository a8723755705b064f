"""The request store: records and their SQLite backend."""
