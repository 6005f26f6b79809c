"""The NER word lists: the generated lexicon matches its generator; the tables are well formed."""

from __future__ import annotations

import importlib.util

import pytest

from rasd.ner_features import DATA_DIR, MODEL_PATH, Resources, clusters_path
from tests.conftest import ROOT, SHARED, shared_path


def _build_module():
    spec = importlib.util.spec_from_file_location("build", ROOT / "scripts/build_ner_lexicons.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_lexicon_is_what_the_script_generates():
    shared_path("data", "gazetteer-dr5hn", "cities.jsonl")
    expected = _build_module().build(SHARED)
    assert (DATA_DIR / "lexicon.tsv").read_text(encoding="utf-8") == expected


@pytest.mark.parametrize(
    ("word", "flag"),
    [("روسيا", "C"), ("القاهرة", "L"), ("محمد", "P"), ("مايكروسوفت", "O")],
)
def test_lexicon_knows_common_names(word, flag):
    assert flag in Resources.load().lexicon.get(word, "").split()


@pytest.mark.parametrize("word", ["كان", "في", "الذي", "قال", "اليوم"])
def test_lexicon_leaves_out_common_words(word):
    assert word not in Resources.load().lexicon


def test_bundled_clusters_cover_frequent_words():
    clusters = Resources.load().clusters
    assert clusters_path(MODEL_PATH).is_file()
    assert len(clusters) > 10_000
    assert {len(ids) for ids in clusters.values()} == {3}
    assert "في" in clusters
