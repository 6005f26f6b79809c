"""Training the NER tagger: a tiny CoNLL file trains a model that loads and tags; clusters learn."""

from __future__ import annotations

import random

import pytest

from rasd.cli import main
from rasd.errors import InputError
from rasd.ner import Tagger, tag_tokens
from rasd.ner_clusters import ClusterOptions, learn_clusters, read_clusters, write_clusters
from rasd.ner_features import clusters_path
from rasd.ner_train import TrainOptions, split_dev

SENTENCES = [
    ("زار محمد القاهرة أمس", "O B-PERS B-LOC O"),
    ("وصل أحمد إلى دمشق اليوم", "O B-PERS O B-LOC O"),
    ("قال علي إن بغداد هادئة", "O B-PERS O B-LOC O"),
    ("غادر محمد دمشق مساء", "O B-PERS B-LOC O"),
]


def _write_conll(path, sentences):
    lines = []
    for words, tags in sentences:
        lines += [f"{w} {t}" for w, t in zip(words.split(), tags.split(), strict=True)]
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


def test_cli_trains_a_model_that_tags(tmp_path, capsys):
    conll = tmp_path / "train.txt"
    _write_conll(conll, SENTENCES * 3)
    out = tmp_path / "m" / "ner.crfsuite"
    assert main(["train", "ner", "--train", str(conll), "--out", str(out)]) == 0
    assert '"train_sentences": 12' in capsys.readouterr().out
    tags = tag_tokens(["زار", "أحمد", "بغداد", "أمس"], Tagger.load(out))
    assert tags[1] == "B-PERS"
    assert tags[2] == "B-LOC"


def test_cli_dev_tail_holds_out_the_last_sentences(tmp_path, capsys):
    conll = tmp_path / "train.txt"
    _write_conll(conll, SENTENCES * 5)
    out = tmp_path / "m" / "ner.crfsuite"
    args = ["train", "ner", "--train", str(conll), "--out", str(out), "--dev-tail", "0.2"]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert '"train_sentences": 16' in printed
    assert '"dev_macro_f1"' in printed


@pytest.mark.parametrize(
    ("options", "fit", "dev"),
    [
        (TrainOptions(), list(range(20)), []),
        (TrainOptions(dev_tail=0.15), list(range(17)), [17, 18, 19]),
        (TrainOptions(dev_tail=0.9), list(range(10)), list(range(10, 20))),
        (TrainOptions(dev_every=5), [i for i in range(20) if i % 5], [0, 5, 10, 15]),
    ],
)
def test_split_dev_tail_is_one_block_at_the_end(options, fit, dev):
    sentences = [([str(i)], ["O"]) for i in range(20)]
    got_fit, got_dev = split_dev(sentences, options)
    assert [int(s[0][0]) for s in got_fit] == fit
    assert [int(s[0][0]) for s in got_dev] == dev


def test_cli_train_bad_input_exits_1(tmp_path):
    assert main(["train", "ner", "--train", str(tmp_path / "no.txt"), "--out", "x"]) == 1


def test_clusters_group_words_used_alike(tmp_path):
    rng = random.Random(7)
    cities = ["القاهرة", "دمشق", "بغداد", "عمان", "الرياض", "تونس"]
    foods = ["خبزا", "تمرا", "رزا", "لحما", "سمكا", "عسلا"]
    texts = []
    for _ in range(400):
        texts.append(f"سافر الرجل إلى {rng.choice(cities)} في الصباح")
        texts.append(f"أكل الولد {rng.choice(foods)} مع أبيه")
    options = ClusterOptions(dimensions=4, granularities=(2, 4), min_count=1, contexts=50)
    clusters = learn_clusters(iter(texts), options)
    coarse_cities = {clusters[c][0] for c in cities}
    coarse_foods = {clusters[f][0] for f in foods}
    assert len(coarse_cities) == 1
    assert coarse_cities != coarse_foods
    path = write_clusters(clusters, clusters_path(tmp_path / "ner.crfsuite"), "test")
    assert read_clusters(path)["دمشق"] == tuple(map(str, clusters["دمشق"]))


def test_clusters_refuse_a_tiny_corpus():
    with pytest.raises(InputError, match="too small"):
        learn_clusters(iter(["كلمة واحدة"]), ClusterOptions(min_count=1))
