"""Taking articles in: reading files of each format and fetching pages into the corpus folder."""
