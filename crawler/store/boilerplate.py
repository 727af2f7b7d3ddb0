"""Learned boilerplate, kept between crawls: one document per site in `boilerplate`.

The counting itself is crawler.extract.learned.BoilerplateLearner (pure); this module only
loads and saves its counts, pruned so that a site's document stays small however many
articles it has.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pymongo.errors import DuplicateKeyError

from crawler.extract.learned import BoilerplateLearner

if TYPE_CHECKING:
    from pymongo.collection import Collection
    from pymongo.database import Database

COLLECTION = "boilerplate"
#: Most fingerprints stored per site (the most frequent); real boilerplate is always among them.
MAX_FINGERPRINTS = 20_000


def load_learner(db: Database[dict[str, Any]], site: str, **thresholds: Any) -> BoilerplateLearner:
    """The site's learner as last saved (a fresh one for a new site)."""
    doc = db[COLLECTION].find_one({"_id": site}) or {}
    return BoilerplateLearner.from_dict(doc, **thresholds)


def save_learner(db: Database[dict[str, Any]], site: str, learner: BoilerplateLearner) -> None:
    """Store the counts (pruned) and, for people reading the database, the learned set's size."""
    kept = dict(learner.most_frequent(MAX_FINGERPRINTS))
    document = {
        "_id": site,
        "articles": learner.articles,
        "counts": kept,
        "learned": sorted(learner.learned()),
        "updated_at": datetime.now(UTC),
    }
    replace_site_document(db[COLLECTION], document)


def replace_site_document(collection: Collection[dict[str, Any]], document: dict[str, Any]) -> None:
    """Store a site's learned state under its `_id`, whoever else stores it at the same time."""
    try:
        collection.replace_one({"_id": document["_id"]}, document, upsert=True)
    except DuplicateKeyError:
        # Two workers of a distributed run closing together: both upserts tried to insert, one
        # lost the race. The document exists now, so the same upsert is a plain replace.
        collection.replace_one({"_id": document["_id"]}, document, upsert=True)
