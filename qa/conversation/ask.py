"""Answering a question in a conversation: read it with the turns before, then ask.

Reading costs no model call. A follow-up is asked in the article of the conversation:
the one its last questions asked together point to, else the last answer's; that costs
one embedding more than the question alone. A question without a reference back that uses
only words of the last answer's article is asked in that article; any other question is
asked exactly as it would be alone.
"""

from __future__ import annotations

from index.errors import QuestionError
from qa.answer import Answer
from qa.config import RetrievalMode
from qa.conversation.history import Conversation, Turn
from qa.conversation.resolve import Reading, lead_sentence, resolve
from qa.engine import Engine
from qa.figures.compute import asks_for_figure

JOINT_TURNS = 2  # earlier questions asked together with a follow-up to find its article


def ask(engine: Engine, conversation: Conversation, question: str, *, top_k: int | None = None,
        mode: RetrievalMode | None = None, now: float | None = None) -> Answer:
    """Answer `question` in `conversation` and add it as a turn; `resolved_question` says
    how it was read. A QuestionError (empty, too long) leaves the conversation as it was."""
    conversation.expire(now)
    query = engine.check_question(question)
    reading = read(engine, conversation, query)
    if reading.ask_back:
        return Answer(question=question, answer=reading.ask_back, abstained=True)
    resolved = reading.resolved
    focus = reading.focus
    if focus is not None and reading.follow_up:
        focus = conversation_article(engine, conversation, resolved, mode) or focus
    answer = engine.ask(resolved, top_k=top_k, mode=mode, focus=focus)
    shown = resolved if resolved != query else question
    answer = answer.model_copy(update={"question": question, "resolved_question": shown})
    conversation.add(_turn(question, resolved, answer), now)
    return answer


def read(engine: Engine, conversation: Conversation, query: str) -> Reading:
    """How `query` reads after the conversation's turns, in the engine's articles."""
    def article_text(article_id: str) -> str | None:
        article = engine.snapshot.articles.get(article_id)
        return article.text if article is not None else None

    return resolve(query, conversation.turns, article_text)


def conversation_article(engine: Engine, conversation: Conversation, resolved: str,
                         mode: RetrievalMode | None = None) -> str | None:
    """The article the conversation's last questions, asked together, are about: one
    question says little ("Where did they go?"), and the article of the last answer is
    only as right as that answer. The one embedding a follow-up costs beyond its reading
    asked alone."""
    recent = [t.resolved for t in conversation.turns[-JOINT_TURNS:]]
    joint = " ".join([*recent, resolved])[-engine.qa_cfg.max_question_chars:]
    if asks_for_figure(joint):  # its operands would be embedded too; a figure follows the last answer
        return None
    try:
        return _article_of(engine.ask(joint, top_k=1, mode=mode)) or None
    except QuestionError:
        return None


def _article_of(answer: Answer) -> str:
    """The article an answer quotes first, or of its closest passage when it declined."""
    if answer.quotes:
        return answer.quotes[0].article_id
    if answer.figures and answer.figures[0].inputs:
        return answer.figures[0].inputs[0].article_id
    return answer.closest.article_id if answer.closest is not None else ""


def _turn(question: str, resolved: str, answer: Answer) -> Turn:
    """What the next question may lean on: the reading, the answer's article and lead."""
    lead = ""
    if answer.quotes:
        q = answer.quotes[0]
        if q.lead_start is not None and q.lead_end is not None and q.start <= q.lead_start < q.lead_end:
            lead = q.text[q.lead_start - q.start: q.lead_end - q.start]
        else:
            lead = lead_sentence(q.text, resolved)
    return Turn(question=question, resolved=resolved, article_id=_article_of(answer), lead=lead,
                abstained=answer.abstained)
