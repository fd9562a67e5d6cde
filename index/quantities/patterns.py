"""Tables and regular expressions that read quantities from article text.

Kept apart from the code that uses them so each reader stays short; the patterns
are compiled once at import. Names used by other `index.quantity_*` modules are
public here; helpers used only to build other patterns stay private.
"""

from __future__ import annotations

import re

# --- units -----------------------------------------------------------------

TIME_UNITS = {"year": 1.0, "quarter": 4.0, "month": 12.0, "week": 52.0, "day": 365.0}
DOLLAR_CODES = {"US": "USD", "U.S.": "USD", "HK": "HKD", "A": "AUD", "AU": "AUD",
                 "C": "CAD", "CA": "CAD", "S": "SGD", "NZ": "NZD", "NT": "TWD",
                 "CN": "CNY", "RMB": "CNY", "JP": "JPY", "": "USD"}
CURRENCY_WORD_CODES = {
    "dollar": "USD", "yuan": "CNY", "renminbi": "CNY", "rmb": "CNY", "euro": "EUR",
    "pound": "GBP", "sterling": "GBP", "yen": "JPY", "franc": "CHF", "won": "KRW",
    "rupee": "INR", "crown": "SEK", "krona": "SEK", "kronor": "SEK", "kroner": "DKK", "rand": "ZAR",
    "reais": "BRL", "rouble": "RUB", "ruble": "RUB", "lira": "TRY", "peso": "MXN", "ringgit": "MYR",
    "baht": "THB", "rupiah": "IDR", "zloty": "PLN", "zlotys": "PLN", "dirham": "AED", "riyal": "SAR",
    "naira": "NGN", "shekel": "ILS", "forint": "HUF", "koruna": "CZK", "koruny": "CZK", "hryvnia": "UAH",
}
# "Swedish crowns", "Swiss francs", "Mexican pesos", "Egyptian pounds": the nation decides the code.
NATION_CODES = {"swedish": "SEK", "norwegian": "NOK", "danish": "DKK", "czech": "CZK", "swiss": "CHF",
                "mexican": "MXN", "argentine": "ARS", "chilean": "CLP", "philippine": "PHP",
                "colombian": "COP", "indian": "INR", "pakistani": "PKR", "south african": "ZAR",
                "brazilian": "BRL", "russian": "RUB", "turkish": "TRY", "indonesian": "IDR",
                "malaysian": "MYR", "thai": "THB", "polish": "PLN", "israeli": "ILS", "hungarian": "HUF",
                "nigerian": "NGN", "saudi": "SAR", "egyptian": "EGP", "japanese": "JPY", "chinese": "CNY",
                "british": "GBP", "south korean": "KRW", "korean": "KRW"}
DOLLAR_NATIONS = {"us": "USD", "u.s.": "USD", "american": "USD", "hong kong": "HKD",
                   "hk": "HKD", "australian": "AUD", "canadian": "CAD", "singapore": "SGD",
                   "new zealand": "NZD", "taiwan": "TWD", "taiwanese": "TWD"}
_ISO = "USD|CNY|RMB|EUR|GBP|JPY|HKD|CHF|AUD|CAD|SGD|SEK|NOK|DKK|INR|KRW|BRL|ZAR|MXN|RUB|TRY|PLN|NZD"
SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6,
           "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12,
           "crore": 1e7, "crores": 1e7, "lakh": 1e5, "lakhs": 1e5}

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
         "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
         "seventeen", "eighteen", "nineteen"]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
WORD_VALUES: dict[str, int] = {w: i for i, w in enumerate(_ONES)}
WORD_VALUES.update({w: 20 + 10 * i for i, w in enumerate(_TENS)})
WORD_VALUES.update({"a": 1, "an": 1, "dozen": 12, "a dozen": 12, "single": 1, "decade": 10})
FRACTIONS = {"half": 50.0, "third": 100 / 3, "quarter": 25.0, "fifth": 20.0, "tenth": 10.0}
FACTORS = {"doubled": 2.0, "tripled": 3.0, "trebled": 3.0, "quadrupled": 4.0, "halved": 0.5}

# --- patterns ----------------------------------------------------------------

