"""Segmentation: what becomes a search term, for stored articles and for queries alike."""

from __future__ import annotations

import pytest

from crawler.derived.fields import TERMS_VERSION, search_fields
from crawler.derived.terms import document_terms, query_terms, to_simplified


def test_chinese_is_segmented_into_words_with_sub_words_on_documents() -> None:
    terms = document_terms("东营市召开农田水利建设会议")
    assert {"东营市", "东营", "农田水利", "农田", "水利", "召开", "会议", "建设"} <= set(terms)


def test_queries_use_whole_words_that_documents_contain() -> None:
    assert query_terms("东营市农田水利") == ["东营市", "农田水利"]
    assert set(query_terms("东营市农田水利")) <= set(document_terms("东营市召开农田水利建设会议"))


@pytest.mark.parametrize(("traditional", "simplified"), [("東營", "东营"), ("濕地 候鳥", "湿地 候鸟")])
def test_script_does_not_matter(traditional: str, simplified: str) -> None:
    assert query_terms(traditional) == query_terms(simplified)
    assert document_terms(traditional) == document_terms(simplified)
    assert to_simplified(traditional) == simplified


def test_latin_lowercased_fullwidth_normalised_punctuation_and_stopwords_dropped() -> None:
    terms = document_terms("Ｗetland ＷＥＴＬＡＮＤ wetland, the 的 G20！！ —— 。")
    assert terms == ["wetland", "g20"]


def test_terms_are_unique_and_title_terms_come_first() -> None:
    terms = document_terms("候鸟", "湿地 候鸟 湿地 候鸟")
    assert terms == ["候鸟", "湿地"]


def test_query_of_only_stopwords_has_no_terms() -> None:
    assert query_terms("的 了 the") == []


def test_search_fields_fill_simplified_copies_and_keep_given_ones() -> None:
    fields = search_fields({"title": "東營", "text": "濕地", "title_simplified": None})
    assert fields["title_simplified"] == "东营" and fields["text_simplified"] == "湿地"
    assert fields["title_terms"] == ["东营"] and fields["terms"] == ["东营", "湿地"]
    assert fields["terms_version"] == TERMS_VERSION
    kept = search_fields({"title": "x", "text": "y", "title_simplified": "given", "text_simplified": "copy"})
    assert kept["title_simplified"] == "given" and kept["terms"] == ["given", "copy"]


#: News sentences with names, places, numbers, Latin words and rare words (HMM would guess there).
SEGMENTATION_SAMPLES = (
    "东营市召开农田水利建设会议，市委书记李国强出席并讲话。",
    "2026年11月29日上午，黄河三角洲国家级自然保护区迎来今冬首批东方白鹳，约1200只。",
    "记者从市交通运输局获悉，G20青银高速东营段改扩建工程预计明年6月底完工。",
    "垦利区胜坨镇王家庄村党支部书记王洪涛带领村民发展设施蔬菜大棚，人均增收3000余元。",
    "据新华社北京电 国务院新闻办公室今日举行发布会，介绍“十四五”规划实施情况。",
    "iPhone用户反映，微信8.0.49版本在iOS 17上偶发闪退；腾讯客服称已修复。",
    "濕地候鳥保護條例（草案）徵求意見稿公布 市民可於12月15日前提交意見",
    "啊啊啊啊啊啊 ～～～ 哈哈哈哈哈 ！！！ 1234567890 abcdefghij",
)


def test_rjieba_cuts_exactly_as_jieba_without_hmm() -> None:
    """The segmenter changed from jieba to rjieba: stored terms and queries must not change."""
    import jieba
    import rjieba

    from crawler.derived.terms import normalize

    reference = jieba.Tokenizer()
    fast = rjieba.Jieba()
    for sample in SEGMENTATION_SAMPLES:
        text = normalize(sample)
        assert fast.cut(text, False) == list(reference.cut(text, HMM=False)), sample
        assert fast.cut_for_search(text, False) == list(reference.cut_for_search(text, HMM=False)), sample
