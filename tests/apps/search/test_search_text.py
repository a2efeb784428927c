"""Query parsing, synonyms, Chinese n-grams, the tsquery text and highlighting: pure functions."""

from apps.search.backends.postgres import tsquery_text
from apps.search.text import (
    TermGroup,
    highlight,
    indexable_text,
    query_normalize,
    query_terms,
    tokenize,
)


def test_queries_are_cleaned_and_cut():
    assert query_normalize("  wireless\t\n headphones\x00 ") == "wireless headphones"
    assert query_normalize("x" * 10_000) == "x" * 200
    assert query_normalize(None) == ""


def test_tokens_are_words_and_chinese_runs_only():
    # quotes, operators and markup never survive as tokens
    assert tokenize("iPhone手机 'OR 1=1; -- <script>a&b|!c:*") == [
        "iphone", "手机", "or", "1", "1", "script", "a", "b", "c",
    ]  # fmt: skip


def test_synonyms_expand_words_phrases_and_chinese_substrings():
    assert query_terms("kestrel tee") == [
        TermGroup(alternatives=(("kestrel",),)),
        TermGroup(alternatives=(("tee",), ("t", "shirt"), ("tshirt",))),
    ]
    assert query_terms("t-shirt") == [TermGroup(alternatives=(("t", "shirt"), ("tee",), ("tshirt",)))]
    assert query_terms("华为手机") == [TermGroup(alternatives=(("华为手机",), ("华为电话",)))]


def test_chinese_runs_become_bigrams_then_characters():
    assert indexable_text("Auralis 蓝牙耳机", unigrams=True) == "Auralis 蓝牙 牙耳 耳机 蓝 牙 耳 机"
    assert indexable_text("有机棉T恤") == "有机 机棉 T 恤"


def test_the_tsquery_quotes_every_token_and_phrases_chinese():
    groups = query_terms("wireless 蓝牙耳 壶") + [TermGroup(alternatives=(("hedphones",), ("headphones",)))]
    assert tsquery_text(groups) == (
        "((('wireless'))) & ((('蓝牙' <-> '牙耳'))) & ((('壶'))) & ((('hedphones')) | (('headphones')))"
    )
    assert tsquery_text(query_terms("auralis wirel"), prefix_last=True) == "((('auralis'))) & ((('wirel':*)))"


def test_highlighting_escapes_everything_but_the_marks():
    assert highlight("<b>Wireless</b> headphones & co", ("wireless", "headphone")) == (
        "&lt;b&gt;<mark>Wireless</mark>&lt;/b&gt; <mark>headphones</mark> &amp; co"
    )
    assert highlight("无线蓝牙耳机", ("蓝牙耳",)) == "无线<mark>蓝牙耳</mark>机"
    assert highlight("<script>", ()) == "&lt;script&gt;"
