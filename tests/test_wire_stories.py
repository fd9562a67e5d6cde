"""Wire-style business stories (headline, then short paragraphs, "612m euros", "$1.13bn
(£600m)") written for these tests: what is read off them and what a reader asks of them.

Readers paraphrase ("lose" for "lost", "percentage" for "%"), ask for the year before the
one reported, for the share or the rest of a whole stated as "140 of its 910 branches",
and name the company: a figure never takes its numbers from an article about another.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from index.config import IndexConfig
from index.embedder import Embedder
from index.quantities.extract import extract_quantities
from index.update.build import update_index
from qa.answer import Answer
from qa.config import QAConfig
from qa.engine import Engine

WIRE = Path(__file__).parent / "data" / "wire"
BREWER = (WIRE / "marsden-pubs.txt").read_text(encoding="utf-8")
TELECOM = (WIRE / "kestrel-vltava.txt").read_text(encoding="utf-8")
FOODS = (WIRE / "oakridge-foods.txt").read_text(encoding="utf-8")
AIRLINE = (WIRE / "halden-air.txt").read_text(encoding="utf-8")
FREIGHT = (WIRE / "brannock-freight.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def wire(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Engine:
    root = tmp_path_factory.mktemp("wire")
    cfg = IndexConfig(corpus_dir=WIRE, index_dir=root / "index")
    update_index(cfg, embedder=embedder)
    return Engine(cfg, QAConfig(), embedder)


def _q(text: str, number: str, after: str = ""):
    """The quantity whose text starts with `number`, the first after the words `after`."""
    at = text.index(after) if after else 0
    return next(q for q in extract_quantities(text) if q.text.startswith(number) and q.start >= at)


def test_wire_amounts_are_read_with_their_units_changes_and_years() -> None:
    assert (_q(BREWER, "412m").value, _q(BREWER, "412m").unit) == (412e6, "EUR")
    assert _q(BREWER, "412m").when == "2004" and _q(BREWER, "530m").when == "2003"  # "a year earlier"
    assert (_q(TELECOM, "6.2m").value, _q(TELECOM, "6.2m").unit) == (6.2e6, "subscribers")
    assert _q(TELECOM, "880m").factor == pytest.approx(0.88)  # "saw sales slump 12% to"
    profit = _q(TELECOM, "4.1bn")
    assert profit.since == "2003" and not profit.when  # "up 27% from its 2003 performance"
    assert _q(BREWER, "140", "close").unit == "pubs"  # "close 140 of its 910 pubs"
    assert _q(BREWER, "35 oldest").unit == "lorries"
    price = _q(TELECOM, "640")
    assert price.unit == "CZK" and price.factor == pytest.approx(1.28)  # "a 28% premium"
    assert not [q for q in extract_quantities("He won the 100m race beside a 30m wall.") if q.value >= 1e6]
    revenue = _q(FOODS, "$2.6bn")  # "$2.6bn (£1.4bn), compared with $2.2bn in 2003": of the next year
    assert revenue.previous == 2.2e9 and not revenue.when and _q(FOODS, "$2.2bn").when == "2003"


def _figure(answer: Answer, value: float) -> None:
    assert answer.figures, answer.answer
    f = answer.figures[0]
    assert math.isclose(f.value, value, rel_tol=0.01), (f.value, f.formula)
    texts = {"marsden-pubs": BREWER, "kestrel-vltava": TELECOM, "oakridge-foods": FOODS, "halden-air": AIRLINE,
             "brannock-freight": FREIGHT}
    assert f.inputs and all(i.quote in texts[i.article_id] for i in f.inputs)


def _leads_with(answer: Answer, words: str) -> None:
    assert not answer.abstained, answer.answer
    assert words in answer.answer.split("\n")[0], answer.answer


def test_paraphrased_verbs_and_percent_words_find_the_sentence(wire: Engine) -> None:
    _leads_with(wire.ask("By what percentage did Marsden's revenue slip?"), "Revenue slipped 4.2%")
    _leads_with(wire.ask("How many staff did Marsden lose?"), "lost 2,400 staff")
    _leads_with(wire.ask("How much did Marsden make in 2004?"), "pre-tax profit of 412m euros")  # a sum, not a verb


def test_a_money_verb_asks_for_its_measure() -> None:
    from qa.retrieval.answer_type import measure_terms
    from qa.retrieval.lexical import terms
    assert measure_terms("How much did Rhein-Nord make in 2004?") == terms("profit")
    assert measure_terms("How much money did the airline lose?") == terms("loss")
    assert measure_terms("How many jobs will it make?") == []


def test_the_year_before_the_one_reported(wire: Engine) -> None:
    stated = wire.ask("What was Marsden's pre-tax profit in 2003?")
    _leads_with(stated, "down from 530m euros a year earlier")
    assert not stated.figures  # stated outright: the quote answers
    _figure(wire.ask("What was Marsden's revenue in 2003?"), 6.1e9 / 0.958)  # an article of 2004
    _figure(wire.ask("What was Vltava's full-year profit in 2003?"), 4.1e9 / 1.27)


def test_a_part_stated_against_its_whole(wire: Engine) -> None:
    _figure(wire.ask("What share of its pubs is Marsden closing?"), 140 / 910 * 100)
    _figure(wire.ask("How many pubs will Marsden have left?"), 910 - 140)


def test_each_one_of_a_counted_thing_and_the_price_before_a_premium(wire: Engine) -> None:
    _figure(wire.ask("What is the average cost of each replacement lorry?"), 70e6 / 35)
    _figure(wire.ask("What was Vltava's share price before the offer?"), 640 / 1.28)


def test_a_whole_its_stated_share_implies(wire: Engine) -> None:
    _figure(wire.ask("How big is the Czech music market?"), 1.5e6 / 0.12)  # "1.5 million albums ..., about 12% of"


def test_a_figure_takes_no_number_from_another_company(wire: Engine) -> None:
    answer = wire.ask("What was Kestrel's pre-tax profit in 2003?")
    assert not answer.figures  # only Marsden's profit is stated: never Marsden's number for Kestrel
    assert all(q.article_id == "kestrel-vltava" for q in answer.quotes)


def test_a_question_naming_what_no_article_names_is_declined(wire: Engine) -> None:
    answer = wire.ask("How many pubs did Heineken close?")
    assert answer.abstained and not answer.quotes and not answer.figures


def test_a_change_stated_in_another_sentence_or_past_a_conversion(wire: Engine) -> None:
    _figure(wire.ask("What was Oakridge's quarterly net profit a year earlier?"), 230e6 / 1.15)
    _figure(wire.ask("By what percentage did Oakridge's revenue rise?"), (2.6 / 2.2 - 1) * 100)


def test_a_share_of_the_workforce_cut_and_each_subscriber_pays(tmp_path: Path, embedder: Embedder) -> None:
    """The cut counts jobs, the workforce people: one kind, said so; the total per subscriber
    is the amount said with the subscribers, not a larger one elsewhere ("owes $47bn")."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "acme.txt").write_text(
        "Acme to cut jobs\n\nAcme, which employs 84,000 people, said it would cut up to 12,000 jobs. Its cable "
        "unit made $3.1bn from 6.2 million subscribers last year. The group owes $47bn, of which $39.5bn is "
        "principal. It sold its rail arm for $2.4bn (£1.3bn) and will spend $600m on new plants.\n",
        encoding="utf-8")
    cfg = IndexConfig(corpus_dir=corpus, index_dir=tmp_path / "index")
    update_index(cfg, embedder=embedder)
    engine = Engine(cfg, QAConfig(), embedder)
    share = engine.ask("What share of its staff could Acme cut?")
    assert share.figures and math.isclose(share.figures[0].value, 12_000 / 84_000 * 100, rel_tol=0.01)
    assert "same thing" in share.figures[0].note  # jobs and people taken as one kind, and said so
    each = engine.ask("On average, how much did each subscriber pay?")
    assert each.figures and math.isclose(each.figures[0].value, 500, rel_tol=0.01)
    pounds = engine.ask("How much is $600m in pounds?").figures[0]
    assert "1.846 dollars per pound" in pounds.formula  # the rate as the reader can check it


