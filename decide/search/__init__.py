"""One search interface: SQLite FTS5 on the embedded default, PostgreSQL full text in production."""
