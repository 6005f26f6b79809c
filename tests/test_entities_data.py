"""The bundled entity data: regenerated from ../shared by the committed scripts, identical."""

from __future__ import annotations

import gzip
import importlib.util
import sys
from pathlib import Path

import pytest

from conftest import ROOT, shared_path
from rasd.places import Gazetteer

DATA = ROOT / "src" / "rasd" / "entities_data"


def _script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _gunzip(path: Path) -> str:
    return gzip.decompress(path.read_bytes()).decode("utf-8")


def test_gazetteer_and_stoplist_rebuild_identically(tmp_path):
    shared_path("data", "gazetteer-dr5hn", "cities.jsonl")
    build = _script("build_gazetteer")
    assert build.main(["--shared", str(ROOT.parent / "shared"), "--out-dir", str(tmp_path)]) == 0
    assert _gunzip(tmp_path / "gazetteer.tsv.gz") == _gunzip(DATA / "gazetteer.tsv.gz")
    assert (tmp_path / "gazetteer.tsv.gz").read_bytes() == (DATA / "gazetteer.tsv.gz").read_bytes()
    stoplist = (tmp_path / "stoplist.txt").read_text(encoding="utf-8")
    assert stoplist == (DATA / "stoplist.txt").read_text(encoding="utf-8")


def test_name_lexicon_rebuilds_identically(tmp_path):
    shared_path("data", "names-translit", "SOURCE.md")
    build = _script("build_names")
    out = tmp_path / "names.tsv.gz"
    assert build.main(["--shared", str(ROOT.parent / "shared"), "--out", str(out)]) == 0
    assert out.read_bytes() == (DATA / "names.tsv.gz").read_bytes()


def test_word_stats_rebuild_identically(tmp_path):
    shared_path("data", "news-saudinewsnet", "dataset")
    build = _script("build_word_stats")
    out = tmp_path / "snn_word_stats.tsv"
    assert build.main(["--shared", str(ROOT.parent / "shared"), "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == (DATA / "snn_word_stats.tsv").read_text("utf-8")


@pytest.fixture(scope="module")
def gazetteer():
    return Gazetteer.builtin()


def test_ids_are_unique_and_parents_exist(gazetteer):
    ids = [p.id for p in gazetteer.places]
    assert len(ids) == len(set(ids))
    for place in gazetteer.places:
        assert place.kind in {"country", "admin", "city", "other"}
        assert not place.parent or place.parent in gazetteer.by_id, place


@pytest.mark.parametrize(
    ("name", "ident"),
    [
        ("كازاخستان", "kz"),
        ("ألماتي", "kz-almaty"),
        ("الرياض", "sa-riyadh"),
        ("صنعاء", "ye-sanaa"),
        ("دمشق", "sy-damascus"),
        ("حلب", "sy-aleppo"),
        ("الموصل", "iq-mosul"),
        ("الخرطوم", "sd-khartoum"),
        ("حقل تنجيز", "kz-tengiz-field"),
    ],
)
def test_well_known_places(gazetteer, name, ident):
    assert ident in {p.id for p in gazetteer.lookup(name)}


@pytest.mark.parametrize(
    "word", ["كان", "المدينة", "الحي", "حي", "الخبر", "خبر", "غرب", "المالية", "تركي", "رياض"]
)
def test_common_words_are_not_place_names(gazetteer, word):
    assert gazetteer.lookup(word) == ()
    assert gazetteer.nisba.get((word,)) is None


def test_machine_transliterated_small_places_are_dropped(gazetteer):
    # dr5hn's "أد دورايكيش" (Ad Duraykīsh, Syria) is a transliteration of the Latin name.
    assert gazetteer.lookup("أد دورايكيش") == ()


def test_every_country_has_arabic_names_and_coordinates(gazetteer):
    countries = [p for p in gazetteer.places if p.kind == "country"]
    assert len(countries) == 250
    assert all(p.lat is not None and p.lon is not None for p in countries)