DIGITS = re.compile(r"(?<![\w.,/:\-−$€£¥])(?P<sign>[-−](?=\d))?(?P<num>\d+(?:,\d+)*(?:\.\d+)?)"
                     r"|(?:(?<=[$€£¥₹₩])|(?<=RMB|CNY|USD|EUR|GBP|JPY|HKD|CHF|AUD|CAD|SGD|SEK|NOK|DKK|INR|KRW|BRL|ZAR|MXN|RUB"
                     r"|TRY|PLN|NZD))"
                     r"(?P<sign2>[-−])?(?P<num2>\d+(?:,\d+)*(?:\.\d+)?)")
GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
_ONES_ALT = "|".join(_ONES[1:])
WORDNUM = re.compile(
    rf"(?i)(?<![\w\-])(?P<w>(?:{'|'.join(_TENS)})(?:[- ](?:{'|'.join(_ONES[1:10])}))?"
    rf"|a\s+dozen|{_ONES_ALT}|an?(?=\s+(?:thousand|million|billion|trillion)\b))"
    rf"(?:\s+(?P<hundred>hundred))?\b")
FRACTION = re.compile(
    r"(?i)(?<![\w\-])(?:(?:a|one)\s+)?(?P<f>half|third|quarter|fifth|tenth)\b"
    r"|(?<![\w\-])(?P<n>two|three|four|nine)[- ](?P<fp>thirds|quarters|fifths|tenths)\b")
FRACTION_NEXT = re.compile(r"(?i)\s+(?:of|the|its|their|his|her|our|all)\b")
FRACTION_PREV = re.compile(r"(?i)(?:first|second|third|fourth|last|final|latest|next|"
                            r"previous|the|this|that|each|every|per)\s+$")
CUR_PREFIX = re.compile(
    r"(?:(?<![A-Za-z.])(?P<code>US|U\.S\.|HK|AU|A|CA|C|S|NZ|NT|CN|RMB|JP|R)?(?P<sym>[$€£¥₹₩])"
    rf"|(?<![A-Za-z])(?P<iso>{_ISO})|(?<![A-Za-z])(?P<rs>Rs\.?))\s?(?P<sign>[-−])?$")
SCALE_ATTACHED = re.compile(r"(?i)(bn|mn|tn|m|k|b)(?![A-Za-z\d])")
SCALE_WORD = re.compile(r"(?i)\s(thousand|million|billion|trillion|bn|mn|tn|crores?|lakhs?|"
                        r"(?:mil|bil|tril)-\s?lion)\b")
PERCENT = re.compile(r"(?i)\s?%|\s?(?:per\s?cent|percent|pct)\b|\s(?:percentage\s+points?)\b")
CUR_WORD = re.compile(
    r"(?i)\s(?:(?P<nation>US|U\.S\.|American|Hong Kong|HK|Australian|Canadian|Singapore|"
    r"New Zealand|Taiwan|Taiwanese|Swedish|Norwegian|Danish|Czech|Swiss|Mexican|Argentine|Chilean|"
    r"Philippine|Colombian|Indian|Pakistani|South African|Brazilian|Russian|Turkish|Indonesian|Malaysian|"
    r"Thai|Polish|Israeli|Hungarian|Nigerian|Saudi|Egyptian|Japanese|Chinese|British|South Korean|Korean)\s)?"
    r"(?P<word>dollars?|yuan|renminbi|rmb|euros?|pounds?(?:\s+sterling)?|sterling|yen|francs?|won|rupees?|"
    r"crowns?|kronor|kroner|krona|korunas?|koruny|hryvnias?|rand|reais|roubles?|rubles?|liras?|pesos?|ringgit|baht|"
    r"rupiah|zlotys?|"
    r"dirhams?|riyals?|naira|shekels?|forints?)\b"
    rf"|\s(?P<iso>{_ISO})\b")
PER_CURRENCY = re.compile(
    r"(?i)\s+(?:per|to\s+the|to\s+one|to\s+a|against\s+the|for\s+each|for\s+every|for\s+one|a)"
    r"\s+(?:(?P<nation>US|U\.S\.|American|Hong Kong|HK)\s+)?"
    r"(?P<word>dollar|yuan|renminbi|euro|pound|yen|franc)\b")
