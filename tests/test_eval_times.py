"""`rasd eval times`: Duckling accuracy against the pinned floor, TimeML scores, the CLI."""

from __future__ import annotations

import json

from conftest import ROOT, shared_path
from rasd.cli import main
from rasd.evaluate import check_floors
from rasd.evaluate.times import evaluate_duckling, evaluate_timeml, read_timeml

FLOORS = ROOT / "floors" / "times.json"


def test_duckling_accuracy_holds_its_floor():
    report = evaluate_duckling(shared_path("data", "duckling-ar", "time.jsonl"))
    assert report.metrics["duckling"]["total"] == 180
    assert check_floors(report, FLOORS) == []
    assert len(report.errors) == 180 - report.metrics["duckling"]["correct"]


def test_timeml_tags_map_to_their_text():
    folder = shared_path("data", "timeml-ar-news-heideltime", "Corpus_test")
    text, tags = read_timeml(folder / "doc1.tml")
    assert tags[0].value == "2015-12-22"
    assert text[tags[0].start : tags[0].end] == "الثلاثاء"


def test_timeml_report_has_span_and_value_scores():
    report = evaluate_timeml(shared_path("data", "timeml-ar-news-heideltime", "Corpus_test"))
    scores = report.metrics["timeml"]
    assert scores["files"] == 50
    assert scores["lenient"]["tp"] + scores["lenient"]["fn"] == 283
    assert scores["lenient"]["precision"] >= scores["strict"]["precision"]
    assert 0.0 < scores["value_accuracy"] <= 1.0


def test_cli_prints_json_and_writes_misses(tmp_path, capsys):
    errors = tmp_path / "misses.tsv"
    path = shared_path("data", "duckling-ar", "time.jsonl")
    code = main(["eval", "times", "--duckling", str(path), "--json", "--errors", str(errors)])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["eval"] == "times"
    assert out["duckling"]["accuracy"] >= 0.9
    assert errors.read_text(encoding="utf-8").count("\n") == 180 - out["duckling"]["correct"]


def test_cli_without_a_corpus_is_bad_input(capsys):
    assert main(["eval", "times"]) == 1
    assert "--duckling" in capsys.readouterr().err
