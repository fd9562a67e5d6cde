"""Storing an index: versioned folders, SQLite metadata, vector segments and the read-only snapshot."""
