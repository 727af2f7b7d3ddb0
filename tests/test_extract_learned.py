from __future__ import annotations

import pytest

from crawler.extract.learned import (
    BoilerplateLearner,
    fingerprint,
    normalize_paragraph,
    paragraph_fingerprints,
    remove_learned,
)

SLOGAN = "欢迎关注德州发布微信公众号，获取更多本地资讯"


TOPICS = "东营德州滨州潍坊烟台威海日照临沂菏泽聊城"


def article(n: int) -> str:
    return f"{TOPICS[n]}市新闻正文，报道了{TOPICS[n]}干部下沉一线的情况。\n{SLOGAN}\n阅读({n * 37})"


def test_same_paragraph_same_fingerprint_across_scripts_and_numbers():
    assert normalize_paragraph("阅读(1660)") == normalize_paragraph("閱讀( 25 )")
    assert fingerprint("欢迎关注德州发布") == fingerprint("歡迎關注德州發佈")


def test_short_paragraphs_are_not_fingerprinted():
    assert fingerprint("（完）") is None
    assert paragraph_fingerprints("（完）\n正文第一段内容") == [fingerprint("正文第一段内容")]


def test_learner_learns_recurring_paragraphs_only():
    learner = BoilerplateLearner(min_articles=5, min_count=3, min_share=0.5)
    for n in range(10):
        learner.add(article(n))
    learned = learner.learned()
    assert fingerprint(SLOGAN) in learned
    assert fingerprint("阅读(1)") in learned  # view counters normalise to one paragraph
    assert fingerprint(article(3).splitlines()[0]) not in learned


def test_learner_waits_for_enough_articles():
    learner = BoilerplateLearner(min_articles=20, min_count=5, min_share=0.2)
    for n in range(19):
        learner.add(article(n))
    assert learner.learned() == frozenset()


def test_learner_round_trips_through_plain_data():
    learner = BoilerplateLearner(min_articles=2, min_count=2, min_share=0.5)
    learner.add(article(1))
    learner.add(article(2))
    again = BoilerplateLearner.from_dict(learner.to_dict(), min_articles=2, min_count=2, min_share=0.5)
    assert again.learned() == learner.learned() != frozenset()


def test_the_table_stays_bounded_and_keeps_what_it_learned():
    # Every article has three paragraphs of its own (news is unique; numbers would normalise
    # away, so the paragraphs differ by a character) and the slogan.
    def unique_article(n: int) -> str:
        return "\n".join(f"{TOPICS[k]}的独有内容{chr(0x4E00 + 3 * n + k)}" for k in range(3)) + f"\n{SLOGAN}"

    bounded = BoilerplateLearner(min_articles=5, min_count=3, min_share=0.5, max_table=100)
    unbounded = BoilerplateLearner(min_articles=5, min_count=3, min_share=0.5)
    sizes = []
    for n in range(300):
        bounded.add(unique_article(n))
        unbounded.add(unique_article(n))
        sizes.append(len(bounded.counts))
    assert max(sizes) <= 100 < 800 < len(unbounded.counts)
    assert bounded.learned() == unbounded.learned() == {fingerprint(SLOGAN)}
    assert bounded.counts[fingerprint(SLOGAN)] == 300


def test_duplicates_in_one_article_count_once():
    learner = BoilerplateLearner(min_articles=1, min_count=2, min_share=0.1)
    learner.add(f"{SLOGAN}\n{SLOGAN}")
    assert learner.learned() == frozenset()


@pytest.mark.parametrize(
    "bad", [{"min_articles": 0}, {"min_share": 0}, {"min_share": 1.5}, {"min_count": 0}, {"max_table": 1}]
)
def test_thresholds_are_validated(bad):
    with pytest.raises(ValueError, match=r"min_|max_"):
        BoilerplateLearner(**{"min_articles": 20, "min_share": 0.2, "min_count": 5, **bad})


def test_remove_learned():
    kept, removed = remove_learned(["正文第一段内容", SLOGAN], frozenset({fingerprint(SLOGAN)}))
    assert (kept, removed) == (["正文第一段内容"], 1)
