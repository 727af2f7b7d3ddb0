"""A site's template, learned: where its headline, date line and byline sit on the page.

Pages of one site share a template. Once the first articles of a site have been extracted,
the places (element paths, ``htmltext.element_path``) where the page-level heuristics found the
headline, the date line and the byline with confidence are counted; a place that most of them
agree on is the site's. Later pages of the site, where the heuristics alone would be misled
(a promotion line between headline and date, a <title> holding only the site's name, a byline
without a label), are read at that place first. The same counting learns the site's name from
its <title>s: the part before or after the headline (``Site - Headline``, ``Headline_Site``) that
most pages repeat is stripped from later titles and never taken for a headline.

Pure counting, like the learned boilerplate (``learned.py``): the caller keeps the counts
(``LayoutLearner.to_dict()`` / ``from_dict()``) and hands the learned ``SiteTemplate`` to
extraction (``extract_page(..., template=...)``), which stays a pure function of its inputs.
A profile's ``selectors`` still come first.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

#: The fields whose place is learned, and the <title> parts around the headline (the site's name).
FIELDS = ("title", "date", "byline", "title_prefix", "title_suffix")
#: Most places counted per field (a site has one template, or a handful).
MAX_PLACES = 50


@dataclass(frozen=True, slots=True)
class SiteTemplate:
    """Where a site prints its headline, date line and byline, and its name in its <title>s.

    Element paths and names; '' when not learned.
    """

    title: str = ""
    date: str = ""
    byline: str = ""
    title_prefix: str = ""
    title_suffix: str = ""

    def __bool__(self) -> bool:
        return any(getattr(self, name) for name in FIELDS)

    @property
    def site_names(self) -> tuple[str, ...]:
        """The site's names learned from its <title>s."""
        return tuple(name for name in (self.title_prefix, self.title_suffix) if name)

    def to_dict(self) -> dict[str, str]:
        """Plain data (for storage and for people reading the database)."""
        return {name: getattr(self, name) for name in FIELDS if getattr(self, name)}


#: No learned place: what extraction gets for a site not learned yet (one object, compared by identity).
NO_TEMPLATE = SiteTemplate()


@dataclass(slots=True)
class LayoutLearner:
    """Counts, over the articles of ONE site, where each field was found; says which place recurs.

    >>> learner = LayoutLearner(min_articles=2, min_share=0.6)
    >>> learner.add({"title": "div.main>h1"})
    >>> learner.add({"title": "div.main>h1", "date": "div.main>div.info"})
    >>> learner.template()
    SiteTemplate(title='div.main>h1', date='', byline='', title_prefix='', title_suffix='')
    """

    #: Learn nothing before this many articles of the site reported a place for the field ...
    min_articles: int
    #: ... and take a place only when at least this share of them agree on it (both from the
    #: crawl's settings, LEARN_LAYOUT_MIN_ARTICLES and LEARN_LAYOUT_MIN_SHARE: extraction reads no settings).
    min_share: float
    #: field -> place -> number of articles where the field was found there.
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    #: The learned template, kept up to date by add (None: not computed yet).
    _template: SiteTemplate | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.min_articles < 1 or not 0 < self.min_share <= 1:
            raise ValueError("min_articles must be >= 1 and 0 < min_share <= 1")

    def add(self, places: dict[str, str]) -> None:
        """Count one article by the places its fields were found at (``Article.layout``)."""
        changed = False
        for name, place in places.items():
            if name not in FIELDS or not place:
                continue
            counter = self.counts.setdefault(name, Counter())
            counter[place] += 1
            if len(counter) > MAX_PLACES:
                self.counts[name] = Counter(dict(counter.most_common(MAX_PLACES // 2)))
            changed = True
        if changed:
            self._template = None

    def _place(self, name: str) -> str:
        counter = self.counts.get(name)
        if not counter:
            return ""
        total = sum(counter.values())
        place, count = counter.most_common(1)[0]
        return place if total >= self.min_articles and count >= self.min_share * total else ""

    def template(self) -> SiteTemplate:
        """The learned template (the same object until it changes: callers may compare by identity)."""
        if self._template is None:
            self._template = SiteTemplate(**{name: self._place(name) for name in FIELDS})
        return self._template

    def to_dict(self) -> dict[str, Any]:
        """Plain data for storage: {"counts": {field: [{"place": path, "n": n}, ...]}} (no thresholds).

        Places are element paths (``div.main>h1``): values, never keys (a database key may not
        hold a dot), and in objects (FerretDB stores no nested arrays).
        """
        return {
            "counts": {
                name: [{"place": place, "n": n} for place, n in counter.most_common()]
                for name, counter in self.counts.items()
            }
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, min_articles: int, min_share: float) -> LayoutLearner:
        """Rebuild a learner from ``to_dict()`` output (malformed entries skipped)."""
        stored = data.get("counts")
        counts: dict[str, Any] = stored if isinstance(stored, dict) else {}
        learned: dict[str, Counter[str]] = {}
        for name in FIELDS:
            listed = counts.get(name)
            entries: list[Any] = listed if isinstance(listed, list) else []
            counter: Counter[str] = Counter()
            for entry in entries[:MAX_PLACES]:
                if (
                    isinstance(entry, dict)
                    and isinstance(entry.get("place"), str)
                    and isinstance(entry.get("n"), int)
                ):
                    counter[entry["place"]] += max(0, entry["n"])
            if +counter:
                learned[name] = +counter
        return cls(min_articles=min_articles, min_share=min_share, counts=learned)
