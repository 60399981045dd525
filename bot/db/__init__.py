"""Storage: SQLite (embedded) or PostgreSQL (scale-out), numbered migrations per engine, a repository per aggregate."""
