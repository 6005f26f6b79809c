"""Pretraining the neural tagger's encoder as a language model: the news sentences it reads, a run
on a tiny corpus, and the tagger starting from the encoder's weights."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rasd.errors import ModelDataError
from rasd.ner import MAX_SENTENCE_TOKENS
from rasd.ner_features import Resources
from rasd.ner_pretrain import news_sentences

NEWS = [
    "زار الرئيس محمد القاهرة أمس. ووصل الوزير أحمد إلى دمشق اليوم!",
    "قال علي إن بغداد هادئة، وغادر محمد دمشق مساء.",
] * 12
VECTOR_WORDS = ["زار", "الرئيس", "محمد", "القاهرة", "دمشق", "الوزير", "احمد", "الي", "قال", "."]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("زار محمد القاهرة. وصل أحمد", [["زار", "محمد", "القاهرة", "."], ["وصل", "احمد"]]),
        ("قالت الوكالة: إن ٣ أشخاص قتلوا", [["قالت", "الوكالة", ":", "ان", "3", "اشخاص", "قتلوا"]]),
        ("كلمة", []),  # a one-word sentence has no neighbour to predict
    ],
)
def test_news_sentences_are_the_tokenizers_normalised_words(text, expected):
    assert news_sentences(iter([text]), 1000) == expected


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=300), max_size=4))
def test_news_sentences_of_any_text_are_bounded_runs_of_words(texts):
    for sentence in news_sentences(iter(texts), 10_000):
        assert 2 <= len(sentence) <= MAX_SENTENCE_TOKENS
        assert all(sentence)  # no empty word


def test_news_sentences_stop_after_the_article_that_reaches_the_word_limit():
    first_article = news_sentences(iter(NEWS[:1]), 1000)
    assert len(first_article) == 2
    assert news_sentences(iter(NEWS), 5) == first_article


def _pretrain(tmp_path, **schedule):
    pytest.importorskip("torch")
    from rasd.ner_neural_train import NeuralOptions
    from rasd.ner_pretrain import PretrainOptions, pretrain_encoder, save_encoder

    sentences = news_sentences(iter(NEWS), 10_000)
    vectors = np.random.default_rng(0).normal(size=(len(VECTOR_WORDS), 8)).astype(np.float32)
    options = NeuralOptions(hidden=6, char_filters=4, char_dim=5, char_widths=(2, 3))
    plan = PretrainOptions(batch=4, negatives=8, held_out=4, chunk_tokens=100, lr=0.02, **schedule)
    weights, chars, summary = pretrain_encoder(
        sentences, (VECTOR_WORDS, vectors), Resources(), options=options, schedule=plan
    )
    return save_encoder(tmp_path / "encoder.npz", weights, chars), weights, summary, options


def test_language_model_trains_the_taggers_encoder_and_its_loss_falls(tmp_path):
    _, weights, summary, _ = _pretrain(tmp_path, train_words=600)
    assert summary["words_trained"] >= 600
    assert summary["passes"] > 1  # the tiny corpus is read more than once
    assert summary["chunks"][-1]["held_out_loss"] < summary["held_out_loss_start"]
    assert {"lstm.weight_hh_l0", "lstm.weight_hh_l0_reverse", "char_emb.weight"} <= set(weights)
    assert {"char_convs.0.weight", "char_convs.1.weight", "cats.0.weight"} <= set(weights)
    assert not any(name.startswith(("word_emb", "out.", "crf_")) for name in weights)


def test_language_model_is_reproducible(tmp_path):
    _, first, _, _ = _pretrain(tmp_path, train_words=200)
    _, again, _, _ = _pretrain(tmp_path, train_words=200)
    assert all(np.array_equal(first[k], again[k]) for k in first)


def test_too_little_news_is_a_clear_error():
    pytest.importorskip("torch")
    from rasd.ner_pretrain import PretrainOptions, pretrain_encoder

    vectors = (["زار"], np.ones((1, 4), dtype=np.float32))
    with pytest.raises(ModelDataError, match="larger news corpus"):
        pretrain_encoder([["زار", "محمد"]], vectors, Resources(), schedule=PretrainOptions())


def _train_file(tmp_path):
    lines = []
    for words, tags in [
        ("زار محمد القاهرة أمس", "O B-PERS B-LOC O"),
        ("وصل أحمد إلى دمشق اليوم", "O B-PERS O B-LOC O"),
    ] * 4:
        lines += [f"{w} {t}" for w, t in zip(words.split(), tags.split(), strict=True)]
        lines.append("")
    conll = tmp_path / "train.txt"
    conll.write_text("\n".join(lines), encoding="utf-8")
    return conll


def test_tagger_starts_from_the_encoder_and_trains(tmp_path):
    torch = pytest.importorskip("torch")
    from dataclasses import replace

    from rasd.ner_neural_train import build_network, train_neural
    from rasd.ner_pretrain import initialise_from_encoder, load_encoder

    path, weights, _, options = _pretrain(tmp_path, train_words=300)
    _, lm_chars = load_encoder(path)
    chars = ["<pad>", "<unk>", "م", "ح", "ظ"]  # ظ: not in the news, keeps its random start
    vectors = torch.zeros((4, 8))
    torch.manual_seed(0)
    net = build_network(vectors, len(chars), (6, 1, 1, 1, 4, 25, 13), 9, options)
    before = net.char_emb.weight.detach().clone()
    loaded = initialise_from_encoder(net, path, chars)
    assert "lstm.weight_ih_l0" in loaded
    assert torch.equal(net.lstm.weight_ih_l0, torch.from_numpy(weights["lstm.weight_ih_l0"]))
    row = lm_chars.index("م")
    assert torch.equal(net.char_emb.weight[2], torch.from_numpy(weights["char_emb.weight"][row]))
    assert torch.equal(net.char_emb.weight[4], before[4])
    opts = replace(options, epochs=2, pretrained=str(path), pretrained_lr=0.5)
    vocab = (VECTOR_WORDS, np.zeros((len(VECTOR_WORDS), 8), dtype=np.float32))
    summary = train_neural(
        _train_file(tmp_path), tmp_path / "ner.npz", vocab, options=opts, resources=Resources()
    )
    assert summary["best_epoch"] == 2
    assert (tmp_path / "ner.npz").is_file()


def test_an_encoder_of_other_sizes_is_a_clear_error(tmp_path):
    torch = pytest.importorskip("torch")
    from dataclasses import replace

    from rasd.ner_neural_train import build_network
    from rasd.ner_pretrain import initialise_from_encoder

    path, _, _, options = _pretrain(tmp_path, train_words=100)
    net = build_network(
        torch.zeros((4, 8)), 5, (6, 1, 1, 1, 4, 25, 13), 9, replace(options, hidden=7)
    )
    with pytest.raises(ModelDataError, match="NeuralOptions"):
        initialise_from_encoder(net, path, ["<pad>", "<unk>", "م", "ح", "ظ"])


def test_an_unreadable_encoder_is_a_clear_error(tmp_path):
    from rasd.ner_pretrain import load_encoder

    bad = tmp_path / "encoder.npz"
    bad.write_bytes(b"not an encoder")
    with pytest.raises(ModelDataError, match="pretrained encoder"):
        load_encoder(bad)


def test_pretrain_tagger_reads_the_news_pretrains_and_trains(tmp_path):
    pytest.importorskip("torch")
    from rasd.ner_neural_train import NeuralOptions
    from rasd.ner_pretrain import PretrainOptions, pretrain_tagger

    news = tmp_path / "news.txt"
    news.write_text("\n".join(NEWS), encoding="utf-8")
    vectors = (VECTOR_WORDS, np.ones((len(VECTOR_WORDS), 8), dtype=np.float32))
    options = NeuralOptions(hidden=5, char_filters=3, char_dim=4, char_widths=(3,), epochs=1)
    plan = PretrainOptions(batch=4, negatives=8, held_out=4, train_words=100)
    out = tmp_path / "ner.npz"
    summary = pretrain_tagger(
        _train_file(tmp_path), out, vectors, news=news, options=options, schedule=plan
    )
    assert summary["pretraining"]["words_trained"] >= 100
    assert summary["pretraining"]["read_cpu_seconds"] >= 0
    assert out.is_file()
    assert not list(tmp_path.glob("*encoder*"))  # the encoder lived in a temporary folder


def test_cli_pretraining_without_news_exits_1(tmp_path, capsys):
    pytest.importorskip("torch")
    from rasd.cli import main
    from rasd.ner_neural_train import save_vectors

    vectors = save_vectors(tmp_path / "v.npz", ["زار"], np.ones((1, 4), dtype=np.float32))
    args = ["train", "ner", "--train", str(_train_file(tmp_path)), "--vectors", str(vectors)]
    assert main([*args, "--out", str(tmp_path / "ner.npz"), "--pretrain"]) == 1
    assert "pass --news PATH" in capsys.readouterr().err
