"""The Telegram rendering of an Answer: escaped, parseable, split under the limit."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.telegram.html_split import TELEGRAM_LIMIT, pack, units, visible_text
from bot.telegram.render import render_answer, render_more
from qa.answer import Answer, Figure, FigureInput, Quote
from qa.figures.compute import describe_figure

BLOCKQUOTE = re.compile(r"<blockquote>(.*?)</blockquote>", re.S)
LEAD = re.compile(r"<blockquote><b>(.*?)</b>", re.S)


def quote(text: str, n: int = 0, title: str = "Alibaba's two-speed economy") -> Quote:
    return Quote(text=text, article_id="a", title=title, author="Juliana Liu",
                 date="2025-11-28", start=n, end=n + len(text), score=0.5)


def answer(question: str = "Q?", text: str = "An answer.", quotes: list[Quote] | None = None,
           figures: list[Figure] | None = None, abstained: bool = False) -> Answer:
    return Answer(question=question, answer=text, abstained=abstained, quotes=quotes or [],
                  figures=figures or [])


def visible(messages: list[str]) -> list[str]:
    return [visible_text(m) for m in messages]


def assert_fits(messages: list[str]) -> None:
    assert messages
    for m in messages:
        shown = visible_text(m)  # raises if the tags do not balance
        assert shown.strip()
        assert units(shown) <= TELEGRAM_LIMIT


def test_everything_is_escaped() -> None:
    evil = "<b>bold</b> & <script>alert(1)</script> <a href='x'>"
    msgs = render_answer(answer(question=evil, quotes=[quote(evil, title=evil)]))
    msgs += render_answer(answer(question="q", text=evil, abstained=True))
    assert "<script>" not in "".join(msgs) and "<a href" not in "".join(msgs)
    assert "&lt;script&gt;" in msgs[0]
    assert visible(msgs)[0].count(evil) == 3  # question, quote, title
    assert evil in visible(msgs)[1]  # the abstention's text
    assert_fits(msgs)


def test_quotes_in_blockquote_with_citation() -> None:
    msgs = render_answer(answer(quotes=[quote("Cloud revenue grew 34 per cent.")]))
    assert "<blockquote><b>Cloud revenue grew 34 per cent.</b>" in msgs[0]
    cite = "\n[1] <i>Alibaba's two-speed economy · Juliana Liu · 2025-11-28</i></blockquote>"
    assert cite in msgs[0]


def test_the_lead_is_bold_and_the_rest_of_the_passage_expandable() -> None:
    text = "Sales slowed. Cloud revenue grew 34 per cent. Margins held."
    q = quote(text, 100).model_copy(update={"lead_start": 114, "lead_end": 145})
    msg = render_answer(answer(quotes=[q]))[0]
    assert msg.startswith("<i>Q?</i>\n\n<blockquote><b>Cloud revenue grew 34 per cent.</b>\n[1] <i>")
    assert "<blockquote expandable>Sales slowed. … Margins held.</blockquote>" in msg
    assert_fits([msg])


def test_an_abstention_shows_the_closest_passage_labelled_so() -> None:
    ans = answer(text="The articles don't say what the share price is.", abstained=True)
    ans = ans.model_copy(update={"closest": quote("Shares are traded in Hong Kong.")})
    shown = visible(render_answer(ans))[0]
    assert "The articles don't say what the share price is." in shown
    assert "Closest passage (it does not answer the question):" in shown


def test_figure_shows_value_formula_and_inputs() -> None:
    fig = Figure(label="AI pledge per year", value=126_666_666_666.67, unit="CNY",
                 formula="380 billion yuan / 3 years",
                 inputs=[FigureInput(value=380e9, unit="CNY", quote="380 billion yuan",
                                     article_id="a")])
    msg = render_answer(answer(figures=[fig], quotes=[quote("x")]))[0]
    line = describe_figure(fig)  # the CLI's words
    assert "380 billion yuan / 3 years" in line
    assert f"<b>{line}</b>\nfrom: “<i>380 billion yuan</i>”" in msg
    assert msg.index("<blockquote>") < msg.index(f"<b>{line}")  # the lead, then the figure, as in the CLI


def test_long_answer_splits_between_paragraphs() -> None:
    quotes = [quote(f"Passage {i}: " + "word " * 80, i * 500) for i in range(40)]
    msgs = render_answer(answer(quotes=quotes))
    assert len(msgs) > 1
    assert_fits(msgs)
    found = [q for m in msgs for q in LEAD.findall(m)]
    assert found == [q.text for q in quotes]  # no passage cut: breaks fall between blocks


def test_a_huge_quote_is_cut_and_stays_verbatim() -> None:
    text = ("A sentence of the article, with 🚀 emoji. " * 400).strip()
    msgs = render_answer(answer(quotes=[quote(text)]))
    assert len(msgs) >= 4
    assert_fits(msgs)
    pieces = [q for m in msgs for q in LEAD.findall(m)]
    assert "".join(pieces) == text
    assert all(p.endswith((". ", " ")) for p in pieces[:-1])  # cut at a boundary


def test_limit_counts_utf16_units_after_entities() -> None:
    # 2,000 emoji are 4,000 UTF-16 units; "&amp;" counts as one character, not five.
    msgs = pack([[("", "😀" * 2000)], [("", "&" * 100)]])
    assert len(msgs) == 2
    assert_fits(msgs)
    assert pack([[("", "&" * 4096)]]) == ["&amp;" * 4096]


def test_more_passages_shows_the_rest() -> None:
    ans = answer(quotes=[quote(f"passage {i}") for i in range(6)])
    msg = render_more(ans, skip=3)[0]
    assert LEAD.findall(msg) == ["passage 3", "passage 4", "passage 5"]
    assert "[4]" in msg
    assert "No further passages" in render_more(ans, skip=6)[0]


def test_abstention() -> None:
    msgs = render_answer(answer(text="The articles do not say.", abstained=True))
    assert "The articles do not say." in visible(msgs)[0]
    assert "<blockquote>" not in msgs[0]


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=3000), st.text(max_size=6000), st.text(min_size=1, max_size=200))
def test_any_text_renders_to_valid_messages(q: str, passage: str, title: str) -> None:
    msgs = render_answer(answer(question=q + "?", text="ok", quotes=[quote(passage, title=title)]))
    assert_fits(msgs)
    shown = "".join(visible(msgs))
    for ch in set(passage) - set(" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029"):
        assert ch in shown
