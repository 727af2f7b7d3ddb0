"""Bylines of European-language pages: "By Jane Doe and John Roe", "Von Jan Koch | dpa", "Text: X".

A by-word (By, Von, Par, Por, Di, Door, Av) or a label (Autor:, Text:, Foto:) opens the credit;
the names after it are runs of capitalised words ("Ursula von der Leyen", "T. V. Raman", "ALLY
MUTNICK") split on commas and "and/und/et/y/&". What follows the names must end the credit (a
date, "on"/"am"/"le", a separator, a news agency), so that prose ("Von Montag bis Freitag") is no
byline. News agencies (dpa, AFP, Reuters …) go to the source, photo credits to the photographers,
"Redaktion:"/"Edited by" to the editors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from crawler.extract.dates import find_dates
from crawler.extract.patterns import (
    LATIN_AGENCIES,
    LATIN_AUTHOR_LABELS,
    LATIN_BY_WORDS,
    LATIN_CREDIT_STOPS,
    LATIN_EDITOR_LABELS,
    LATIN_LEGAL_FORMS,
    LATIN_NAME_JOINERS,
    LATIN_NAME_PARTICLES,
    LATIN_PHOTO_LABELS,
    LATIN_POST_WORDS,
    PLACEHOLDER_AUTHORS,
    alternation,
)


@dataclass(slots=True)
class Credits:
    """What one European-language credit line names (``byline.Byline`` takes them over)."""

    authors: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    photographers: list[str] = field(default_factory=list)
    #: The news agencies credited (dpa, dpa/lno, Reuters).
    source: str | None = None

    def __bool__(self) -> bool:
        return bool(self.authors or self.editors or self.photographers or self.source)


#: A by-word or a label at a word boundary; the kind is the group that matched.
CREDIT_WORD_RE = re.compile(
    r"(?:^|(?<=[\s|(\[·•,;:–—\-/]))(?:"
    r"(?P<photo>" + alternation(LATIN_PHOTO_LABELS, name="LATIN_PHOTO_LABELS") + r")\s{0,3}[:|]"
    r"|(?P<editor>" + alternation(LATIN_EDITOR_LABELS, name="LATIN_EDITOR_LABELS") + r")\s{0,3}[:|]?"
    r"|(?P<label>" + alternation(LATIN_AUTHOR_LABELS, name="LATIN_AUTHOR_LABELS") + r")\s{0,3}[:|]"
    r"|(?P<by>" + alternation(LATIN_BY_WORDS, name="LATIN_BY_WORDS") + r")(?:\s|:\s?)"
    r")\s{0,3}"
)
#: A word of a name: capitalised (Jan, O'Brien, Müller-Lüdenscheid, ÁVILA) or an initial (C., T.V.).
_NAME_WORD_RE = re.compile(r"^(?:[^\W\d_][.’'\-]?){1,3}$|^[^\W\d_][^\W\d_’'\-.]{0,30}\.?$")
#: Tokens of a credit: words, and the punctuation that separates names or ends the credit.
_TOKEN_RE = re.compile(r"[^\W\d_][\w.’'\-]*|\d[^\s,;|/()\[\]·•–—:]*|[^\s,;|/()\[\]·•–—:]+|[,;|/()\[\]·•–—:]")
#: A date glued to the name before it ("Nadja Demel13.12.2022"): a space goes between them.
_GLUED_DATE_RE = re.compile(r"(?<=[^\W\d_])(?=\d{1,2}\.\d{1,2}\.\d{2,4})")
#: A by-word glued to the name opening the line ("ByJ.R. Stone": two spans, no space between).
_GLUED_BY_RE = re.compile(r"^(?:By|Von|Par|Por)(?=[A-Z](?:[a-z]|\.))")
#: Separators a template prints around a credit's parts ("| By" / "Cara Stiles |", "… 2020 |").
_LINE_EDGES = " \t|·•–—-"
#: A user or site name standing for the author (uriebe, Marianne1, przepisy.pl, KB_Redaktion).
_USER_NAME_RE = re.compile(r"^[^\W_][\w.\-]{1,23}$")
_LEGAL_FORMS = frozenset(LATIN_LEGAL_FORMS)
_AGENCIES = frozenset(a.lower() for a in LATIN_AGENCIES)
_STOPS = frozenset(LATIN_CREDIT_STOPS)
_JOINERS = frozenset(LATIN_NAME_JOINERS)
_PARTICLES = frozenset(LATIN_NAME_PARTICLES)
_NAME_SEPARATORS = frozenset(",;/")
_PLACEHOLDERS = frozenset(PLACEHOLDER_AUTHORS)
_CREDIT_WORDS = frozenset(
    w.lower() for w in (*LATIN_BY_WORDS, *LATIN_AUTHOR_LABELS, *LATIN_PHOTO_LABELS, *LATIN_EDITOR_LABELS)
)
_POST_WORDS = frozenset(LATIN_POST_WORDS)
#: A credit line is short; a longer one is prose.
MAX_CREDIT_LINE = 140
#: Words a lead before the by-word may have ("Posted on 21 May 2020 by", "Ein Beitrag von").
MAX_LEAD_WORDS = 8
#: Words of one name (particles included) and names of one credit.
MAX_NAME_WORDS = 5
MAX_NAMES = 6
#: Tokens after the names that may still belong to the credit line (a date, a place).
MAX_TAIL_TOKENS = 12
#: Words of a name credited without a by-word (a first and a last name at least).
MIN_UNLABELLED_WORDS = 2
#: Letters of an outlet's acronym after a byline's people (CNN, ORF, BBC).
MAX_ACRONYM = 5
#: An agency written capitalised (Reuters, Bloomberg) is at least this long; shorter ones are
#: printed in one case (dpa, AFP), a capitalised short word being a first name (Sid, Ria).
MIN_CAPITALISED_AGENCY = 5
#: A name's word ending in a period is an initial or a title (C., Jr., Dr.), at most this long.
MAX_ABBREVIATION = 4
MAX_USER_NAME = 24


def _is_name_word(token: str) -> bool:
    """A capitalised word or an initial; a word ending in a period only when short (C., Jr., Dr.)."""
    if token.endswith(".") and len(token) > MAX_ABBREVIATION:
        return False
    lowered = token.lower()
    return (
        bool(_NAME_WORD_RE.match(token))
        and token[0].isupper()
        and lowered not in _PLACEHOLDERS
        and lowered not in _STOPS
        and lowered not in _CREDIT_WORDS
    )


def _is_agency(token: str) -> bool:
    """An agency as agencies print themselves: dpa, AFP, Reuters; "Sid" or "Ria" is a first name."""
    word = token.strip(".")
    printed = word.islower() or word.isupper() or len(word) >= MIN_CAPITALISED_AGENCY
    return printed and word.lower() in _AGENCIES


def is_company(name: str) -> bool:
    """A name ending in a legal form (Beispiel GmbH, Example Ltd., Muster eG): an organisation."""
    words = name.replace(".", "").split()
    return len(words) >= 2 and words[-1].lower() in _LEGAL_FORMS


def is_agency(name: str) -> bool:
    """A news agency's name or a list of them (dpa, AFP/Reuters, Agenturen), never a person."""
    tokens = [t for t in _TOKEN_RE.findall(name) if t not in ",;|/()[]·•–—:&"]
    return bool(tokens) and all(_is_agency(t) for t in tokens)


