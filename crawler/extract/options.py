"""The one options object of extraction, and the one place trafilatura's options are built.

Everything that changes how an article is extracted is a field here, validated once;
trafilatura only ever receives ``options=Extractor(...)`` made by ``trafilatura_options``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

from trafilatura.settings import Extractor, set_date_params


@dataclass(frozen=True, slots=True, kw_only=True)
class ExtractOptions:
    """How to extract (the defaults are what the bench measures)."""

    #: Keep data tables of the article body.
    include_tables: bool = True
    #: Keep reader comments (never wanted in the archive; for experiments).
    include_comments: bool = False
    #: On Chinese/Japanese pages, run trafilatura in precision mode: its length thresholds are
    #: tuned for alphabetic text and let layout tables and link lists through on CJK portals.
    cjk_precision: bool = True
    #: On Chinese/Japanese pages, also run a readability pass and keep its text when it is a
    #: cleaner part of trafilatura's (see ``body.choose_text``).
    cjk_readability: bool = True
    #: On other pages, also run trafilatura in precision mode and keep its text when it is most
    #: of the default text, cut only at its edges (``body.choose_precise``): the cut is then
    #: related links, newsletter boxes and captions that the default mode lets through.
    western_precision: bool = True
    #: Pages longer than this (characters of decoded HTML) are cut before parsing and flagged.
    max_html_chars: int = 6_000_000
    #: Share of Han/kana among letters above which a page is treated as CJK.
    cjk_share: float = 0.3
    #: htmldate's extensive (free-text) date search inside trafilatura's metadata. Off: its
    #: last resort is dateparser, whose first use compiles regexes and loads dictionaries for
    #: ~200 locales (+42 MB in every extraction worker, ~9 % of extraction CPU), while our own
    #: date evidence (dates.py) already reads the page's text lines; the date accuracy of
    #: bench/extraction_quality.py is unchanged without it (docs/performance.md).
    extensive_date_search: bool = False

    def __post_init__(self) -> None:
        if self.max_html_chars < 1024:
            raise ValueError(f"max_html_chars must be at least 1024, got {self.max_html_chars}")
        if not 0 < self.cjk_share <= 1:
            raise ValueError(f"cjk_share must be in (0, 1], got {self.cjk_share}")
        if self.cjk_share == 1 and (self.cjk_precision or self.cjk_readability):
            warnings.warn(
                "cjk_share=1 almost never classifies a page as CJK: the cjk_* options will rarely apply",
                stacklevel=3,
            )

    def trafilatura_options(
        self, url: str | None, *, cjk: bool, precision: bool | None = None, metadata: bool = True
    ) -> Extractor:
        """Trafilatura's options for one page (the only ``Extractor(...)`` construction site).

        ``precision`` overrides the mode (default: precision on CJK pages when ``cjk_precision``);
        ``metadata=False`` skips trafilatura's metadata (title, author, htmldate ...), for a second
        pass over a page whose metadata the first pass read already: it never changes the text
        (trafilatura reads metadata from its own copy of the tree and the url is given).
        """
        return Extractor(
            output_format="python",
            with_metadata=metadata,
            comments=self.include_comments,
            tables=self.include_tables,
            precision=(cjk and self.cjk_precision) if precision is None else precision,
            url=url,
            date_params=set_date_params(self.extensive_date_search),
        )


DEFAULT_OPTIONS = ExtractOptions()
