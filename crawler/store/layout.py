"""The learned site templates, kept between crawls: one document per site in `layouts`.

The counting is crawler.extract.template.LayoutLearner (pure); this module only loads and
saves its counts. Places (element paths such as ``div.main>h1``) are stored as values, never as
keys: FerretDB mishandles dots in field names.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from crawler.extract.template import LayoutLearner
from crawler.store.boilerplate import replace_site_document

if TYPE_CHECKING:
    from pymongo.database import Database

COLLECTION = "layouts"


def load_layout(
    db: Database[dict[str, Any]], site: str, *, min_articles: int, min_share: float
) -> LayoutLearner:
    """The site's layout learner as last saved (a fresh one for a new site)."""
    doc = db[COLLECTION].find_one({"_id": site}) or {}
    return LayoutLearner.from_dict(doc, min_articles=min_articles, min_share=min_share)


def save_layout(db: Database[dict[str, Any]], site: str, learner: LayoutLearner) -> None:
    """Store the counts and, for people reading the database, the learned template."""
    document = {
        "_id": site,
        **learner.to_dict(),
        "template": learner.template().to_dict(),
        "updated_at": datetime.now(UTC),
    }
    replace_site_document(db[COLLECTION], document)
