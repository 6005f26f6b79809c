"""`rasd eval quantities` on Duckling's Arabic corpora: floors pinned in floors/quantities.json."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT, shared_path
from rasd.cli import main
from rasd.errors import InputError
from rasd.evaluate import check_floors
from rasd.evaluate.quantities import evaluate_duckling


@pytest.fixture(scope="module")
def report():
    return evaluate_duckling(shared_path("data", "duckling-ar"))


def test_floors_hold(report):
    assert check_floors(report, ROOT / "floors" / "quantities.json") == []


def test_every_miss_is_written(report, tmp_path):
    path = report.write_errors(tmp_path / "misses.tsv")
    lines = path.read_text(encoding="utf-8").splitlines()
    wrong = sum(m["total"] - m["correct"] for m in report.metrics.values())
    assert len(lines) == wrong
    assert all(line.count("\t") == 3 for line in lines)


def test_cli_prints_json(tmp_path, capsys):
    folder = shared_path("data", "duckling-ar")
    code = main(
        [
            "eval",
            "quantities",
            "--duckling",
            str(folder),
            "--json",
            "--errors",
            str(tmp_path / "m.tsv"),
        ]
    )
    assert code == 0
    metrics = json.loads(capsys.readouterr().out)
    assert set(metrics) >= {"number", "ordinal", "amount-of-money", "quantity", "volume"}


def test_missing_folder_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="duckling-ar"):
        evaluate_duckling(tmp_path / "nowhere")