TIMES = re.compile(r"(?i)x(?![\w])|\s?-?fold\b|\s(times)\b")
COMPARATIVE = re.compile(r"(?i)\s+(?:larger|bigger|more|greater|higher|smaller|less|lower|"
                          r"as|over|the)\b")
NOUN = re.compile(r"\s(?:(?:straight|consecutive|successive|more|new|additional|other|extra|"
                   r"full|different|separate|fewer|active|monthly|daily|annual|unique|common|ordinary|preferred|"
                   r"restricted|outstanding|unvested|vested|treasury|[a-z]{3,}est|"
                   r"[A-Z][a-z]+(?=\s[a-z]{3,}))\s)?"  # "910 German branches", "22 oldest aircraft"
                   r"(?P<noun>[a-z][a-z\-]*[a-z]|[A-Z]{2,5}s)\b")  # "1,200 tenants", "346,453 PSUs"
# Words after a number that are verbs, not what it counts: "2,150 work in maintenance".
NOT_NOUNS = frozenset("""work works worked live lives lived came come comes remain remained remains joined left
voted went died lost won said say says across plus always perhaps versus whereas besides unless""".split())  # noqa: SIM905
# "11.4 million mobile customers", "600 ground staff": a plural after a modifier is what is counted.
HEAD_NOUN = re.compile(r"\s(?P<noun>[a-z][a-z\-]*[a-z]s|staff|people|aircraft|personnel|crew|police)\b(?!['’])")
COUNT_HEADS = frozenset("""people staff job stock share""".split())  # noqa: SIM905
TIME_COMPOUND = re.compile(r"(?i)-(?P<tu>year|month|week|day|quarter|hour|minute)s?\b")
# "a 43-yard field goal", "a 10-mile race": a measure written as one hyphenated word.
MEASURE_COMPOUND = re.compile(
    r"(?i)-(?P<mu>yard|mile|foot|feet|inch|metre|meter|kilometre|kilometer|pound|ton|tonne|acre)s?\b")
MEASURE_PLURALS = {"foot": "feet", "feet": "feet", "inch": "inches"}
STOP = frozenset(
    """a an the of in on at to by for from with as and or but than that this
these those which who whom whose is was were are be been being has had have will would
could should may might can do did does it its their his her our your my per since over under
after before when while into onto during compared against up down about around out off
through until within without via between among percent cent if so not no nor yet also just
only still even there here where why how what then thus hence s""".split()  # noqa: SIM905
)
MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|"
           "december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
MONTH_BEFORE = re.compile(rf"(?i)\b(?:{MONTHS})\.?\s+$")
MONTH_AFTER = re.compile(rf"(?i)\s+(?:{MONTHS})\b")
YEN_IS_YUAN = re.compile(r"(?i)\b(?:yuan|renminbi|rmb|cny)\b")
YEN_IS_YEN = re.compile(r"(?i)\byen\b|\bjpy\b")

APPROX_WORDS = {
    "about": "about", "around": "about", "approximately": "about", "approx.": "about",
    "roughly": "about", "some": "about", "nearly": "about", "almost": "about",
    "close to": "about", "an estimated": "about", "estimated": "about", "circa": "about",
    "~": "about", "more than": "at least", "over": "at least", "at least": "at least",
    "upwards of": "at least", "in excess of": "at least", "just over": "at least",
    "above": "at least", "less than": "at most", "under": "at most", "up to": "at most",
    "at most": "at most", "fewer than": "at most", "no more than": "at most",
    "just under": "at most", "below": "at most",
}
_APPROX_ALT = "|".join(sorted((re.escape(w) for w in APPROX_WORDS), key=len, reverse=True))
APPROX_BEFORE = re.compile(rf"(?i)(?:^|(?<=[\s(]))(?P<w>{_APPROX_ALT})\s*$")
HEDGE_BEFORE = re.compile(r"(?i)(?<![\w-])(?:estimated|expected|forecast|projected)\s+to\s+"
                           r"(?:[a-z]+\s+){1,3}$")

_UP = ("increased|rose|risen|grew|grown|jumped|climbed|gained|surged|soared|rallied|advanced|"
       "expanded|swelled|widened|increase|increases|rise|rises|grow|grows|gain|gains|jump|jumps|up|"
       "climb|climbs|soar|soars|surge|surges|leapt|leaped|rocketed|higher|more")
