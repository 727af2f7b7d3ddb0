"""European-language bylines: each form, with lines that look alike but credit nobody."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from crawler.extract import extract_article
from crawler.extract.byline import CreditEvidence, author_marked_lines, choose_credits, collect_credits
from crawler.extract.htmltext import page_lines
from crawler.extract.page import default_profile
from crawler.extract.western_byline import is_agency, western_byline


@pytest.mark.parametrize(
    ("line", "authors", "photographers", "editors", "source"),
    [
        pytest.param("By Jane Doe", ["Jane Doe"], [], [], None, id="by"),
        pytest.param("Von Erika Mustermann", ["Erika Mustermann"], [], [], None, id="von"),
        pytest.param("par Jean Dupont, 21 juin 2018", ["Jean Dupont"], [], [], None, id="par-date"),
        pytest.param("di Mario Rossi", ["Mario Rossi"], [], [], None, id="di"),
        pytest.param("By Jane Doe and John Roe", ["Jane Doe", "John Roe"], [], [], None, id="and"),
        pytest.param(
            "Von Anna Beispiel und Bernd Probe", ["Anna Beispiel", "Bernd Probe"], [], [], None, id="und"
        ),
        pytest.param("By Jane Doe on 3 May 2021", ["Jane Doe"], [], [], None, id="on-date"),
        pytest.param("Posted on May 3, 2021 by Jane Doe", ["Jane Doe"], [], [], None, id="post-line"),
        pytest.param("Veröffentlicht am 3. Mai 2021 von janedoe", ["janedoe"], [], [], None, id="post-user"),
        pytest.param(
            "von Erika Muster03.05.2021 - 08:13 Uhr", ["Erika Muster"], [], [], None, id="glued-date"
        ),
        pytest.param(
            "Ein Beitrag von Ursula von der Probe", ["Ursula von der Probe"], [], [], None, id="particle"
        ),
        pytest.param("By T. J. Example", ["T. J. Example"], [], [], None, id="initials"),
        pytest.param("Autor: Max Muster", ["Max Muster"], [], [], None, id="autor-label"),
        pytest.param("Autor: beispiel.pl", ["beispiel.pl"], [], [], None, id="autor-site"),
        pytest.param("Text: Jane Doe, Foto: John Roe", ["Jane Doe"], ["John Roe"], [], None, id="text-foto"),
        pytest.param("Text & Fotos: Jane Doe", ["Jane Doe"], [], [], None, id="text-and-photos"),
        pytest.param("Foto: Max Muster", [], ["Max Muster"], [], None, id="photo-only"),
        pytest.param("Redaktion: Max Muster", [], [], ["Max Muster"], None, id="editor"),
        pytest.param("Von Max Muster | dpa", ["Max Muster"], [], [], "dpa", id="by-agency"),
        pytest.param("Max Muster | dpa", ["Max Muster"], [], [], "dpa", id="unlabelled-agency"),
        pytest.param(
            "By Jane Doe and John Roe, CNN", ["Jane Doe", "John Roe"], [], [], "CNN", id="outlet-acronym"
        ),
        pytest.param("(dpa)", [], [], [], "dpa", id="agency-alone"),
        pytest.param(
            "By Sid Example and Ria Muster", ["Sid Example", "Ria Muster"], [], [], None, id="first-names"
        ),
        pytest.param("Von Max Muster, Reuters", ["Max Muster"], [], [], "Reuters", id="agency-capitalised"),
        pytest.param("dpa/lno", [], [], [], "dpa/lno", id="agency-pair"),
        pytest.param("Foto: dpa", [], [], [], "dpa", id="agency-photo"),
        pytest.param("ByJ.R. Stone", ["J.R. Stone"], [], [], None, id="by-glued-to-the-name"),
        pytest.param("VonErika Muster", ["Erika Muster"], [], [], None, id="von-glued-to-the-name"),
        # negatives: prose, menus and categories that share the words
        pytest.param("Von Montag bis Freitag geöffnet", [], [], [], None, id="not-prose-weekday"),
        pytest.param("Der Bericht von Amnesty International zeigt", [], [], [], None, id="not-prose-mid"),
        pytest.param("Leasing von Firmenwagen", [], [], [], None, id="not-title-phrase"),
        pytest.param("Gespeichert von admin am 3. Mai 2021", [], [], [], None, id="not-placeholder"),
        pytest.param("Berlin Mitte | Lokales", [], [], [], None, id="not-category"),
        pytest.param("Anna Beispiel / Agentur Bild / AFP", [], [], [], None, id="not-picture-credit"),
        pytest.param("Politik/NSA/Überwachung", [], [], [], None, id="not-tag-list"),
        pytest.param("By the way, this is a sentence", [], [], [], None, id="not-lowercase-words"),
        pytest.param("By The Numbers", [], [], [], None, id="not-title-case-heading"),
        pytest.param("Bytes and Bits", [], [], [], None, id="not-a-word-starting-with-by"),
        pytest.param("Vonovia Mieter", [], [], [], None, id="not-a-name-starting-with-von"),
    ],
)
def test_western_byline_forms(line, authors, photographers, editors, source):
    credits = western_byline(line)
    assert (credits.authors, credits.photographers, credits.editors, credits.source) == (
        authors,
        photographers,
        editors,
        source,
    )


def test_agencies_are_no_people():
    assert is_agency("dpa") and is_agency("AFP/Reuters") and is_agency("Agenturen")
    assert not is_agency("Max Muster") and not is_agency("")


def _credits(**kwargs) -> tuple[list[str], str | None]:
    credits = collect_credits(CreditEvidence(cjk=False, **kwargs))
    return credits.authors, credits.source


def test_a_visible_byline_beats_a_declared_author_that_disagrees():
    evidence = CreditEvidence(
        header=("Von Erika Mustermann",),
        declared=("Max Muster",),
        printed="Von Erika Mustermann\nMax Muster",
    )
    credits, choices = choose_credits(evidence)
    choice = choices["authors"]
    assert credits.authors == ["Erika Mustermann"]
    assert choice.source == "header"
    assert {c.source for c in choice.candidates} == {"header", "declared"}


def test_a_by_word_alone_on_its_line_takes_the_next_line():
    assert _credits(header=("Par", "Jean Dupont", "le 14.09.2020"))[0] == ["Jean Dupont"]


@pytest.mark.parametrize(("label", "authors"), [("| By", ["Cara Example"]), ("·", []), ("| Bye", [])])
def test_a_by_word_between_the_templates_separators_takes_the_next_line(label, authors):
    assert _credits(header=("yas!", label, "Cara Example |", "April 13, 2020"))[0] == authors


def test_a_byline_opening_the_body():
    assert _credits(paragraphs=("Von Erika Mustermann", "Der Text beginnt hier und geht lange weiter."))[
        0
    ] == ["Erika Mustermann"]


def test_a_declared_author_the_page_never_prints_is_dropped():
    assert _credits(declared=("Max Muster",), printed="Ein Text ohne Namen")[0] == []
    # printed in other letter case (a CSS text-transform) still counts
    assert _credits(declared=("Max Muster",), printed="By MAX MUSTER")[0] == ["Max Muster"]


@pytest.mark.parametrize("placeholder", ["admin", "Name", "Autor", "publisher", "anonymous"])
def test_placeholder_authors_are_dropped(placeholder):
    assert _credits(declared=(placeholder,), printed=f"{placeholder} wrote")[0] == []


def test_a_profile_link_is_no_author():
    url = "https://example.org/author/someone/"
    assert _credits(declared=(url,), printed=url)[0] == []


def test_the_sites_own_name_declared_as_author_is_the_source():
    printed = "Beispielwoche\nDer Text"
    by_host = _credits(declared=("Beispielwoche",), printed=printed, url="https://www.beispielwoche.de/a")
    assert by_host == ([], "Beispielwoche")
    by_name = _credits(declared=("Example Times",), printed="Example Times", site_names=("Example Times",))
    assert by_name == ([], "Example Times")
    # a person's name on another site stays an author
    assert _credits(declared=("Max Muster",), printed="Max Muster", url="https://news.example/a")[0] == [
        "Max Muster"
    ]


def test_a_declared_agency_is_the_source():
    assert _credits(declared=("AFP",), printed="AFP") == ([], "AFP")


def test_an_initial_keeps_its_period():
    assert _credits(declared=("Juan Ejemplo C.",), printed="Juan Ejemplo C.")[0] == ["Juan Ejemplo C."]


PAGE = """<html><head><title>Ein Beispiel - Beispielblatt</title>
<meta name="author" content="Max Muster"></head><body>
<nav><a href="/">Start</a> <a href="/politik">Politik</a></nav>
<article><h1>Ein Beispiel</h1>
<p class="meta">Von Erika Mustermann | dpa</p>
<p>Der erste Absatz des Artikels erzählt, was in der Stadt geschehen ist, und zwar ausführlich genug.</p>
<p>Der zweite Absatz erzählt weiter, was die Leute dazu sagen, und warum es wichtig ist für alle.</p>
<p>Der dritte Absatz schließt den Bericht mit einem Ausblick auf die nächsten Wochen und Monate ab.</p>
<p class="credit">Foto: Anna Beispiel</p>
</article><footer>Max Muster ist unser Webmaster.</footer></body></html>"""


def test_a_page_with_a_visible_byline_an_agency_and_a_photo_credit():
    article = extract_article(
        PAGE, "https://beispielblatt.example/a.html", default_profile("https://x.example")
    )
    assert article.authors == ["Erika Mustermann"]
    assert article.source == "dpa"
    assert article.photographers == ["Anna Beispiel"]


def _page(meta_line: str) -> str:
    return f"""<html><head><title>Ein Beispiel</title></head><body>
