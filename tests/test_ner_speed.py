"""The shortcuts that make NER + linking fast give the same answers as the plain computation:
the CRF featurizer's bounded word cache and precomputed attribute tables, the trigger-stripping
table and the skip of tokens that start no lexicon phrase."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rasd.document import Document
from rasd.entities import PROCLITICS, Resources, _best_lexicon_match, _trigger_mention
from rasd.ner import Tagger
from rasd.ner_features import MODEL_PATH, Featurizer
from rasd.ner_features import Resources as NerResources
from rasd.text import clitic_candidates, segment

SENTENCES = [
    "قال الرئيس الكازاخي قاسم جومارت توكاييف في ألماتي إن الوضع مستقر",
    "وأعلنت وزارة الإعلام الكازاخية أن شركة شيفرون أوقفت العمل في حقل تنجيز",
    "الرياض",
    "",
    "وصل وزير الخارجية الأمريكي أنتوني بلينكن إلى لندن أمس",
]


@pytest.fixture(scope="module")
def crf() -> Tagger:
    return Tagger.load(MODEL_PATH)


def _norms(text: str) -> list[str]:
    return [t.norm for t in segment(Document(text)).tokens]


def test_word_cache_is_bounded_and_keeps_recent_words(crf: Tagger) -> None:
    featurizer = Featurizer(crf.featurizer.resources, known=crf.featurizer.known, cache_size=8)
    words = [f"كلمة{i}" for i in range(50)]
    for word in words:
        featurizer.word(word)
        featurizer.word(words[0])  # used again each time: never the least recently used
    assert len(featurizer._cache) == 8
    assert words[0] in featurizer._cache
    assert words[1] not in featurizer._cache


@pytest.mark.parametrize("text", SENTENCES)
def test_cached_features_equal_uncached(crf: Tagger, text: str) -> None:
    norms = _norms(text)
    tiny = Featurizer(crf.featurizer.resources, known=crf.featurizer.known, cache_size=1)
    roomy = Featurizer(crf.featurizer.resources, known=crf.featurizer.known)
    first = roomy.sentence(norms)
    assert tiny.sentence(norms) == first == roomy.sentence(norms)  # second call: all cached
    assert [roomy.word(n) for n in norms] == [roomy._compute(n) for n in norms]


@pytest.mark.parametrize("text", SENTENCES)
def test_tagging_features_are_the_training_strings_the_model_knows(crf: Tagger, text: str) -> None:
    """The tagger's bytes (looked up in per-offset tables, bigrams skipped when impossible) are
    exactly the training featurizer's strings that the model has weights for, in order."""
    norms = _norms(text)
    known = crf.featurizer.known
    assert known is not None
    training = Featurizer(crf.featurizer.resources).sentence(norms)
    tagging = crf.featurizer.sentence(norms)
    expected = [[f for f in item if f in known or f in ("BOS", "EOS")] for item in training]
    assert [[bytes(f).decode() for f in item] for item in tagging] == expected
    assert len(tagging) == len(norms)
    if norms:
        assert "BOS" in training[0]
        assert "EOS" in training[-1]


@pytest.fixture(scope="module")
def training(crf: Tagger) -> Featurizer:
    return Featurizer(crf.featurizer.resources)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="وبالكزرةيم|=: ", min_size=1, max_size=6), max_size=6))
def test_tagging_features_match_on_odd_words(
    crf: Tagger, training: Featurizer, norms: list[str]
) -> None:
    known = crf.featurizer.known
    assert known is not None
    expected = [
        [f for f in item if f in known or f in ("BOS", "EOS")] for item in training.sentence(norms)
    ]
    tagging = crf.featurizer.sentence(norms)
    assert [[bytes(f).decode() for f in item] for item in tagging] == expected


def _strip_by_loop(org: dict[str, str], loc: frozenset[str], norm: str) -> str:
    """The definition `Triggers.strip` precomputes."""
    for p in PROCLITICS:
        rest = norm[len(p) :]
        if norm.startswith(p) and (rest in org or rest in loc):
            return rest
    return norm


@pytest.mark.parametrize(
    ("norm", "stripped"),
    [("ووزارة", "وزارة"), ("وزارة", "وزارة"), ("بوزارة", "وزارة"), ("وحقل", "حقل"), ("قال", "قال")],
)
def test_trigger_strip(norm: str, stripped: str) -> None:
    assert Resources.builtin().triggers.strip(norm) == stripped


def test_trigger_strip_table_equals_the_loop() -> None:
    trig = Resources.builtin().triggers
    words = {p + w for p in ("", *PROCLITICS) for w in [*trig.org, *trig.loc]}
    words |= {w[1:] for w in trig.org} | {"و", "ف", "وو", "ولل"}
    for word in words:
        assert trig.strip(word) == _strip_by_loop(trig.org, trig.loc, word), word


def test_skipped_tokens_start_no_lexicon_mention(example_doc: Document) -> None:
    """A token none of whose stems is in `Resources.starts` would have found nothing."""
    res = Resources.builtin()
    norms = [t.norm for t in example_doc.tokens]
    norms += _norms(" ".join(SENTENCES))
    skipped = [i for i, n in enumerate(norms) if res.starts.isdisjoint(clitic_candidates(n))]
    assert 0 < len(skipped) < len(norms)
    for i in skipped:
        assert _best_lexicon_match(norms, i, res) is None
        assert _trigger_mention(norms, i, res) is None


def test_ner_resources_unchanged_by_tables(crf: Tagger) -> None:
    """The tables are built from the model's own attributes: one per attribute."""
    tables = crf.featurizer._tables
    assert tables is not None
    assert sum(len(t) for t in tables) == len(crf.featurizer.known or ())
    assert isinstance(crf.featurizer.resources, NerResources)