def _names(tokens: list[str], *, alone: bool) -> tuple[list[str], list[str], int]:
    """(people, agencies, tokens used) of the name run opening ``tokens``.

    ``alone``: the credit opens the line, so a single lower-case user name (von flerche) counts.
    """
    people: list[str] = []
    agencies: list[str] = []
    index = 0
    while index < len(tokens) and len(people) + len(agencies) < MAX_NAMES:
        token = tokens[index]
        if _is_agency(token):
            agencies.append(token)
            index += 1
        else:
            words: list[str] = []
            while index < len(tokens) and len(words) < MAX_NAME_WORDS:
                word = tokens[index]
                if (_is_agency(word) and not words) or _label_next(tokens, index):
                    break
                if _is_name_word(word) or (words and word.lower() in _PARTICLES):
                    words.append(word)
                    index += 1
                else:
                    break
            while words and words[-1].lower() in _PARTICLES:
                words.pop()
                index -= 1
            if not words:
                if alone and not people and not agencies and _user_name(tokens, index):
                    people.append(tokens[index])
                    index += 1
                break
            if people and len(words) == 1 and _acronym(words[0]):
                agencies.append(words[0])  # "By Rob Roe, CNN": the outlet after the people
            else:
                people.append(" ".join(words))
        if index < len(tokens) and _joins(tokens[index]):
            following = tokens[index + 1] if index + 1 < len(tokens) else ""
            if (
                following
                and (_is_name_word(following) or _is_agency(following))
                and not _label_next(tokens, index + 1)
            ):
                index += 1
                continue
        break
    return people, agencies, index


