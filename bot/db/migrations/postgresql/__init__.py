"""The PostgreSQL schema, migration for migration the same as the SQLite one beside it (same numbers, same meaning)."""
