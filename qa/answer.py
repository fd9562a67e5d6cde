"""The one answer type. The CLI, `--json`, eval and Telegram all render an `Answer`."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Quote(BaseModel):
    """A verbatim passage: `text == cleaned_article_text[start:end]`."""

    text: str
    article_id: str
    title: str
    author: str = ""
    date: str = ""
    start: int
    end: int
    score: float
    lead_start: int | None = Field(default=None, description="where the sentence the quote leads with starts "
                                   "(inside start..end); for quote 1, the sentence that answers")
    lead_end: int | None = None


class FigureInput(BaseModel):
    """A number quoted from an article and used in a figure's formula."""

    value: float
    unit: str
    quote: str = Field(description="the exact words of the article that state the number")
    article_id: str
    start: int | None = None
    end: int | None = None


class Figure(BaseModel):
    """A computed number, with the formula and the quoted inputs it came from."""

    label: str
    value: float
    unit: str
    formula: str
    inputs: list[FigureInput]
    approximate: bool = False
    note: str = ""
    kind: str = Field(default="", description="the operation: change, before, share, ratio, convert, ...")


class Answer(BaseModel):
    """What newsqa says to a question: readable text plus its evidence."""

    question: str
    answer: str
    abstained: bool
    resolved_question: str = Field(default="", description="the question as read with the conversation's "
                                   "earlier turns; equal to `question` when it stands alone")
    quotes: list[Quote] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)
    closest: Quote | None = Field(default=None, description="when abstaining: the passage closest to the "
                                  "question, shown as the closest, never as an answer")

    def model_post_init(self, _context: object) -> None:
        if not self.resolved_question:
            self.resolved_question = self.question

    def to_json(self) -> str:
        """One JSON object on one line, the contract of `newsqa ask --json`."""
        return self.model_dump_json()
