"""Conversations: follow-up questions read with the turns before them.

`history` keeps a bounded, serialisable conversation; `resolve` reads a follow-up
("And in dollars?", "What did he say?") into a question that stands alone; `ask`
answers a question in a conversation through `Engine.ask` with the article in focus.
"""
