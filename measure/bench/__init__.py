"""`newsqa bench`: speed and scale, each figure beside its floor, measured in one run.

corpus.py builds SQuAD-paragraph corpora of a given chunk count (cached), build.py
times index builds and an incremental add, query.py times `ask` and the approximate
vector search, memory.py and cold_start.py measure in fresh subprocesses, report.py prints it
all; run.py runs them. The bot's own load test (bot/telegram/throughput.py) is passed in by
the command, so measuring imports no front end.
"""