DOWN = ("fell|fallen|dropped|declined|decreased|slid|sank|shrank|shrunk|slumped|plunged|"
         "tumbled|contracted|dipped|eased|slipped|narrowed|fall|falls|drop|drops|decline|declines|"
         "decrease|decreases|slump|slumps|plunge|plunges|plummeted|tumble|tumbles|slide|slides|sink|sinks|"
         "dip|dips|slip|slips|shrink|shrinks|down|lower|less")
FILLER_APPROX = r"(?:(?:just|only|a\s+further|another|an?\s+additional|some|about|around|" \
                 r"roughly|nearly|almost|more\s+than|approximately|close\s+to)\s+)*"
# "make up 38% of the total", "took up 12%": a share, not a rise.
_NOT_A_RISE = r"(?<!make\s)(?<!makes\s)(?<!made\s)(?<!making\s)(?<!take\s)(?<!takes\s)(?<!took\s)"
VERB_BEFORE = re.compile(
    rf"(?i){_NOT_A_RISE}\b(?P<verb>{_UP}|{DOWN}|cut|reduced|lowered|raised|boosted|lifted)\s+(?:by\s+)?"
    rf"{FILLER_APPROX}$")
PCT_VERB_BEFORE = re.compile(
    rf"(?i){_NOT_A_RISE}\b(?P<verb>{_UP}|{DOWN}|cut|reduced|lowered|raised|boosted)\s+(?:by\s+)?"
    r"(?:[^\d\s.;,]+\s+){0,4}$")
NOUN_CHANGE_BEFORE = re.compile(
    r"(?i)\b(?P<verb>increase|rise|jump|gain|growth|drop|fall|decline|decrease|reduction|cut)"
    rf"\s+of\s+{FILLER_APPROX}$")
CHANGE_AFTER = re.compile(
    r"(?i)\s*(?:-\s*)?(?P<verb>increase|rise|jump|gain|growth|climb|drop|fall|decline|"
    r"decrease|reduction|slump|more|less|higher|lower)\b")
# "down from 38.4%": the earlier level, not the size of a change.
FROM_AFTER_VERB = re.compile(r"(?i)\s(?:from|compared|versus|against|than)\s")
# "$23.10 a share", "$12.12 per share", "$5 a barrel": a price of one thing, not a total.
PER_THING_AFTER = re.compile(
    r"(?i)\s*(?:in\s+cash\s+)?(?:per|a|an|each|for\s+each|for\s+every|/)\s*(?-i:(?:[A-Z][\w&.'’-]*\s+){1,3})?"
    r"(?:(?:common|ordinary|diluted|basic|class\s+\w)\s+)?"
    r"(?P<noun>share|unit|barrel|gallon|litre|liter|tonne|ton|ounce|head|person|employee|"
    r"subscriber|customer|user|member|vehicle|car|home|house|room|seat|ticket|passenger|"
    r"tower|site|store|kilowatt-hour|kwh|megawatt-hour|mwh|square\s+(?:foot|feet|metre|meter|mile)|"
    r"acre|hectare|kilogram|kg|pound|mile|kilometre|kilometer|visit|order|contract|device)s?\b")
PER_THING_BEFORE = re.compile(
    r"(?i)\b(?:(?:per|a)[- ](?P<noun>share)|share\s+price|stock\s+price|price\s+per\s+"
    r"(?P<noun2>[a-z]+)|(?:closed|traded|trading|priced)\s+at)\b[^.;,\d]{0,20}$")
TO_BEFORE = re.compile(rf"(?i)\bto\s+{FILLER_APPROX}$")
FACTOR_BEFORE = re.compile(
    r"(?i)(?:\b(?P<approx>nearly|almost|more\s+than|roughly|about|close\s+to|just\s+over|"
    r"just\s+under|at\s+least)\s+)?\b(?P<verb>doubled|tripled|trebled|quadrupled|halved|"
    r"(?:rose|grew|increased|jumped|climbed|expanded|surged)\s+(?P<fold>\w+)[- ]?fold|"
    r"(?P<fold2>\w+)[- ]?fold)\b(?P<mid>[^.;\d]{0,80}?)\bto\s+"
    rf"{FILLER_APPROX}$")
