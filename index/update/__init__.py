"""Bringing the index up to date with the corpus: build, add and watch."""
