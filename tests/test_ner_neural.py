"""The neural NER tagger: numpy CRF decoding against brute force, numpy forward against torch,
training on a tiny corpus, model-file errors."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from rasd.errors import ModelDataError
from rasd.ner import NEURAL_MODEL_PATH, Tagger, load_tagger, tag_tokens
from rasd.ner_features import Resources
from rasd.ner_neural import NeuralNet, NeuralTagger

SENTENCES = [
    ("زار محمد القاهرة أمس", "O B-PERS B-LOC O"),
    ("وصل أحمد إلى دمشق اليوم", "O B-PERS O B-LOC O"),
    ("قال علي إن بغداد هادئة", "O B-PERS O B-LOC O"),
    ("غادر محمد دمشق مساء", "O B-PERS B-LOC O"),
]


def _crf_net(tags: int, seed: int) -> NeuralNet:
    rng = np.random.default_rng(seed)
    return _with_crf(
        rng.normal(size=(tags, tags)).astype(np.float32),
        rng.normal(size=tags).astype(np.float32),
        rng.normal(size=tags).astype(np.float32),
    )


def _with_crf(trans: np.ndarray, start: np.ndarray, end: np.ndarray) -> NeuralNet:
    """A network with only its CRF layer (enough for decoding)."""
    net = NeuralNet.__new__(NeuralNet)
    net.w = {"crf_trans": trans, "crf_start": start, "crf_end": end}
    net.exp_trans, net.exp_start, net.exp_end = (
        np.exp(x.astype(np.float64)) for x in net.w.values()
    )
    return net


def _path_score(net: NeuralNet, emit: np.ndarray, path: tuple[int, ...]) -> float:
    w = net.w
    score = w["crf_start"][path[0]] + w["crf_end"][path[-1]]
    score += sum(emit[i, y] for i, y in enumerate(path))
    score += sum(w["crf_trans"][a, b] for a, b in itertools.pairwise(path))
    return float(score)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_viterbi_and_marginals_match_brute_force_on_a_padded_batch(seed):
    net = _crf_net(3, seed)
    rng = np.random.default_rng(seed + 10)
    lengths = np.array([5, 3, 1])
    emit = rng.normal(size=(3, 5, 3)).astype(np.float32)
    paths = net.viterbi(emit, lengths)
    probs = net.marginals(emit, lengths)
    for row, n in enumerate(lengths):
        every = list(itertools.product(range(3), repeat=int(n)))
        scores = np.array([_path_score(net, emit[row, :n], p) for p in every])
        assert tuple(paths[row, :n]) == every[int(scores.argmax())]
        weights = np.exp(scores - scores.max())
        weights /= weights.sum()
        for i in range(n):
            at_i = [p[i] for p in every]
            expected = [weights[[y == k for y in at_i]].sum() for k in range(3)]
            assert probs[row, i] == pytest.approx(expected, abs=1e-5)


def _train_file(tmp_path, *, repeat: int):
    """`SENTENCES`, ``repeat`` times over, as a CoNLL training file."""
    conll = tmp_path / "train.txt"
    lines = []
    for words, tags in SENTENCES * repeat:
        lines += [f"{w} {t}" for w, t in zip(words.split(), tags.split(), strict=True)]
        lines.append("")
    conll.write_text("\n".join(lines), encoding="utf-8")
    return conll


def _tiny_model(tmp_path, epochs: int = 1, **settings):
    pytest.importorskip("torch")
    from rasd.ner_neural_train import NeuralOptions, train_neural

    conll = _train_file(tmp_path, repeat=4)
    rng = np.random.default_rng(0)
    words = ["زار", "محمد", "القاهرة", "دمشق", "في"]
    vectors = rng.normal(size=(len(words), 8)).astype(np.float32)
    options = NeuralOptions(
        hidden=12, char_filters=10, char_dim=6, epochs=epochs, lr=0.02, **settings
    )
    out = tmp_path / "ner.npz"
    summary = train_neural(conll, out, (words, vectors), options=options, resources=Resources())
    return out, summary


@pytest.mark.parametrize(
    ("widths", "word_tuning"), [((3,), "frozen"), ((2, 3, 4), "frozen"), ((3, 2), "delta")]
)
def test_numpy_forward_equals_torch_forward(widths, word_tuning):
    torch = pytest.importorskip("torch")
    from rasd.ner_neural_train import NeuralOptions, build_network, export_weights

    rng = np.random.default_rng(1)
    vectors = torch.from_numpy(rng.normal(size=(6, 8)).astype(np.float16).astype(np.float32))
    cards = (6, 3, 3, 3, 4, 25, 13)
    torch.manual_seed(0)
    options = NeuralOptions(hidden=7, char_filters=5, char_widths=widths, word_tuning=word_tuning)
    tuned = torch.tensor([0, 0, 1, 0, 2, 3]) if word_tuning == "delta" else None
    net = build_network(vectors, 12, cards, 9, options, tuned=tuned)
    if tuned is not None:  # a correction as training would leave it
        torch.nn.init.normal_(net.word_delta.weight)
    net.eval()
    weights = export_weights(net)
    numpy_net = NeuralNet(weights)
    n_words = 9
    lengths = [7, 4, 1]
    chars = [rng.integers(1, 12, size=rng.integers(1, 6)).tolist() for _ in range(n_words)]
    encoded = [
        (
            int(rng.integers(0, 6)),
            chars[i],
            [int(rng.integers(0, c)) for c in cards],
            rng.integers(0, 2, size=8).astype(float).tolist(),
        )
        for i in range(n_words)
    ]
    proj = numpy_net.word_inputs(encoded)
    batch = np.zeros((3, 7, proj.shape[1]), dtype=np.float32)
    ids = [[int(rng.integers(0, n_words)) for _ in range(n)] for n in lengths]
    for row, seq in enumerate(ids):
        batch[row, : len(seq)] = proj[seq]
    ours = numpy_net.emissions(batch, np.array(lengths))
    longest = max(len(c) for c in chars)
    char_ids = torch.zeros((n_words, longest), dtype=torch.long)
    for i, c in enumerate(chars):
        char_ids[i, : len(c)] = torch.tensor(c)
    with torch.no_grad():
        reps = net.word_inputs(
            torch.tensor([e[0] for e in encoded]),
            char_ids,
            torch.tensor([len(c) for c in chars]),
            torch.tensor([e[2] for e in encoded]),
            torch.tensor([e[3] for e in encoded], dtype=torch.float32),
        )
        x = torch.zeros((3, 7, reps.shape[1]))
        for row, seq in enumerate(ids):
            x[row, : len(seq)] = reps[seq]
        theirs = net.emissions(x, torch.tensor(lengths)).numpy()
    for row, n in enumerate(lengths):
        np.testing.assert_allclose(ours[row, :n], theirs[row, :n], atol=1e-4)


def test_crf_loss_is_log_partition_minus_gold_score():
    torch = pytest.importorskip("torch")
    from rasd.ner_neural_train import crf_nll

    gen = torch.Generator().manual_seed(3)
    trans, start, end = (torch.randn(s, generator=gen) for s in ((3, 3), (3,), (3,)))
    emit = torch.randn(2, 4, 3, generator=gen)
    lengths = torch.tensor([4, 2])
    tags = torch.tensor([[0, 2, 1, 1], [2, 0, 0, 0]])
    net = _with_crf(trans.numpy(), start.numpy(), end.numpy())
    expected = 0.0
    for row, n in enumerate(lengths.tolist()):
        e = emit[row, :n].numpy()
        scores = [_path_score(net, e, p) for p in itertools.product(range(3), repeat=n)]
        gold = _path_score(net, e, tuple(tags[row, :n].tolist()))
        expected += float(np.logaddexp.reduce(scores)) - gold
    got = float(crf_nll(emit, tags, lengths, trans=trans, start=start, end=end))
    assert got == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize(
    "settings",
    [
        {"average": 0.0, "word_tuning": "frozen", "char_widths": (3,)},
        {"average": 0.9, "word_tuning": "delta", "delta_dropout": 0.3, "char_widths": (2, 3)},
    ],
)
def test_training_learns_a_tiny_corpus_and_the_file_loads(tmp_path, settings):
    out, summary = _tiny_model(tmp_path, epochs=30, **settings)
    assert summary["best_epoch"] == 30
    tagger = NeuralTagger.load(out)
    assert tag_tokens(["زار", "أحمد", "دمشق", "أمس"], tagger)[1:3] == ["B-PERS", "B-LOC"]
    assert isinstance(load_tagger(out), NeuralTagger)


def test_missing_and_corrupt_model_raise_model_data_error(tmp_path):
    with pytest.raises(ModelDataError, match="missing"):
        NeuralTagger.load(tmp_path / "ner.npz")
    bad = tmp_path / "ner.npz"
    bad.write_bytes(b"not a model")
    with pytest.raises(ModelDataError, match="not a readable"):
        load_tagger(bad)


@pytest.mark.parametrize(
    ("choice", "kind"),
    [
        (None, Tagger),
        ("crf", Tagger),
        ("neural", NeuralTagger),
        (str(NEURAL_MODEL_PATH), NeuralTagger),
    ],
)
def test_builtin_tagger_is_the_crf_unless_the_environment_names_another(monkeypatch, choice, kind):
    assert NEURAL_MODEL_PATH.is_file()
    if choice is None:
        monkeypatch.delenv("RASD_NER_MODEL", raising=False)
    else:
        monkeypatch.setenv("RASD_NER_MODEL", choice)
    assert isinstance(Tagger.builtin(), kind)


def test_a_missing_model_named_by_the_environment_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("RASD_NER_MODEL", str(tmp_path / "nowhere.npz"))
    with pytest.raises(ModelDataError, match=r"nowhere\.npz"):
        Tagger.builtin()


def test_batch_and_single_sentence_decoding_agree():
    tagger = load_tagger(NEURAL_MODEL_PATH)
    assert isinstance(tagger, NeuralTagger)
    sentences = [
        ["قال", "الرئيس", "الأمريكي", "باراك", "أوباما", "إن", "واشنطن", "ستدعم", "الحكومة"],
        ["وصل"],
        ["وقالت", "وكالة", "رويترز", "إن", "الاشتباكات", "استمرت", "في", "دمشق"],
    ]
    together = tagger.tag_sentences(sentences)
    assert together == [tagger.tag_norms(s) for s in sentences]
    assert [len(t) for t in together] == [len(s) for s in sentences]


def test_the_word_cache_keeps_recent_words_and_stays_bounded():
    tagger = load_tagger(NEURAL_MODEL_PATH)
    assert isinstance(tagger, NeuralTagger)
    sentences = [
        ["قال", "الرئيس", "الأمريكي", "باراك", "أوباما", "إن", "واشنطن", "ستدعم", "الحكومة"],
        ["وقالت", "وكالة", "رويترز", "إن", "الاشتباكات", "استمرت", "في", "دمشق"],
    ]
    expected = tagger.tag_sentences(sentences)
    small = load_tagger(NEURAL_MODEL_PATH)
    assert isinstance(small, NeuralTagger)
    small._cache_size = 12
    for sentence in sentences * 2:
        assert small.tag_norms(sentence) == expected[sentences.index(sentence)]
        assert set(sentence) <= small._cache.keys()  # the words just used stay
    # 16 distinct words seen, the 12 most recently used kept (not all dropped when full)
    assert len(small._cache) == 12
    assert small._cache.keys() - set(sentences[1]) < set(sentences[0])


def test_cli_trains_the_bilstm_from_saved_vectors(tmp_path, capsys):
    pytest.importorskip("torch")
    from rasd.cli import main
    from rasd.ner_neural_train import load_vectors, save_vectors

    conll = _train_file(tmp_path, repeat=2)
    vectors = tmp_path / "vectors.npz"
    words = ["زار", "محمد", "القاهرة"]
    save_vectors(vectors, words, np.eye(3, 4, dtype=np.float32))
    assert load_vectors(vectors)[0] == words
    out = tmp_path / "m" / "ner.npz"
    args = ["train", "ner", "--train", str(conll), "--vectors", str(vectors), "--out", str(out)]
    assert main([*args, "--epochs", "2", "--dev-tail", "0.25"]) == 0
    printed = capsys.readouterr().out
    assert '"train_sentences": 6' in printed
    assert '"best_dev_macro_f1"' in printed
    assert len(tag_tokens(["زار", "محمد"], load_tagger(out))) == 2


def test_cli_bilstm_without_vectors_exits_1(tmp_path):
    from rasd.cli import main

    conll = tmp_path / "train.txt"
    conll.write_text("زار O\nمحمد B-PERS\n", encoding="utf-8")
    out = tmp_path / "ner.npz"
    assert main(["train", "ner", "--train", str(conll), "--out", str(out)]) == 1


def test_shipped_model_stays_small_and_keeps_vectors_in_float16():
    assert NEURAL_MODEL_PATH.stat().st_size <= 30_000_000
    with np.load(NEURAL_MODEL_PATH, allow_pickle=False) as data:
        assert data["word_emb"].dtype == np.float16
        assert "config" in data.files


def test_training_without_torch_says_which_extra_to_install(tmp_path, monkeypatch):
    from rasd.ner_neural_train import save_vectors, train_ner_neural

    monkeypatch.setitem(__import__("sys").modules, "torch", None)
    conll = tmp_path / "train.txt"
    conll.write_text("زار O\nمحمد B-PERS\n", encoding="utf-8")
    vectors = save_vectors(tmp_path / "v.npz", ["زار"], np.ones((1, 4), dtype=np.float32))
    with pytest.raises(ModelDataError, match=r"rasd\[neural\]"):
        train_ner_neural(conll, tmp_path / "ner.npz", vectors=vectors)


def test_delta_tuning_moves_only_the_train_words_and_adds_the_ones_the_news_lacks(tmp_path):
    pytest.importorskip("torch")
    from rasd.ner_neural_train import NeuralOptions, train_neural

    conll = _train_file(tmp_path, repeat=2)
    news = ["زار", "محمد", "القاهرة", "بيروت", "دمشق"]
    vectors = np.random.default_rng(0).normal(size=(len(news), 8)).astype(np.float32)
    options = NeuralOptions(
        hidden=6, char_filters=4, char_dim=4, epochs=3, word_tuning="delta", delta_dropout=0.2
    )
    out = tmp_path / "ner.npz"
    train_neural(conll, out, (news, vectors), options=options, resources=Resources())
    tagger = NeuralTagger.load(out)
    table = tagger.net.w["word_emb"]
    row = tagger.encoder.words
    start = vectors.astype(np.float16).astype(np.float32)
    assert np.array_equal(table[row["بيروت"]], start[3])  # not in the train split: frozen
    assert not np.allclose(table[row["محمد"]], start[1])  # a train word: corrected
    assert "أحمد" not in row  # normalised: the train split's word is احمد
    assert {"احمد", "علي", "غادر"} <= set(row)  # train words the news lacks get rows


def test_a_train_word_the_news_lacks_starts_at_its_clitic_stems_vector():
    from rasd.ner_neural import WordEncoder
    from rasd.ner_neural_train import _word_matrix

    news = ["القاهرة", "زار"]
    vectors = np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32)
    words = ["<pad>", "<unk>", *news, "والقاهرة", "غادر"]
    matrix = _word_matrix((news, vectors), words, WordEncoder({}, {}, Resources()))
    assert matrix[4].tolist() == [1.0, 2.0]  # و + القاهرة
    assert matrix[5].tolist() == [0.0, 0.0]  # no stem known: as UNK


def test_fasttext_vectors_cover_the_extra_words_and_are_reproducible():
    pytest.importorskip("gensim")
    from rasd.ner_vectors import VectorOptions, learn_vectors

    texts = ["زار الرئيس محمد القاهرة وزار الوزير دمشق اليوم"] * 30
    options = VectorOptions(kind="fasttext", dimensions=8, min_count=5, epochs=2, buckets=1000)
    words, vectors = learn_vectors(iter(texts), options, extra_words=["القاهرية", "زار"])
    again = learn_vectors(iter(texts), options, extra_words=["القاهرية", "زار"])
    assert words[-1] == "القاهرية"  # the news lacks it: built from its n-grams
    assert words.count("زار") == 1
    assert vectors.shape == (len(words), 8)
    assert np.all(np.isfinite(vectors))
    assert np.abs(vectors[-1]).sum() > 0
    assert again[0] == words
    assert np.array_equal(again[1], vectors)
