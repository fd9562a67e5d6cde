"""Numbers an article states, read once at index time: scan, sentence and clause, change and period, links."""