<article><h1>Ein Beispiel</h1>
{meta_line}
<p>Der erste Absatz des Artikels erzählt, was in der Stadt geschehen ist, und zwar ausführlich genug.</p>
<p>Der zweite Absatz erzählt weiter, was die Leute dazu sagen, und warum es wichtig ist für alle.</p>
<p>Der dritte Absatz schließt den Bericht mit einem Ausblick auf die nächsten Wochen und Monate ab.</p>
</article></body></html>"""


@pytest.mark.parametrize(
    ("meta_line", "authors"),
    [
        ('<div class="article-author">Erika Mustermann</div>', ["Erika Mustermann"]),
        (
            '<div class="meta"><span class="byline">Erika Mustermann, 3. Mai 2021</span></div>',
            ["Erika Mustermann"],
        ),
        ('<div class="autor">Erika Mustermann und Max Muster</div>', ["Erika Mustermann", "Max Muster"]),
        # negatives: a commenter, a lone word, a field's label, an unmarked name line
        ('<div class="comment-author">Erika Mustermann</div>', []),
        ('<div class="author-box">News</div>', []),
        ('<div class="author-meta">Kategorien: Allgemein</div>', []),
        ("<div>Erika Mustermann</div>", []),
    ],
)
def test_a_name_line_the_page_marks_as_its_authors(meta_line, authors):
    lines = page_lines(lxml_html.document_fromstring(_page(meta_line)))
    title = next(i for i, line in enumerate(lines) if line.heading)
    marked = author_marked_lines(lines, title, title + 2)
    credits = collect_credits(CreditEvidence(marked=marked, cjk=False))
    assert credits.authors == authors


def test_a_marked_name_line_on_a_page():
    html = _page('<div class="article-author">Erika Mustermann</div>')
    article = extract_article(html, "https://beispiel.example/a.html", default_profile("https://x.example"))
    assert article.authors == ["Erika Mustermann"]


def test_a_declared_company_is_the_source():
    assert _credits(declared=("Beispiel GmbH",), printed="Beispiel GmbH") == ([], "Beispiel GmbH")
    assert _credits(declared=("Muster eG",), printed="Muster eG") == ([], "Muster eG")
    # a name that merely contains the letters stays a person
    assert _credits(declared=("Agathe Agnes",), printed="Agathe Agnes")[0] == ["Agathe Agnes"]


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("11.12.2019 - Amelie Beispiel", ["Amelie Beispiel"]),
        ("04.02.2022 | 13:10 Uhr | Uta Muster", ["Uta Muster"]),
        ("Jane Doe | April 13, 2020", ["Jane Doe"]),
        ("Verfasst von: mitundvoneinander | 31. Dezember 2008", ["mitundvoneinander"]),
        # negatives: a date line with a section, a place and a name, a source, or no date
        ("11.12.2019 | Politik", []),
        ("11.12.2019 - Amelie Beispiel - Berlin", []),
        ("28.04.2021 - 07:18 | Quelle: dpa-afx", []),
        ("Amelie Beispiel - Berlin", []),
        ("Thursday, November 9, 2023 7:35AM", []),
        ("07/05/2022 20H06 - ACTUALIZADO A 07/05/2022 20H17", []),  # an update stamp
    ],
)
def test_a_date_line_naming_only_a_person(line, authors):
    assert _credits(header=(line,))[0] == authors


def test_a_date_line_over_the_headline_names_the_author():
    assert _credits(above_title="04.02.2022 | 13:10 Uhr | Uta Muster")[0] == ["Uta Muster"]
    assert _credits(above_title="Startseite | Aktuelles | Presse")[0] == []
    # a byline under the headline comes first
    assert _credits(above_title="04.02.2022 | Uta Muster", header=("Von Erika Beispiel",))[0] == [
        "Erika Beispiel"
    ]
