"""Bad input to the store and eval commands: one clear line on stderr and exit 1, no traceback."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from rasd.cli import main
from rasd.errors import InputError
from rasd.pipeline import make_document

BINARY = bytes(range(128, 256)) * 4  # not UTF-8 anywhere


def _binary(tmp: Path, name: str) -> Path:
    path = tmp / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(BINARY)
    return path


def _folder_with(tmp: Path, name: str, content: bytes) -> Path:
    (tmp / "data").mkdir()
    (tmp / "data" / name).write_bytes(content)
    return tmp / "data"


CASES = [
    ("events-db-is-folder", lambda t: ["events", "--db", str(t)], "is a folder"),
    ("search-db-is-folder", lambda t: ["search", "x", "--db", str(t)], "is a folder"),
    ("ingest-db-is-folder", lambda t: ["ingest", "--db", str(t), str(t)], "is a folder"),
    (
        "eval-times-binary",
        lambda t: ["eval", "times", "--duckling", str(_binary(t, "time.jsonl"))],
        "not UTF-8",
    ),
    (
        "eval-ner-binary",
        lambda t: ["eval", "ner", "--conll", str(_binary(t, "gold.txt"))],
        "not UTF-8",
    ),
    (
        "eval-ner-empty",
        lambda t: ["eval", "ner", "--conll", str(_folder_with(t, "e.txt", b"\n\n") / "e.txt")],
        "no 'TOKEN TAG' lines",
    ),
    (
        "eval-quantities-binary",
        lambda t: [
            "eval",
            "quantities",
            "--duckling",
            str(_folder_with(t, "number.jsonl", BINARY)),
        ],
        "not a readable UTF-8",
    ),
    (
        "eval-quantities-bad-json",
        lambda t: [
            "eval",
            "quantities",
            "--duckling",
            str(_folder_with(t, "number.jsonl", b"{x\n")),
        ],
        "number.jsonl:1: not valid JSON",
    ),
    (
        "eval-events-binary",
        lambda t: ["eval", "events", "--gsr", str(_folder_with(t, "assault_gsr.jsonl", BINARY))],
        "not a readable UTF-8",
    ),
]


@pytest.mark.parametrize(("make", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_one_line_and_exit_1(tmp_path, capsys, make, message):
    argv = make(tmp_path)
    code = main([*argv, "--errors", str(tmp_path / "errors.txt")] if argv[0] == "eval" else argv)
    out, err = capsys.readouterr()
    assert code == 1, (out, err)
    assert err.startswith("rasd: error: "), err
    assert err.count("\n") == 1, err
    assert message in err
    assert "Traceback" not in err


def test_unexpected_os_error_is_one_line(monkeypatch, capsys):
    """The CLI's last net: an OSError a command did not turn into a RasdError still exits 1."""
    from rasd.cli import search

    def boom(*args, **kwargs):
        raise PermissionError(13, "Permission denied", "rasd.db")

    monkeypatch.setattr(search, "run", boom)
    code = main(["search", "x"])
    err = capsys.readouterr().err
    assert code == 1
    assert err == "rasd: error: rasd.db: Permission denied\n"


@pytest.mark.parametrize("port", ["99999", "-1", "http", ""])
def test_serve_bad_port_is_a_usage_error(capsys, port):
    with pytest.raises(SystemExit) as exit_:
        main(["serve", "--port", port])
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    assert "argument --port" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("text", ["قتل 3 أشخاص \ud800 في بغداد", "\udfff", "قال \ud83d"])
def test_lone_surrogate_text_is_an_input_error(text):
    with pytest.raises(InputError, match="not valid Unicode"):
        make_document(text)


def test_jsonl_with_a_lone_surrogate_escape_is_one_line(tmp_path, capsys):
    path = tmp_path / "in.jsonl"
    path.write_text('{"text": "قتل 3 أشخاص \\ud800 في بغداد"}\n', encoding="utf-8")
    code = main(["read", "--jsonl", str(path)])
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1, err
    assert f"skipped {path}:1: 'text' is not valid Unicode (lone surrogate U+D800)" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["events", "--limit", "-1"],
        ["events", "--limit", "0"],
        ["search", "x", "--limit", "-1"],
        ["search", "x", "--limit", "ten"],
        ["read", "x.txt", "--indent", "-5"],
        ["read", "x.txt", "--max-bytes", "-1"],
        ["ingest", "x.txt", "--workers", "-2"],
        ["ingest", "x.txt", "--partition-size", "0"],
    ],
    ids=lambda argv: "-".join(argv[:1] + argv[-2:]),
)
def test_out_of_range_numbers_are_usage_errors(capsys, argv):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    assert f"argument {argv[-2]}" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "argv",
    [
        ["events"],
        ["search", "x"],
        ["event", "1"],
        ["ingest", "IN"],
        ["export", "--format", "jsonl", "OUT"],
    ],
    ids=["events", "search", "event", "ingest", "export"],
)
def test_another_programs_sqlite_file_is_not_a_rasd_database(tmp_path, capsys, argv):
    db = tmp_path / "other.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE documents (x)")
    (tmp_path / "in.txt").write_text("قتل 3 أشخاص في بغداد أمس.", encoding="utf-8")
    argv = [
        a.replace("IN", str(tmp_path / "in.txt")).replace("OUT", str(tmp_path / "o")) for a in argv
    ]
    code = main([*argv, "--db", str(db)])
    err = capsys.readouterr().err
    assert code == 1
    assert "not a rasd database" in err
    assert err.count("\n") == 1, err
