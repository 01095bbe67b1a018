"""Web UI tests: the Flask test client against the real PostgreSQL schema."""
