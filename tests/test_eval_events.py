"""`rasd eval events` on the Arabic event GSR: floors pinned in floors/events.json."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT, shared_path
from rasd.cli import main
from rasd.errors import InputError
from rasd.evaluate import check_floors
from rasd.evaluate.events import evaluate_events


@pytest.fixture(scope="module")
def report():
    return evaluate_events(shared_path("data", "arabic-event-gsr-dev"))


def test_floors_hold(report):
    assert check_floors(report, ROOT / "floors" / "events.json") == []


def test_issue_floors(report):
    assert report.metrics["ASSAULT"]["primary"]["f1"] >= 0.65
    assert report.metrics["PROTEST"]["primary"]["f1"] >= 0.45


def test_every_miss_is_written(report, tmp_path):
    lines = report.write_errors(tmp_path / "misses.tsv").read_text(encoding="utf-8").splitlines()
    misses = sum(
        report.metrics[t]["all"]["fp"] + report.metrics[t]["all"]["fn"] for t in report.metrics
    )
    assert len(lines) == misses
    assert all(line.split("\t")[1] in {"FP", "FN"} for line in lines)


def test_cli_prints_json(tmp_path, capsys):
    folder = shared_path("data", "arabic-event-gsr-dev")
    small = tmp_path / "gsr"
    small.mkdir()
    for source in folder.glob("*.jsonl"):  # a few lines of each file: the CLI, not the scores
        lines = source.read_text(encoding="utf-8").splitlines()[:15]
        (small / source.name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = main(["eval", "events", "--gsr", str(small), "--json", "--errors", str(tmp_path / "m")])
    assert code == 0
    metrics = json.loads(capsys.readouterr().out)
    assert metrics["eval"] == "events"
    assert set(metrics) >= {"ASSAULT", "PROTEST"}


def test_missing_folder_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="arabic-event-gsr"):
        evaluate_events(tmp_path / "nowhere")
