"""Storage: one SQLite database, versioned migrations, one repository per aggregate (all SQL lives here)."""