FROM_TO = re.compile(r"(?i)\bfrom\s+(?:about\s+|around\s+|roughly\s+|nearly\s+)?$")
EQUIV_BETWEEN = re.compile(
    r"(?i)^(?:\s*\(\s*(?:about|around|roughly|approximately|some|or|equivalent\s+to|~)?\s*|\s*=\s*"
    r"|\s*,?\s+or\s+(?:about\s+|around\s+|roughly\s+|some\s+|approximately\s+)?"
    r"|[^\d.;()]{0,60},\s+(?:or\s+)?(?:about|around|roughly|approximately|some|equivalent\s+to)\s+)$")
EQUIV_AFTER = re.compile(r"^\s*[),.;]|^\s*$|^\s+[a-z]")
LINK_TO = re.compile(rf"(?i)^[^.;\d]{{0,60}}?\bto\s+{FILLER_APPROX}$")
# "in the fourth quarter"; "a tonne last year" ("$2,870 a tonne last year, up 61%"); "of
# copper last year" ("182,000 tonnes of copper last year, up 9.6% on 2003", "18.2 million
# tonnes of steel, up from 17.5 million")
_LINK_PP = (r"(?:\s+(?:a|an|per)\s+[a-z]+)?"
            r"(?:\s+of\s+(?!its\b|the\b|their\b)[a-z]+(?:\s+[a-z]+)?(?=\s+(?:last|this)\s|\s*,))?"
            r"(?:\s+(?:last|this)\s+(?:year|quarter|month))?"
            r"(?:\s+(?:in|for|during|over|at|on)\b[^.;\d,()]{0,40})?")
LINK_UPDOWN = re.compile(rf"(?i)^{_LINK_PP}\s*,?\s*\(?\s*(?:(?:up|down|higher|lower|increased|decreased|rose|"
                          r"fell|grew|declined|dropped|climbed|jumped|was\s+up|was\s+down)\s+(?:by\s+)?|an?\s+"
                          r"(?:increase|rise|gain|jump|drop|fall|decline|decrease)\s+of\s+)$")
# "compared with a loss of $640m": the measure named again before the earlier level.
_MEASURE_OF = r"(?:loss|profit|deficit|surplus|figure|total|level|gain|income|revenue|sales|turnover)\s+of"
# "from its previous forecast of $21bn": the earlier figure named before its number.
_NAMED_EARLIER = (rf"(?:\s+(?:an?|the|its|their)\s+(?:[a-z-]+\s+){{0,2}}?(?:{_MEASURE_OF}|forecast\s+of|"
                  r"estimate\s+of|guidance\s+of|target\s+of|projection\s+of))?")
# "had burned 48,300 acres by Wednesday morning, up from 31,000": any short words before the
# comma that says "up from" (the first number's own clause goes on).
COMMA_FROM = r"[^.;\d()]{0,60}?"
_UP_FROM = (rf"(?:(?:(?:was|were|is|are)\s+)?(?:up|down|rising|falling|climbing|dropping)\s+from{_NAMED_EARLIER}"
            rf"|compared\s+(?:with|to)(?:\s+(?:an?|the)\s+(?:[a-z-]+\s+){{0,2}}?{_MEASURE_OF})?)")
LINK_FROM = re.compile(rf"(?i)^(?:{_LINK_PP}\s*,?\s*\(?\s*(?:{_UP_FROM}|against|versus|from)"
                       rf"|{COMMA_FROM}\s*,\s*\(?\s*{_UP_FROM})\s+{FILLER_APPROX}$")
CHANGE_CUES = re.compile(
    rf"(?i)\b(?:{_UP}|{DOWN}|doubled|tripled|trebled|quadrupled|halved|\w+-?fold|"
    r"increased|decreased|climbed|declined)\b")

