"""Recall-aware decoding and the document-level post-pass of the NER taggers (rasd.ner_document)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rasd.document import Document
from rasd.errors import InputError
from rasd.evaluate.ner import evaluate_ner
from rasd.ner import CRF_DOCUMENT_OPTIONS, Tagger, TagOptions, sentence_chunks
from rasd.ner_document import (
    TAGS,
    DocumentOptions,
    Scored,
    decode_biased,
    decode_document,
    iob_spans,
    make_consistent,
    same_word,
    stop_words,
    sure_o_cutoff,
    variants,
)
from rasd.ner_features import Resources
from rasd.text import normalise_text, segment
from tests.conftest import ROOT

CARRY = DocumentOptions(propagate=True, name_parts=True, strip_article=False)


@pytest.fixture(scope="module")
def stop() -> frozenset[str]:
    return stop_words(CARRY, Resources.load().triggers)


def _scored(words: str, tags: str, score: float = 0.9) -> Scored:
    """A sentence as a tagger would score it: each tag with probability ``score``."""
    norms = [normalise_text(w) for w in words.split()]
    tag_list = tags.split()
    assert len(tag_list) == len(norms)
    probs = np.zeros((len(norms), len(TAGS)))
    for k, tag in enumerate(tag_list):
        probs[k, TAGS.index(tag)] = score
        probs[k, 0 if tag != "O" else 1] += 1 - score
    return Scored(norms, tag_list, probs)


def _mentions(sentences: list[Scored], tags: list[list[str]]) -> list[tuple[str, str]]:
    return [
        (" ".join(s.norms[i:j]), kind)
        for s, t in zip(sentences, tags, strict=True)
        for i, j, kind in iob_spans(t)
    ]


# ---------------------------------------------------------------- words
@pytest.mark.parametrize(
    ("word", "article", "expected"),
    [
        ("وبوش", True, {"وبوش", "بوش"}),
        ("بالعراق", True, {"بالعراق", "العراق", "عراق"}),
        ("بالعراق", False, {"بالعراق", "العراق"}),
        ("للرئيس", True, {"للرئيس", "الرئيس", "رئيس"}),
        ("الجمعة", False, {"الجمعة"}),
        ("بوش", True, {"بوش"}),  # ب is no preposition when only two letters would remain
    ],
)
def test_variants_strip_proclitics(word, article, expected):
    assert set(variants(word, article=article)) == expected


@pytest.mark.parametrize(
    ("a", "b", "article", "same"),
    [
        ("وبوش", "بوش", True, True),
        ("بيريز", "لبيريز", True, True),
        ("العراق", "بالعراق", False, True),
        ("وليد", "بليد", True, False),  # neither is the other with a proclitic
        ("جمعة", "الجمعة", False, False),  # a name is not the definite noun
        ("جمعة", "الجمعة", True, True),
    ],
)
def test_same_word(a, b, article, same):
    assert same_word(a, b, article=article) is same


# ---------------------------------------------------------------- recall-aware decoding
def _probs(*rows: dict[str, float]) -> np.ndarray:
    out = np.zeros((len(rows), len(TAGS)))
    for k, row in enumerate(rows):
        for tag, p in row.items():
            out[k, TAGS.index(tag)] = p
    return out


def test_bias_turns_an_unsure_o_into_an_entity_only_for_its_type():
    probs = _probs({"O": 1.0}, {"O": 0.6, "B-ORG": 0.4}, {"O": 1.0})
    tags = ["O", "O", "O"]
    assert decode_biased(tags, probs, (0.0, 0.0, 0.0, 0.0)) == tags
    assert decode_biased(tags, probs, (2.0, 2.0, 0.0, 2.0)) == tags  # ORG not biased
    assert decode_biased(tags, probs, (0.0, 0.0, 1.0, 0.0)) == ["O", "B-ORG", "O"]
    assert tags == ["O", "O", "O"]


def test_biased_redecoding_keeps_iob_valid_and_extends_a_name():
    # "وزارة الإعلام": the Viterbi path took only the first word; the second's I-ORG is likely
    probs = _probs({"B-ORG": 0.8, "O": 0.2}, {"O": 0.55, "I-ORG": 0.4, "I-LOC": 0.05}, {"O": 1})
    out = decode_biased(["B-ORG", "O", "O"], probs, (0.0, 0.0, 1.0, 0.0))
    assert out == ["B-ORG", "I-ORG", "O"]
    # an I- after a sure O is no valid start: the stretch stays O rather than become "I-PERS"
    alone = _probs({"O": 1.0}, {"O": 0.5, "I-PERS": 0.5}, {"O": 1.0})
    assert decode_biased(["O", "O", "O"], alone, (1.0, 0.0, 0.0, 0.0)) == ["O", "O", "O"]


@pytest.mark.parametrize(("bias", "cutoff"), [((0.0,) * 4, 1.0), ((0.0, 1.0, 2.0, 0.5), 0.8808)])
def test_sure_o_cutoff(bias, cutoff):
    assert sure_o_cutoff(bias) == pytest.approx(cutoff, abs=1e-4)


# ---------------------------------------------------------------- document consistency
def test_a_name_is_tagged_where_it_recurs_untagged_with_its_proclitics(stop):
    doc = [
        _scored("واستقبل بيريز الوفد في القدس", "O B-PERS O O B-LOC"),
        _scored("وقال لبيريز إن الاتفاق قريب", "O O O O O"),
    ]
    tags = make_consistent(doc, [s.tags for s in doc], CARRY, stop)
    assert ("لبيريز", "PERS") in _mentions(doc, tags)
    assert doc[1].tags == ["O"] * 5  # the input is not changed


def test_a_family_name_alone_becomes_a_person_but_not_a_common_word(stop):
    doc = [
        _scored("قال قاسم جومارت توكاييف ومحمد علي", "O B-PERS I-PERS I-PERS B-PERS I-PERS"),
        _scored("وأعلن توكاييف أن الهجوم وقع علي المطار", "O O O O O O O"),
    ]
    found = _mentions(doc, make_consistent(doc, [s.tags for s in doc], CARRY, stop))
    assert ("توكاييف", "PERS") in found
    assert ("قاسم", "PERS") not in found  # the given name does not recur here
    assert ("علي", "PERS") not in found  # علي is also the preposition "on"


def test_name_parts_do_not_match_the_definite_noun(stop):
    doc = [
        _scored("وقدم خالد جمعة الشكر", "O B-PERS I-PERS O"),
        _scored("وصل جمعة يوم الجمعة", "O O O O"),
    ]
    found = _mentions(doc, make_consistent(doc, [s.tags for s in doc], CARRY, stop))
    assert ("جمعة", "PERS") in found
    assert ("الجمعة", "PERS") not in found


def test_recurrences_take_the_type_with_the_largest_summed_confidence(stop):
    doc = [
        _scored("أعلنت نوكيا أرباحها", "O B-ORG O", 0.9),
        _scored("وقالت نوكيا إن", "O B-ORG O", 0.8),
        _scored("في نوكيا", "O B-LOC", 0.5),
        _scored("وباعت نوكيا هواتف", "O O O"),
    ]
    tags = make_consistent(doc, [s.tags for s in doc], CARRY, stop)
    assert tags[3] == ["O", "B-ORG", "O"]
    assert tags[2] == ["O", "B-LOC"]  # without resolve_types the mention keeps its type
    resolved = DocumentOptions(resolve_types=True)
    assert make_consistent(doc, [s.tags for s in doc], resolved, stop)[2] == ["O", "B-ORG"]


def test_a_recurrence_inside_another_entity_is_left_alone(stop):
    doc = [
        _scored("زار بوتين موسكو", "O B-PERS B-LOC"),
        _scored("شارع بوتين الكبير", "B-LOC I-LOC I-LOC"),
    ]
    tags = make_consistent(doc, [s.tags for s in doc], CARRY, stop)
    assert tags[1] == ["B-LOC", "I-LOC", "I-LOC"]


WORDS = ["بوش", "وبوش", "جورج", "لندن", "بلندن", "في", "قال", "علي", "الجمعة", "جمعة", "ال"]


@st.composite
def _documents(draw):
    sentences = []
    for _ in range(draw(st.integers(1, 4))):
        words = draw(st.lists(st.sampled_from(WORDS), min_size=0, max_size=8))
        tags = draw(st.lists(st.sampled_from(TAGS), min_size=len(words), max_size=len(words)))
        probs = np.array(
            draw(
                st.lists(
                    st.lists(st.floats(0, 1), min_size=len(TAGS), max_size=len(TAGS)),
                    min_size=len(words),
                    max_size=len(words),
                )
            )
        ).reshape(len(words), len(TAGS))
        sentences.append(Scored(words, list(tags), probs))
    return sentences


@settings(max_examples=60, deadline=None)
@given(_documents())
def test_post_pass_keeps_every_mention_and_valid_iob(doc):
    stop = frozenset({"في", "قال", "علي"})
    tags = decode_document(doc, CARRY, stop)
    for sent, before, after in zip(doc, [s.tags for s in doc], tags, strict=True):
        assert len(after) == len(sent.norms)
        for prev, tag in zip(["O", *after], after, strict=False):
            assert not (tag.startswith("I-") and prev[2:] != tag[2:])
        fixed = before.copy()
        for k, tag in enumerate(fixed):  # the input as conlleval reads it
            if tag.startswith("I-") and (k == 0 or fixed[k - 1][2:] != tag[2:]):
                fixed[k] = "B-" + tag[2:]
        assert set(iob_spans(fixed)) <= set(iob_spans(after))


# ---------------------------------------------------------------- the taggers
MODEL = ROOT / "src" / "rasd" / "models" / "ner.crfsuite"
TEXT = (
    "قال الرئيس الكازاخي قاسم جومارت توكاييف إن قوات حفظ السلام ستغادر البلاد. "
    "وأضاف توكاييف في كلمة أمام البرلمان في أستانا أن الوضع مستقر. "
    "وكان توكاييف قد طلب المساعدة من روسيا."
)


def test_tag_gives_what_tag_document_gives():
    doc = segment(Document(TEXT))
    tagger = Tagger.builtin()
    chunks = sentence_chunks(doc)
    tags = tagger.tag_document([[t.norm for t in chunk] for chunk in chunks])
    expected = [
        (chunk[i].start, chunk[j - 1].end)
        for chunk, sent_tags in zip(chunks, tags, strict=True)
        for i, j, _ in iob_spans(sent_tags)
    ]
    assert [(e.start, e.end) for e in tagger.tag(doc)] == expected


@pytest.mark.parametrize(
    "later",
    ["مودي يزور الصين الأسبوع المقبل.", "ولم يرد مودي على الأسئلة."],
)
def test_the_crf_carries_a_family_name_into_a_later_sentence(later):
    # the CRF alone (all options off) misses these lone mentions; the name part brings them back
    text = "أعلن رئيس الوزراء الهندي ناريندرا مودي خطة جديدة للطاقة. " + later
    found = [(e.surface, e.label) for e in Tagger.load(MODEL).tag(segment(Document(text)))]
    assert found[0] == ("ناريندرا مودي", "PER")
    assert ("مودي", "PER") in found[1:]
    assert Tagger.load(MODEL).options.document == CRF_DOCUMENT_OPTIONS


def test_all_off_is_plain_viterbi():
    plain = Tagger.load(MODEL, TagOptions(document=DocumentOptions()))
    doc = segment(Document(TEXT))
    chunks = [[t.norm for t in chunk] for chunk in sentence_chunks(doc)]
    assert plain.tag_document(chunks) == [
        plain._crf.tag(plain.featurizer.sentence(c)) for c in chunks
    ]


# ---------------------------------------------------------------- evaluation grouping
class _Recorder:
    """A stand-in tagger that records the documents it is given and tags nothing."""

    model_path = Path("recorder")

    def __init__(self) -> None:
        self.sizes: list[int] = []

    def tag_document(self, sentences):
        self.sizes.append(len(sentences))
        return [["O"] * len(s) for s in sentences]


def _conll(tmp_path: Path, n: int) -> Path:
    path = tmp_path / "gold.txt"
    path.write_text("".join("بوش B-PERS\nقال O\n\n" for _ in range(n)), encoding="utf-8")
    return path


def test_evaluation_groups_consecutive_sentences(tmp_path):
    recorder = _Recorder()
    report = evaluate_ner(_conll(tmp_path, 7), tagger=recorder, document_sentences=3)
    assert recorder.sizes == [3, 3, 1]
    assert report.metrics["document_sentences"] == 3
    assert report.metrics["micro"]["fn"] == 7


def test_evaluation_rejects_a_group_size_below_one(tmp_path):
    with pytest.raises(InputError, match="document_sentences"):
        evaluate_ner(_conll(tmp_path, 2), tagger=_Recorder(), document_sentences=0)


def test_cli_eval_ner_document_sentences(tmp_path, capsys):
    from rasd.cli import main

    conll = _conll(tmp_path, 4)
    errors = tmp_path / "errors.txt"
    code = main(["eval", "ner", "--conll", str(conll), "--document-sentences", "2",
                 "--errors", str(errors)])  # fmt: skip
    assert code == 0
    assert "documents of 2 consecutive sentences" in capsys.readouterr().out


@pytest.mark.parametrize("value", ["0", "-3", "two"])
def test_cli_eval_ner_rejects_a_bad_group_size_as_usage(tmp_path, capsys, value):
    from rasd.cli import main

    with pytest.raises(SystemExit) as stop:
        main(["eval", "ner", "--conll", str(_conll(tmp_path, 2)), "--document-sentences", value])
    assert stop.value.code == 2  # a usage error, named by argparse
    assert "--document-sentences" in capsys.readouterr().err
