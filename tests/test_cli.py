"""The command line: `rasd read` on the example, JSONL streaming, bad input and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
import pytest

from conftest import EXAMPLE_TEXT, ROOT
from rasd import __version__
from rasd.cli import main
from rasd.document import Document


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:  # argparse usage errors and --version
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_read_example_json_validates(capsys):
    code, out, err = run_cli(capsys, "read", str(EXAMPLE_TEXT))
    assert code == 0, err
    data = json.loads(out)
    schema = json.loads((ROOT / "schema" / "document.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    doc = Document.from_dict(data)
    assert doc.text == EXAMPLE_TEXT.read_text(encoding="utf-8")
    assert str(doc.published) == "2022-01-10"  # from the bundled .meta.json
    assert doc.tokens == ()  # tokens only with --tokens
    assert len(doc.sentences) >= 20


def test_read_example_text_format_lists_sentences(capsys):
    code, out, _ = run_cli(capsys, "read", str(EXAMPLE_TEXT), "--format", "text")
    assert code == 0
    assert "[8] عودة الحياة الطبيعية" in out
    assert "published: 2022-01-10" in out


def test_read_stdin_with_metadata(capsys, monkeypatch):
    import io

    data = "قال الرئيس إن الوضع هادئ.".encode("cp1256")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, out, err = run_cli(capsys, "read", "-", "--published", "2022-01-10", "--source", "AFP")
    assert code == 0, err
    doc = Document.from_json(out)
    assert doc.text == "قال الرئيس إن الوضع هادئ."
    assert doc.source == "AFP"


def test_read_jsonl_streams_and_reports_bad_lines(tmp_path, capsys):
    lines = [
        json.dumps(
            {"text": "قتل ثلاثة أشخاص في انفجار.", "published": "2015-08-06", "source": "sabq"}
        ),
        "{broken json",
        json.dumps({"title": "no text"}),
        "",
        json.dumps({"text": "تظاهر المئات أمس.", "url": "https://example.org/a"}),
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "read", "--jsonl", str(path))
    docs = [Document.from_json(line) for line in out.splitlines()]
    assert [d.source for d in docs] == ["sabq", None]
    assert docs[1].url == "https://example.org/a"
    assert f"{path}:2: invalid JSON" in err
    assert f"{path}:3: missing or non-string field 'text'" in err
    assert code == 1  # some input was skipped


def _png(tmp_path):
    p = tmp_path / "image.png"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08")
    return p


def _big(tmp_path):
    p = tmp_path / "big.txt"
    with p.open("wb") as f:
        chunk = ("قال الرئيس إن الوضع هادئ. " * 1000).encode("utf-8")
        while f.tell() < 50_000_000:
            f.write(chunk)
    return p


def _empty(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    return p


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_empty, "empty document"),
        (_png, "binary data"),
        (_big, "larger than the 10,000,000-byte limit"),
        (lambda tmp: tmp, "is a directory"),
        (lambda tmp: tmp / "missing.txt", "no such file"),
    ],
    ids=["empty", "png", "50MB", "directory", "missing"],
)
def test_bad_input_is_one_clear_line_and_exit_1(tmp_path, capsys, make, message):
    path = make(tmp_path)
    code, out, err = run_cli(capsys, "read", str(path))
    assert code == 1
    assert out == ""
    assert err.count("\n") == 1, err
    assert err.startswith("rasd: error: ")
    assert str(path) in err
    assert message in err
    assert "Traceback" not in err


def test_bad_published_date_is_exit_1(capsys):
    code, _, err = run_cli(capsys, "read", str(EXAMPLE_TEXT), "--published", "10/01/2022")
    assert code == 1
    assert "not an ISO date" in err


def test_usage_errors_exit_2(capsys):
    assert run_cli(capsys)[0] == 2
    assert run_cli(capsys, "read")[0] == 2
    assert run_cli(capsys, "read", "x", "--format", "xml")[0] == 2
    assert run_cli(capsys, "no-such-command")[0] == 2


def test_version(capsys):
    code, out, _ = run_cli(capsys, "--version")
    assert code == 0
    assert out.strip() == f"rasd {__version__}"


def test_console_script_exit_codes(tmp_path):
    ok = subprocess.run(
        [sys.executable, "-m", "rasd", "read", str(EXAMPLE_TEXT), "--format", "text"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    bad = subprocess.run(
        [sys.executable, "-m", "rasd", "read", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 1
    assert "Traceback" not in bad.stderr