_WORDNUM_TOKEN = r"(?:\d+(?:\.\d+)?|" + "|".join(_ONES[1:] + _TENS) + r"|a|an|one|a\s+dozen)"
_P_UNIT = r"(?P<unit>years?|quarters?|months?|weeks?|days?|decades?)"
PERIOD_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("count", re.compile(
        rf"(?i)\b(?:over|across|during|within|for|in)\s+(?:the\s+)?(?:next|coming|past|last|"
        rf"following|previous|first|subsequent)?\s*(?P<n>{_WORDNUM_TOKEN})\s+{_P_UNIT}\b")),
    ("decade", re.compile(r"(?i)\b(?:over|across|during|within|in)\s+(?:the\s+)?(?:next|"
                          r"coming|past|last|following)\s+decade\b")),
    ("horizon", re.compile(r"(?i)\b(?:over|across|in|during)\s+the\s+(?:past|last|previous|"
                           r"preceding)\s+(?:year|twelve\s+months|12\s+months)\b")),
    # "a £1.2bn three-year investment programme": the period a total is spread over
    ("compound", re.compile(rf"(?i)\b(?P<n>{_WORDNUM_TOKEN})-(?P<unit>year|month|week)\b(?!-|\s+(?:old|high|low|"
                            r"record|best|worst|bond|note|yield|deal\s+to))")),
    # "invest $56.4bn between 2005 and 2010": six years, both named years counted
    ("span", re.compile(r"(?i)\b(?:between|from)\s+(?P<y1>(?:19|20)\d\d)\s+(?:and|to|until|through)\s+"
                        r"(?P<y2>(?:19|20)\d\d)\b")),
    ("months_to", re.compile(
        rf"(?i)\b(?P<n>{_WORDNUM_TOKEN})\s+(?P<unit>months|weeks)\s+(?:to|ended|ending|"
        r"through|until|to\s+the\s+end\s+of)\b")),
    ("quarter", re.compile(
        r"(?i)\b(?:in|during|for|over|of)\s+(?:the|its|their|this|that|a)\s+(?:(?:latest|most\s+"
        r"recent|last|recent|first|second|third|fourth|final|previous|same|current|past|"
        r"\w+-\w+|september|june|march|december)\s+)*(?:fiscal\s+|financial\s+)?quarter\b"
        r"|\bquarterly\b|\b(?:a|per|each|every)\s+quarter\b|\bq[1-4]\b")),
    ("half", re.compile(r"(?i)\b(?:first|second|the)\s+half(?:\s+of\s+the\s+year)?\b"
                        r"|\bhalf-year(?:ly)?\b|\bsemi-?annual(?:ly)?\b")),
    ("year", re.compile(
        r"(?i)\b(?:annual(?:ly)?|yearly|per\s+(?:year|annum)|a\s+year(?!\s+(?:ago|earlier|"
        r"before|later|after))|each\s+year|every\s+year|year[- ]on[- ]year|"
        r"(?:in|for|during)\s+(?:the\s+)?(?:full|fiscal|financial|calendar|whole)\s+year|"
        r"(?:in|for)\s+(?:fiscal\s+)?(?:19|20)\d\d)\b")),
    ("month", re.compile(r"(?i)\b(?:monthly|per\s+month|a\s+month(?!\s+(?:ago|earlier|later))|"
                         r"each\s+month|every\s+month)\b")),
    ("week", re.compile(r"(?i)\b(?:weekly|per\s+week|a\s+week(?!\s+(?:ago|earlier|later))|"
                        r"each\s+week|every\s+week)\b")),
    ("day", re.compile(r"(?i)\b(?:daily|per\s+day|a\s+day(?!\s+(?:ago|earlier|later))|"
                       r"each\s+day|every\s+day)\b")),
]
PERIOD_HINT = re.compile(r"(?i)year|quarter|month|week|day|annu|half|decade|q[1-4]|(?:between|from)\s+(?:19|20)\d\d")
ADJECTIVE_PERIOD = re.compile(r"(?i)quarterly|annual(?:ly)?|yearly|monthly|weekly|daily|"
                               r"semi-?annual(?:ly)?|half-year(?:ly)?")
YEAR_ON_YEAR = re.compile(r"(?i)annually|year[- ]on[- ]year")
CLAUSE_BOUNDARY = re.compile(r"[,;:](?=\s)|\s[-—–]\s|—")
SUBJECT_STARTS = frozenset("""the a an its their his her our my your it they we he she i this
that these those some many most all each every both net total one two no while whereas but
although though because when as and""".split())  # noqa: SIM905 (a clause of its own follows)
CONNECTIVE = re.compile(r"(?i)^(?:with|which|who|whose|including|includes|or|"
                         r"compared|from|to|up|down|after|before|against|"
                         r"versus|than|representing|equivalent|accounting|making|"
                         r"bringing|taking)\b")
