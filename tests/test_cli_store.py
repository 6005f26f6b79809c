"""The store's CLI skins: ingest, events, event, search, export — exit codes and output."""

from __future__ import annotations

import csv
import json

import pytest

from rasd.cli import build_parser, main
from rasd.store import Store
from tests.storekit import kazakhstan_doc


@pytest.fixture
def db(tmp_path, example_text):
    path = tmp_path / "rasd.db"
    with Store(path) as store:
        store.add_document(kazakhstan_doc(example_text))
    return path


def test_every_store_command_has_help():
    parser = build_parser()
    choices = parser._subparsers._group_actions[0].choices
    for name in ("ingest", "events", "event", "search", "export"):
        assert choices[name].description


def test_events_table_json_csv(db, capsys):
    assert main(["events", "--db", str(db)]) == 0
    assert "42" in capsys.readouterr().out
    assert main(["events", "--db", str(db), "--format", "json", "--min-killed", "40"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["killed"], r["injured"], r["country"]) for r in rows] == [(42.0, 200.0, "KZ")]
    assert main(["events", "--db", str(db), "--format", "csv", "--min-killed", "43"]) == 0
    assert capsys.readouterr().out.strip().count("\n") == 0  # header only


@pytest.mark.parametrize(
    ("args", "count"),
    [
        (["--country", "kz"], 1),
        (["--country", "IQ"], 0),
        (["--type", "unrest"], 1),
        (["--type", "ASSAULT"], 1),
        (["--place", "Kazakh"], 1),
        (["--since", "2022-01-11"], 0),
        (["--until", "2022-01-10"], 1),
    ],
)
def test_events_filters(db, capsys, args, count):
    assert main(["events", "--db", str(db), "--format", "json", *args]) == 0
    assert len(json.loads(capsys.readouterr().out)) == count


def test_event_shows_history_with_retraction(db, capsys):
    assert main(["event", "1", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "retract (excluded)" in out
    assert "164" in out
    assert "rules:" in out


def test_bad_date_and_unknown_cluster_exit_1(db, capsys):
    assert main(["events", "--db", str(db), "--since", "yesterday"]) == 1
    assert main(["event", "99", "--db", str(db)]) == 1
    assert "no event cluster 99" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["jsonl", "acled-csv", "plover-json", "geojson", "parquet"])
def test_export_formats(db, tmp_path, fmt, capsys):
    out = tmp_path / f"out.{fmt}"
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    assert main(["export", "--format", fmt, str(out), "--db", str(db)]) == 0
    assert out.stat().st_size > 0
    if fmt == "acled-csv":
        row = next(csv.DictReader(out.open(encoding="utf-8")))
        assert row["fatalities"] == "42"
        assert row["event_id_cnty"] == "KZ1"
        assert row["event_date"] == "2022-01-10"
        assert row["geo_precision"] == "3"
    if fmt == "geojson":
        feature = json.loads(out.read_text(encoding="utf-8"))["features"][0]
        assert feature["geometry"]["coordinates"] == [68.0, 48.0]


def test_ingest_cli_reports_and_exit_codes(tmp_path, capsys):
    good = tmp_path / "a.txt"
    good.write_text("قتل 3 أشخاص في انفجار ببغداد أمس.", encoding="utf-8")
    bad = tmp_path / "b.jsonl"
    bad.write_text('{"text": 1}\n', encoding="utf-8")
    db = tmp_path / "r.db"
    assert main(["ingest", str(good), "--db", str(db), "--published", "2015-08-06"]) == 0
    assert "stored 1" in capsys.readouterr().out
    assert main(["ingest", str(good), str(bad), "--db", str(db)]) == 1
    captured = capsys.readouterr()
    assert "unchanged 1" in captured.out
    assert f"{bad}:1" in captured.err


def test_ingest_into_corrupt_db_exit_1_and_file_untouched(tmp_path, capsys):
    db = tmp_path / "r.db"
    db.write_bytes(b"garbage" * 1000)
    good = tmp_path / "a.txt"
    good.write_text("نص.", encoding="utf-8")
    assert main(["ingest", str(good), "--db", str(db)]) == 1
    assert "not a rasd database" in capsys.readouterr().err
    assert db.read_bytes() == b"garbage" * 1000


def test_search_cli(db, capsys, example_text):
    assert main(["search", "ألماتي", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert kazakhstan_doc(example_text).id in out
    assert "[ألماتي]" in out  # the snippet shows the original text, match marked
    assert main(["search", "بغداد", "--db", str(db)]) == 0
    assert "no documents match" in capsys.readouterr().out


def test_ingest_into_unwritable_location_exit_1(tmp_path, capsys):
    good = tmp_path / "a.txt"
    good.write_text("نص.", encoding="utf-8")
    assert main(["ingest", str(good), "--db", "/proc/rasd.db"]) == 1
    assert "/proc/rasd.db: cannot open or create" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("value", "shown"),
    [(175_000_000.0, "175000000"), (42.0, "42"), (2.5, "2.5"), (0.125, "0.12"), (None, "")],
)
def test_figures_are_written_in_full(value, shown):
    from rasd.cli.store_render import _cell

    assert _cell(value) == shown


def test_ingest_of_an_empty_folder_exits_1(tmp_path, capsys):
    (tmp_path / "in").mkdir()
    assert main(["ingest", str(tmp_path / "in"), "--db", str(tmp_path / "x.db")]) == 1
    assert "folder holds no files to read" in capsys.readouterr().err