def _joins(token: str) -> bool:
    """A separator or a word between two names of one credit (",", "and", "und", "&")."""
    return token in _NAME_SEPARATORS or token.lower() in _JOINERS


def _label_next(tokens: list[str], index: int) -> bool:
    """Token ``index`` is another credit's label ("Text: X, Foto: Y")."""
    return index + 1 < len(tokens) and tokens[index + 1] == ":"


def _acronym(word: str) -> bool:
    """An outlet's short name in capitals (CNN, ORF, BBC), not a person."""
    return word.isupper() and word.isalpha() and 2 <= len(word) <= MAX_ACRONYM


def _user_name(tokens: list[str], index: int) -> bool:
    """A lower-case user name ending the credit (von flerche, by gnaddrig am 3. Mai)."""
    if index >= len(tokens):
        return False
    token = tokens[index]
    ends = index + 1 >= len(tokens) or tokens[index + 1].lower() in _STOPS or not tokens[index + 1].isalpha()
    plain = bool(_USER_NAME_RE.match(token)) and not token.isdigit() and token.lower() not in _PLACEHOLDERS
    return 2 <= len(token) <= MAX_USER_NAME and plain and ends


def _tail_ends_credit(tail: list[str], rest: str) -> bool:
    """What follows the names closes the credit: nothing, a separator, a date, a stop word."""
    if not tail:
        return True
    first = tail[0]
    if first in ",;|/()[]·•–—:" or first.lower() in _STOPS or _is_agency(first):
        return True
    return bool(find_dates(rest)) and find_dates(rest)[0].start < len(first) + 2


def _lead_allowed(lead: str) -> bool:
    """Before the by-word: nothing, or a post line's opening ("Posted on 3 May 2021", "Gepostet")."""
    words = lead.strip(_LINE_EDGES).split()
    if not words:
        return True
    if len(words) > MAX_LEAD_WORDS:
        return False
    return bool(find_dates(lead)) or any(w.lower().strip(":,") in _POST_WORDS for w in words)


def western_byline(line: str) -> Credits:
    """Authors, photographers, editors and agency (source) credited by one European-language line."""
    byline = Credits()
    stripped = " ".join(line.split())
    if not stripped or len(stripped) > MAX_CREDIT_LINE:
        return byline
    stripped = _GLUED_DATE_RE.sub(" ", stripped)
    stripped = _GLUED_BY_RE.sub(lambda m: m.group() + " ", stripped)
    consumed = 0
    for match in CREDIT_WORD_RE.finditer(stripped):
        if match.start() < consumed or (not byline and not _lead_allowed(stripped[: match.start()])):
            continue
        rest = stripped[match.end() :]
        tokens = _TOKEN_RE.findall(rest)
        alone = True  # the lead was checked: the credit opens the line or a post line
        people, agencies, used = _names(tokens, alone=alone)
        if not people and not agencies:
            continue
        tail = tokens[used:]
        if len(tail) > MAX_TAIL_TOKENS or not _tail_ends_credit(tail, rest[_offset(rest, tokens, used) :]):
            continue
        consumed = match.end() + _offset(rest, tokens, used)
        agencies += [t for t in tail if _is_agency(t)]
        if match.group("photo"):
            byline.photographers.extend(p for p in people if p not in byline.photographers)
        elif match.group("editor"):
            byline.editors.extend(p for p in people if p not in byline.editors)
        else:
            byline.authors.extend(p for p in people if p not in byline.authors)
        if agencies and byline.source is None:
            byline.source = "/".join(dict.fromkeys(agencies))
    if not byline:
        byline.source = agency_line(stripped)
    if not byline:
        _agency_credit(stripped, byline)
    return byline


