"""The `newsqa` command: one module a subcommand, and the terminal rendering."""