def test_names_and_the_peoples_that_name_their_places() -> None:
    from qa.names import names_all, question_names
    assert question_names("How many consoles did Microsoft sell in the quarter?") == ["Microsoft"]
    assert question_names("What was Time Warner's profit?") == ["Time", "Warner"]
    assert names_all(["Time", "Warner"], "TimeWarner said")  # spacing folded
    assert names_all(["Romans"], "The Roman army")  # by stem
    assert names_all(["Latin", "American"], "38 million customers in Latin America")
    assert names_all(["British"], "carmakers in the UK")
    assert not names_all(["Microsoft"], "Sony and Nintendo sold consoles")


def test_whose_results_are_asked_as_the_subject_is_an_owner() -> None:
    """ "How much did Hallam Foods earn?" needs a passage or an article about Hallam Foods."""
    from types import SimpleNamespace

    from index.article import Article
    from qa.lead.verdict import Evidence, names_owner

    text = "Oakridge profit rises\n\nNet profit at Oakridge reached $230m in the quarter."
    lead = SimpleNamespace(sentence=SimpleNamespace(article_id="oak", text=text.split("\n\n")[1]),
                           hit=SimpleNamespace(chunk=SimpleNamespace(text=text.split("\n\n")[1])))
    articles = {"oak": Article(id="oak", text=text, title="Oakridge profit rises")}

    def owned(question: str) -> bool:
        return names_owner(Evidence(question, SimpleNamespace(lead=[lead]), None, articles))  # type: ignore[arg-type]

    assert not owned("How much did Hallam Foods earn in the quarter?")
    assert owned("How much did Oakridge earn in the quarter?")
    assert owned("How much did it earn in the quarter?")