def western_names(line: str) -> list[str]:
    """The people of an unlabelled credit line ("Jane Doe", "Jane Doe, John Roe", "Jane Doe, 3. Mai 2021").

    Read only where the page marks the line as its author's place; a by-word credit first.
    """
    credits = western_byline(line)
    if credits.authors or credits:
        return credits.authors
    stripped = _GLUED_DATE_RE.sub(" ", " ".join(line.split()))
    if len(stripped) > MAX_CREDIT_LINE:
        return []
    tokens = _TOKEN_RE.findall(stripped)
    people, _, used = _names(tokens, alone=False)
    tail = tokens[used:]
    if tail[:1] == [":"] or any(len(p.split()) < MIN_UNLABELLED_WORDS for p in people):
        return []  # "Kategorien: Allgemein", "News": a label or a word, not a person
    if (
        not people
        or len(tail) > MAX_TAIL_TOKENS
        or not _tail_ends_credit(tail, stripped[_offset(stripped, tokens, used) :])
    ):
        return []
    return people


def _agency_credit(line: str, byline: Credits) -> None:
    """An unlabelled "Jane Doe | dpa" or "Jane Doe/AFP": one person, then the agency that sent them."""
    tokens = _TOKEN_RE.findall(line)
    if len(tokens) < 3 or tokens[-2] not in "|/" or not _is_agency(tokens[-1]):
        return
    words = tokens[:-2]
    if 2 <= len(words) <= 3 and all(_is_name_word(w) and not _is_agency(w) for w in words):
        byline.authors.append(" ".join(words))
        byline.source = tokens[-1]


def _offset(rest: str, tokens: list[str], used: int) -> int:
    """Where token ``used`` starts in ``rest``."""
    position = 0
    for token in tokens[:used]:
        position = rest.find(token, position) + len(token)
    return position


#: The parts of a date line: "11.12.2019 - Jane Doe", "04.02.2022 | 13:10 Uhr | Jane Doe".
_DATE_LINE_PARTS_RE = re.compile(r"\s[-–—·•]\s|\s?\|\s?")
#: A part that is a time only: "13:10 Uhr", "07:18", "7:35AM".
_TIME_PART_RE = re.compile(r"^\d{1,2}[:.]\d{2}(?:\s?(?:Uhr|h|AM|PM|am|pm))?$")
#: Letters a date part may keep besides its date (Uhr, h, am).
MAX_DATE_PART_LETTERS = 3


def dated_names(line: str) -> list[str]:
    """The person a date line names, when it names nothing else ("11.12.2019 - Jane Doe").

    A template's unlabelled byline beside the article's date (under or over its headline): one
    part a date (and a time), one part a first and a last name; anything more is not read.
    """
    if len(line) > MAX_CREDIT_LINE:
        return []
    dated, rest = False, []
    for part in (p.strip() for p in _DATE_LINE_PARTS_RE.split(line)):
        if not part or _TIME_PART_RE.match(part):
            continue
        found = find_dates(part)
        left = part[: found[0].start] + part[found[0].end :] if found else part
        if found and sum(c.isalpha() for c in left) <= MAX_DATE_PART_LETTERS:
            dated = True
        else:
            rest.append(part)
    if not dated or len(rest) != 1 or find_dates(rest[0]):  # "20H06 - ACTUALIZADO A 07/05/2022"
        return []
    return western_names(rest[0])


def is_by_word(line: str) -> bool:
    """A line that is only a by-word or an author label ("von", "By", "Autor:"): the name is next."""
    word = line.strip(_LINE_EDGES)
    match = CREDIT_WORD_RE.match(word + " ")
    return match is not None and match.end() >= len(word) and not match.group("photo")


def agency_line(line: str) -> str | None:
    """The agencies of a line that credits only them: "(dpa)", "dpa/lno", "AFP, Reuters"."""
    tokens = [t for t in _TOKEN_RE.findall(line) if t not in ",;|/()[]·•–—:"]
    if not tokens or len(tokens) > 4 or not _is_agency(tokens[0]):
        return None
    return "/".join(tokens) if all(t.isalpha() and len(t) <= 12 for t in tokens) else None
