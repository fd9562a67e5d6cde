"""`newsqa bench`: speed and scale, each figure beside its floor, measured in one run.

corpus.py builds SQuAD-paragraph corpora of a given chunk count (cached), build.py
times index builds and an incremental add, query.py times `ask` and the approximate
vector search, memory.py and cold_start.py measure in fresh subprocesses, bot_load.py
drives the real bot through the fake Bot API, report.py prints it all; run.py runs them.
"""