def test_airline_amounts_read_with_their_links_periods_and_parts() -> None:
    loss = _q(AIRLINE, "210m")  # "compared with a loss of 95m euros the year before"
    assert loss.previous == 95e6 and loss.when == "2004" and _q(AIRLINE, "95m").when == "2003"
    workforce = _q(AIRLINE, "15,000", "taking")  # "added 600 ground staff ..., taking its workforce to"
    assert workforce.delta == 600 and workforce.unit == "staff"
    assert _q(AIRLINE, "11", "Norway").unit == "aircraft"  # "22 of the aircraft ... in Norway and 11 in Denmark"
    lounges = _q(AIRLINE, "450m")
    assert (lounges.period_count, lounges.period_unit) == (3, "year")  # "between 2005 and 2007": both years
    assert (_q(AIRLINE, "1.2bn euro").period_count, _q(AIRLINE, "1.2bn euro").period_unit) == (3, "year")
    offer = _q(AIRLINE, "12.40")
    assert offer.per == "share" and offer.factor == pytest.approx(1.24)  # "for each Fjord Link share, a premium of"
    assert not [q for q in extract_quantities("It may seek Chapter 11 bankruptcy protection.") if q.value == 11]


def test_everyday_airline_figures(wire: Engine) -> None:
    _figure(wire.ask("What proportion of Halden's workforce is losing their jobs?"), 900 / 15_000 * 100)
    _figure(wire.ask("What was Halden's fuel bill in 2003?"), 520e6 / 1.3)  # an article reporting 2004
    _figure(wire.ask("How many people did Halden employ before the latest hiring?"), 15_000 - 600)
    _figure(wire.ask("By what percentage has Halden lowered its operating profit forecast?"), 60 / 360 * 100)
    _figure(wire.ask("What was Halden's quarterly revenue in dollars?"), 1.3e9 * 109 / 84)
    _figure(wire.ask("How many of the new aircraft will be based outside Norway and Denmark?"), 40 - 22 - 11)
    _figure(wire.ask("What is the average cost of the order per aircraft?"), 2.8e9 / 40)
    _figure(wire.ask("How much will Halden spend on lounges per year on average?"), 450e6 / 3)
    _figure(wire.ask("What was Fjord Link's share price before the offer?"), 12.40 / 1.24)
    _figure(wire.ask("What is Halden's offer worth per Fjord Link share in US dollars?"), 12.40 * 109 / 84)
    _figure(wire.ask("How much did Halden earn in the first quarter a year earlier?"), 84e6 / 0.875)
    _figure(wire.ask("How long will Halden's cash last?"), 640 / 4)  # days, the rate's own period
    _figure(wire.ask("By how much is Halden's dividend being cut?"), 0.15)  # a cut asked: a positive fall
    _figure(wire.ask("What was Halden's first-quarter profit in the same quarter last year?"), 84e6 / 0.875)
    _figure(wire.ask("At this rate, how many months will Halden's cash last?"), 640 / 4 * 12 / 365)


