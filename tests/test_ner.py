"""The NER tagger: IOB reading, scoring, tagging real sentences, bad input, floors on ANERcorp."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rasd.document import Document
from rasd.errors import InputError, ModelDataError
from rasd.evaluate import Report, check_floors
from rasd.evaluate.ner import evaluate_ner, score_sentences
from rasd.ner import MAX_SENTENCE_TOKENS, Tagger, TagOptions, iob_spans, load_tagger, tag_tokens
from rasd.ner_train import read_conll
from rasd.text import segment
from tests.conftest import ROOT, shared_path


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger.builtin()


def _tag(text: str) -> list[tuple[str, str]]:
    doc = segment(Document(text))
    return [(e.surface, e.label) for e in Tagger.builtin().tag(doc)]


# ---------------------------------------------------------------- IOB and scoring
@pytest.mark.parametrize(
    ("tags", "spans"),
    [
        (["B-PERS", "I-PERS", "O"], [(0, 2, "PERS")]),
        (["B-LOC", "B-LOC"], [(0, 1, "LOC"), (1, 2, "LOC")]),
        (["O", "I-ORG", "I-ORG"], [(1, 3, "ORG")]),  # conlleval: I- after O starts a chunk
        (["B-ORG", "I-LOC"], [(0, 1, "ORG"), (1, 2, "LOC")]),
        (["O", "O"], []),
        ([], []),
    ],
)
def test_iob_spans(tags, spans):
    assert list(iob_spans(tags)) == spans


def test_score_counts_exact_span_and_type_only():
    gold = [["B-PERS", "I-PERS", "O", "B-LOC"]]
    pred = [["B-PERS", "O", "O", "B-LOC"]]  # PERS span too short: one FP and one FN
    m = score_sentences(gold, pred)
    assert m["types"]["LOC"]["f1"] == 1.0
    assert (m["types"]["PERS"]["tp"], m["types"]["PERS"]["fp"], m["types"]["PERS"]["fn"]) == (
        0,
        1,
        1,
    )
    assert m["micro"]["f1"] == 0.5
    assert m["macro"]["f1"] == 0.5


def test_read_conll_rejects_missing_and_malformed(tmp_path):
    with pytest.raises(InputError, match="no such CoNLL file"):
        read_conll(tmp_path / "absent.txt")
    bad = tmp_path / "bad.txt"
    bad.write_text("كلمة O\nوحيدة\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.txt:2"):
        read_conll(bad)


def test_missing_model_raises_model_data_error(tmp_path):
    with pytest.raises(ModelDataError, match="missing"):
        Tagger.load(tmp_path / "ner.crfsuite")


def test_corrupt_model_raises_model_data_error(tmp_path):
    bad = tmp_path / "ner.crfsuite"
    bad.write_bytes(b"not a model")
    with pytest.raises(ModelDataError):
        Tagger.load(bad)


# ---------------------------------------------------------------- tagging real sentences
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("قال الرئيس الأمريكي باراك أوباما إن واشنطن ستدعم الحكومة.", ("باراك أوباما", "PER")),
        ("وصل وزير الخارجية سعود الفيصل إلى القاهرة أمس.", ("القاهرة", "LOC")),
        ("وصل وزير الخارجية سعود الفيصل إلى القاهرة أمس.", ("سعود الفيصل", "PER")),
        ("وقالت وكالة رويترز إن الاشتباكات استمرت.", ("رويترز", "ORG")),
        ("وعقد مجلس الأمن الدولي جلسة طارئة في نيويورك.", ("نيويورك", "LOC")),
        ("التقى الملك سلمان بن عبد العزيز ولي العهد في الرياض.", ("الرياض", "LOC")),
    ],
)
def test_tag_finds_entity(text, expected):
    assert expected in _tag(text)


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        ("سافر الوفد إلى القاهرة ثم وصل بالقاهرة مساء.", "بالقاهرة"),  # clitic ب
        ("زار الوزير فرنسا وروسيا الأسبوع الماضي.", "وروسيا"),  # clitic و
    ],
)
def test_clitic_attached_name_is_a_mention(text, surface):
    assert (surface, "LOC") in _tag(text)


def test_tag_tokens_returns_one_iob_tag_per_token(tagger):
    tokens = [
        "أعلن",
        "اتحاد",
        "صناعة",
        "السيارات",
        "في",
        "ألمانيا",
        "أن",
        "الشركات",
        "تواجه",
        "عاما",
        "صعبا",
    ]
    tags = tag_tokens(tokens, tagger)
    assert len(tags) == len(tokens)
    assert tags[tokens.index("ألمانيا")] == "B-LOC"
    assert all(t == "O" or t[:2] in ("B-", "I-") for t in tags)


def test_entities_have_model_source_and_score(tagger):
    doc = segment(Document("قال الرئيس الأمريكي باراك أوباما إن واشنطن ستدعم الحكومة."))
    ents = tagger.tag(doc)
    assert ents
    for e in ents:
        assert e.source == "model"
        assert e.label in {"PER", "LOC", "ORG", "MISC"}
        assert e.score is not None
        assert 0.0 < e.score <= 1.0


# ---------------------------------------------------------------- invariants and bad input
@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_offsets_hold_on_any_unicode(text):
    doc = segment(Document(text))
    for e in Tagger.builtin().tag(doc):
        assert doc.text[e.start : e.end] == e.surface
        assert e.end > e.start


def test_tag_without_segmentation_uses_its_own_tokens(tagger):
    doc = Document("زار الرئيس باراك أوباما القاهرة.")
    ents = tagger.tag(doc)
    assert all(doc.text[e.start : e.end] == e.surface for e in ents)
    assert ents


def test_many_names_document(tagger):
    names = ["محمد", "أحمد", "القاهرة", "روسيا", "جون", "سميث", "Reuters", "باريس"]
    text = "، ".join(names[i % len(names)] for i in range(10_000)) + "."
    ents = tagger.tag(segment(Document(text)))
    assert all(text[e.start : e.end] == e.surface for e in ents)
    assert len(ents) <= 10_000


def test_long_sentence_without_punctuation_is_chunked(tagger):
    words = [
        "ذهب",
        "الرجل",
        "إلى",
        "السوق",
        "واشترى",
        "خبزا",
        "ثم",
        "عاد",
        "إلى",
        "بيته",
        "في",
        "القاهرة",
    ]
    text = " ".join(words[i % len(words)] for i in range(12_000))
    assert len(text.encode("utf-8")) >= 100_000
    doc = segment(Document(text))
    assert len(doc.tokens) > 3 * MAX_SENTENCE_TOKENS
    ents = tagger.tag(doc)
    assert all(text[e.start : e.end] == e.surface for e in ents)


@pytest.mark.parametrize(
    "text",
    [
        "Barack Obama met Vladimir Putin in Moscow on Monday.",
        "قال Barack Obama إن موسكو و Putin اتفقا.",
        "Ал-Фараби 北京 🙂 ١٢٣ ٪ @#$",
        "",
        "   \n\n  ",
    ],
)
def test_latin_and_mixed_script_do_not_crash(tagger, text):
    doc = segment(Document(text))
    for e in tagger.tag(doc):
        assert text[e.start : e.end] == e.surface


# ---------------------------------------------------------------- evaluation floors
@pytest.mark.parametrize(
    ("model", "floors"), [("ner.crfsuite", "ner_crf.json"), ("ner.npz", "ner.json")]
)
def test_anercorp_test_split_meets_floors(model, floors):
    conll = shared_path("data", "anercorp-camel", "ANERCorp_CamelLab_test.txt")
    tagger = load_tagger(ROOT / "src" / "rasd" / "models" / model)
    report = evaluate_ner(conll, tagger=tagger)
    grouped = evaluate_ner(conll, tagger=tagger, document_sentences=20)
    assert report.metrics["tokens"] == grouped.metrics["tokens"] == 25_008
    both = Report("ner", {**report.metrics, "documents_of_20": grouped.metrics})
    assert Path(ROOT / "floors" / floors).is_file()
    assert check_floors(both, ROOT / "floors" / floors) == []


def test_o_threshold_only_adds_mentions_and_keeps_iob_valid():
    model = ROOT / "src" / "rasd" / "models" / "ner.crfsuite"
    plain = Tagger.load(model, TagOptions(o_threshold=0.0))
    eager = Tagger.load(model, TagOptions(o_threshold=0.99))
    tokens = ["زار", "برند", "الصالحية", "ونايفة", "في", "البادية", "الشرقية", "أمس"]
    few, many = tag_tokens(tokens, plain), tag_tokens(tokens, eager)
    assert sum(t != "O" for t in many) >= sum(t != "O" for t in few)
    assert all(t != "O" for t, f in zip(many, few, strict=True) if f != "O")
    for prev, tag in zip(["O", *many], many, strict=False):
        assert not (tag.startswith("I-") and prev[2:] != tag[2:])