def test_a_quotation_that_goes_on_leads_with_its_second_sentence(wire: Engine) -> None:
    answer = wire.ask("What does the Nordbanken analyst expect?")
    _leads_with(answer, "said Ola Berg")
    assert "I expect the cuts to go deeper" in answer.answer.split("\n\n")[0]


def test_what_the_airline_article_does_not_say_is_declined(wire: Engine) -> None:
    assert wire.ask("What profit did SkyNord report?").abstained  # due to report: no sum stated
    assert wire.ask("What is Halden's staff attrition rate?").abstained  # no article speaks of attrition
    assert wire.ask("How much did Fjord Link Airways earn last year?").abstained  # its results are not given


def test_a_headline_is_never_the_lead(wire: Engine) -> None:
    """The headline repeats the question's words ("shed staff as fuel bill soars") and answers
    nothing: the lead is the story's sentence that says what happened."""
    answer = wire.ask("Is Halden Air to shed staff as its fuel bill soars?")
    _leads_with(answer, "said it would cut 900 of its 15,000 staff")
    assert not answer.answer.startswith("Halden Air to shed staff")



def test_freight_levels_linked_to_what_they_were() -> None:
    """An earlier level said past the first number's own words ("by the end of September, up
    from"), named ("down from its earlier estimate of"), bare ("to about 300,000"), and a
    market value after the sum wiped off it."""
    assert _q(FREIGHT, "61,200").previous == 48_500 and _q(FREIGHT, "48,500").unit == "containers"
    assert _q(FREIGHT, "£2.1bn").previous == 2.4e9
    pallets = _q(FREIGHT, "300,000")
    assert pallets.previous == 420_000 and pallets.unit == "pallets"
    worth = _q(FREIGHT, "£5.2bn")
    assert worth.delta == -640e6 and _q(FREIGHT, "£640m").role == "change"
    assert _q(FREIGHT, "£96.40").previous == 92.10
    assert _q(FREIGHT, "£120m").previous is None  # a forecast beside no earlier figure


def test_everyday_freight_figures(wire: Engine) -> None:
    _figure(wire.ask("By what percentage is Brannock raising its basic day rate?"), (96.40 / 92.10 - 1) * 100)
    _figure(wire.ask("What was Brannock's pre-tax profit a year earlier?"), 145e6 / 0.62)  # not the forecast
    _figure(wire.ask("How much did Brannock's container volumes grow?"), (61_200 / 48_500 - 1) * 100)
    _figure(wire.ask("By what percentage will Brannock's storage capacity fall?"), (1 - 300 / 420) * 100)
    _figure(wire.ask("By what percentage did Brannock lower its revenue outlook?"), (1 - 2.1 / 2.4) * 100)
    _figure(wire.ask("What was Brannock worth before its shares slid?"), 5.2e9 + 640e6)
